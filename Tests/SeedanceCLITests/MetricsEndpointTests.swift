import AsyncHTTPClient
import Pipeline
import Prometheus
import SeedanceCLI
import Testing

/// `--metrics-listen`: the registry's text at GET /metrics, 404 elsewhere, the port closed when the work ends, and
/// the address syntax. Each test counts into its own registry through an explicit factory, so nothing here depends
/// on (or makes) the process-wide `MetricsSystem` bootstrap.
@Suite struct MetricsEndpointTests {
    /// A GET (or another method) against the endpoint: status, content type and body.
    private func fetch(_ url: String, method: String = "GET") async throws -> (Int, String?, String) {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers.first(name: "Content-Type"),
                String(decoding: body.readableBytesView, as: UTF8.self))
    }

    /// Expects connections to `port` refused. The client retries a refused connect until its deadline and then
    /// reports the last refusal, so a short deadline keeps this quick and the message tells refused from a hang.
    private func expectClosed(_ port: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics")
        // The shared client may first reuse a pooled connection the server closed on its way down
        // (`remoteConnectionClosed`, or "I/O on closed channel" when the close lands mid-write; both seen on slow
        // sanitizer builds); the next try connects afresh and must be refused.
        var last = ""
        for _ in 0..<3 {
            do {
                _ = try await HTTPClient.shared.execute(request, timeout: .seconds(1))
                Issue.record("port \(port) still answers", sourceLocation: sourceLocation)
                return
            } catch {
                last = "\(error)"
                if last.contains("Connection refused") { return }
                guard last.contains("remoteConnectionClosed") || last.contains("I/O on closed channel") else { break }
            }
        }
        Issue.record("port \(port): \(last), not a refused connection", sourceLocation: sourceLocation)
    }

    @Test func servesTheWorkersCountersAndNothingElse() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = WorkerMetrics(worker: "w1", factory: PrometheusMetricsFactory(registry: registry))
        metrics.claimed()
        metrics.claimed()
        metrics.created()
        let endpoint = MetricsEndpoint(host: "127.0.0.1", port: 0, registry: registry)
        let port = try await endpoint.serving { port in
            #expect(port > 0)
            let (status, contentType, text) = try await fetch("http://127.0.0.1:\(port)/metrics")
            #expect(status == 200)
            #expect(contentType == "text/plain; version=0.0.4; charset=utf-8")
            let lines = text.split(separator: "\n")
            #expect(lines.contains(#"seedance_worker_claims_total{worker="w1"} 2"#), "\(text)")
            #expect(lines.contains(#"seedance_worker_creates_total{worker="w1"} 1"#), "\(text)")
            #expect(lines.contains("# TYPE seedance_worker_claims_total counter"), "\(text)")

            // Counts made after the first scrape show in the next one.
            metrics.created(2)
            let (_, _, later) = try await fetch("http://127.0.0.1:\(port)/metrics")
            #expect(later.split(separator: "\n").contains(#"seedance_worker_creates_total{worker="w1"} 3"#))

            #expect(try await fetch("http://127.0.0.1:\(port)/other").0 == 404)
            #expect(try await fetch("http://127.0.0.1:\(port)/").0 == 404)
            #expect(try await fetch("http://127.0.0.1:\(port)/metrics", method: "POST").0 == 404)
            return port
        }
        // The body ended: the port is closed.
        try await expectClosed(port)
    }

    @Test func stopsServingWhenTheWorkThrows() async throws {
        struct WorkFailed: Error {}
        let endpoint = MetricsEndpoint(host: "127.0.0.1", port: 0, registry: PrometheusCollectorRegistry())
        var seenPort = 0
        await #expect(throws: WorkFailed.self) {
            try await endpoint.serving { port in
                seenPort = port
                throw WorkFailed()
            }
        }
        #expect(seenPort > 0)
        try await expectClosed(seenPort)
    }

    @Test func aBusyPortFailsBeforeTheWorkStarts() async throws {
        let first = MetricsEndpoint(host: "127.0.0.1", port: 0, registry: PrometheusCollectorRegistry())
        try await first.serving { port in
            let second = MetricsEndpoint(host: "127.0.0.1", port: port, registry: PrometheusCollectorRegistry())
            var ran = false
            await #expect(throws: (any Error).self) {
                try await second.serving { _ in ran = true }
            }
            #expect(!ran)
        }
    }

    @Test func cancellingTheCallerStopsTheServer() async throws {
        let endpoint = MetricsEndpoint(host: "127.0.0.1", port: 0, registry: PrometheusCollectorRegistry())
        let (bound, boundContinuation) = AsyncStream.makeStream(of: Int.self)
        let port = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await endpoint.serving { port in
                    boundContinuation.yield(port)
                    try await Task.sleep(for: .seconds(60))
                }
            }
            var ports = bound.makeAsyncIterator()
            let port = try #require(await ports.next())
            #expect(try await fetch("http://127.0.0.1:\(port)/metrics").0 == 200)
            group.cancelAll()
            await #expect(throws: CancellationError.self) { try await group.next() }
            return port
        }
        try await expectClosed(port)
    }

    @Test(arguments: [
        ("127.0.0.1:9464", "127.0.0.1", 9464),
        (":9464", "127.0.0.1", 9464),
        ("0.0.0.0:0", "0.0.0.0", 0),
        ("localhost:65535", "localhost", 65_535),
        ("metrics.internal:80", "metrics.internal", 80),
        ("[::1]:9090", "::1", 9090),
        ("[::]:0", "::", 0),
    ])
    func parsesAnAddress(listen: String, host: String, port: Int) throws {
        let parsed = try MetricsEndpoint.parse(listen)
        #expect(parsed.host == host)
        #expect(parsed.port == port)
    }

    @Test(arguments: ["x", "", "9464", ":", "host:", "host:abc", "host:65536", "host:-1", "host:+80", "host: 80",
                      "host:123456", "::1:9090", "[::1]9090", "[::1]", "[]:80", "a b:80", "http://host:80"])
    func rejectsABadAddressInOneLine(listen: String) {
        do {
            let parsed = try MetricsEndpoint.parse(listen)
            Issue.record("\(listen) parsed as \(parsed)")
        } catch {
            #expect(String(describing: error) == "--metrics-listen: expected HOST:PORT, got \"\(listen)\"")
        }
    }
}
