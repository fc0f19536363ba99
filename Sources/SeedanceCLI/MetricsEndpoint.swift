import ArgumentParser
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// `--metrics-listen HOST:PORT`: a Prometheus registry served as text at `GET /metrics`; every other path and method
/// answers 404.
///
/// `serving(_:)` keeps it up exactly as long as a piece of work runs. The port is bound before the work starts, so a
/// busy port fails first, and the server stops with a graceful shutdown when the work ends, so a scrape under way
/// gets its answer.
public struct MetricsEndpoint: Sendable {
    /// The address to listen on.
    public let host: String
    /// The port to listen on; 0 picks a free one (`serving` hands the bound port to its body).
    public let port: Int
    /// The metrics served.
    public let registry: PrometheusCollectorRegistry
    private let logger: Logger

    /// The exposition format's content type (Prometheus text format 0.0.4).
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// An endpoint for `registry` on `host:port` (nothing is bound until `serving`). Without `logger` the server is
    /// silent: swift-log's default handler writes to stdout, beside `--json` output, and every failure that matters
    /// (a bind error) is thrown anyway.
    public init(host: String, port: Int, registry: PrometheusCollectorRegistry, logger: Logger? = nil) {
        self.host = host
        self.port = port
        self.registry = registry
        self.logger = logger ?? {
            var silent = Logger(label: "seedance.metrics")
            silent.logLevel = .critical
            return silent
        }()
    }

    /// An endpoint for `registry` on a `--metrics-listen` address (see `parse(_:option:)`).
    public init(listen: String, registry: PrometheusCollectorRegistry, logger: Logger? = nil) throws {
        let (host, port) = try Self.parse(listen)
        self.init(host: host, port: port, registry: registry, logger: logger)
    }

    /// Binds, then runs `body` with the bound port (the chosen one for port 0) while serving beside it, and stops
    /// serving when `body` ends, returns or throws; returns `body`'s result or rethrows its error. A bind failure is
    /// thrown before `body` runs.
    public func serving<T>(_ body: (_ port: Int) async throws -> T) async throws -> T {
        let (bound, boundContinuation) = AsyncStream.makeStream(of: Int.self)
        let port = port
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in
                boundContinuation.yield(channel.localAddress?.port ?? port)
                boundContinuation.finish()
            },
            logger: logger)
        var configuration = ServiceGroupConfiguration(services: [app], logger: logger)
        // A scraper that keeps its connection busy must not hold the command's exit for long.
        configuration.maximumGracefulShutdownDuration = .seconds(5)
        let server = ServiceGroup(configuration: configuration)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // A server that fails to bind must still end the wait below.
                defer { boundContinuation.finish() }
                try await server.run()
            }
            var boundPort: Int?
            for await port in bound { boundPort = port }
            guard let boundPort else {
                // The server ended before listening: its error says why.
                _ = try await group.next()
                throw CancellationError()
            }
            let outcome: Result<T, any Error>
            do {
                outcome = .success(try await body(boundPort))
            } catch {
                outcome = .failure(error)
            }
            // A graceful shutdown rather than cancelling the group: cancelling cuts a scrape under way and makes the
            // server log an error.
            await server.triggerGracefulShutdown()
            let stopped = await group.nextResult()
            // The work's own failure says more than one of the server's while stopping.
            let result = try outcome.get()
            try stopped?.get()
            return result
        }
    }

    /// `GET /metrics` and nothing else (Hummingbird answers 404 to unknown paths and to other methods).
    private func router() -> Router<BasicRequestContext> {
        let router = Router()
        let registry = registry
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: Self.contentType],
                     body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        return router
    }
}

extension MetricsEndpoint {
    /// `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (127.0.0.1) as a host and a port in 0...65535; anything else is a
    /// `ValidationError` of one line naming the option: `--metrics-listen: expected HOST:PORT, got "x"`.
    public static func parse(_ listen: String, option: String = "--metrics-listen") throws -> (host: String, port: Int) {
        let invalid = ValidationError("\(option): expected HOST:PORT, got \"\(listen)\"")
        let host: Substring
        let portText: Substring
        if listen.hasPrefix("[") {
            guard let close = listen.firstIndex(of: "]"),
                  listen[listen.index(after: close)...].hasPrefix(":") else { throw invalid }
            host = listen[listen.index(after: listen.startIndex)..<close]
            guard !host.isEmpty else { throw invalid }
            portText = listen[listen.index(close, offsetBy: 2)...]
        } else {
            guard let colon = listen.lastIndex(of: ":") else { throw invalid }
            host = listen[..<colon]
            // A bare IPv6 address leaves no way to tell where it ends and the port begins.
            guard !host.contains(":") else { throw invalid }
            portText = listen[listen.index(after: colon)...]
        }
        guard !host.contains(where: { $0.isWhitespace || $0 == "/" }),
              (1...5).contains(portText.count), portText.allSatisfy({ ("0"..."9").contains($0) }),
              let port = Int(portText), port <= 65_535 else { throw invalid }
        return (host.isEmpty ? "127.0.0.1" : String(host), port)
    }

    /// Makes a fresh registry the backend of `MetricsSystem` and returns it; later calls return the same registry.
    ///
    /// `MetricsSystem.bootstrap` may run once per process (a second call traps). A static let's initialiser runs
    /// exactly once, even under concurrent first use, so it is the guard. Do not bootstrap `MetricsSystem` anywhere
    /// else in a process that calls this.
    public static func bootstrapMetricsSystem() -> PrometheusCollectorRegistry {
        bootstrappedRegistry
    }

    private static let bootstrappedRegistry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}
