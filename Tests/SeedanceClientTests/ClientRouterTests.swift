import Foundation
import Hummingbird
import NIOCore
import SeedanceAPI
import Testing
import TestSupport

/// A tiny Hummingbird server on loopback for answers the simulator cannot give: 503, Retry-After on reads, a
/// connection dropped in the middle of a body with a correct Content-Length, Range requests.
struct LocalServer {
    let baseURL: URL
    let task: Task<Void, any Error>

    static func with<T>(_ build: (Router<BasicRequestContext>) -> Void,
                        _ body: (LocalServer) async throws -> T) async throws -> T {
        let router = Router()
        build(router)
        let (ready, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in
                                  continuation.yield(channel.localAddress?.port ?? 0)
                                  continuation.finish()
                              })
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var port = 0
        for await value in ready { port = value }
        let server = LocalServer(baseURL: URL(string: "http://127.0.0.1:\(port)/api/v3")!, task: task)
        defer { task.cancel() }
        let result = try await body(server)
        task.cancel()
        _ = await task.result
        return result
    }
}

/// A counter shared with route handlers.
final class Counter: Sendable {
    private let value = Locked(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
    var count: Int { value.withLock { $0 } }
}

private func json(_ text: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
    var fields = headers
    fields[.contentType] = "application/json"
    return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
}

private let envelope503 = #"{"error":{"code":"ServerOverloaded","message":"busy. Request id: 0217abc","type":"ServiceUnavailable"}}"#

@Suite struct ClientRouterTests {
    @Test func readsHonourRetryAfter() async throws {
        let gets = Counter()
        try await LocalServer.with({ router in
            router.get("/api/v3/contents/generations/tasks/:id") { _, _ in
                if gets.next() == 1 {
                    return json(#"{"error":{"code":"RateLimitExceeded.EndpointRPMExceeded","message":"slow down"}}"#,
                                status: .tooManyRequests, headers: [.retryAfter: "1"])
                }
                return json(#"{"id":"cgt-1","status":"running","some_new_field":1}"#)
            }
        }) { server in
            let client = Client(configuration: testConfiguration(server.baseURL))
            let start = Date()
            let task = try await client.task("cgt-1")
            let elapsed = Date().timeIntervalSince(start)
            try await client.shutdown()
            #expect(task.status == .running && gets.count == 2)
            #expect(elapsed >= 0.95, "Retry-After: 1 was honoured (waited \(elapsed) s; backoff alone is 0.05 s)")
        }
    }

    @Test func createIsRetriedAfter503ButNotAfter502OrA400() async throws {
        // One server per scenario: 503 is retried, 502 is an unknown outcome, 400 a definite refusal.
        for scenario in ["503", "502", "400"] {
            let calls = Counter()
            try await LocalServer.with({ router in
                router.post("/api/v3/contents/generations/tasks") { _, _ in
                    let n = calls.next()
                    switch scenario {
                    case "503": return n == 1 ? json(envelope503, status: .serviceUnavailable) : json(#"{"id":"cgt-new"}"#)
                    case "502": return Response(status: .badGateway)
                    default:
                        return json(#"{"error":{"code":"InvalidParameter","message":"bad","param":"ratio","type":"BadRequest"}}"#,
                                    status: .badRequest)
                    }
                }
            }) { server in
                let client = Client(configuration: testConfiguration(server.baseURL))
                switch scenario {
                case "503":
                    #expect(try await client.create(smallRequest()).id == "cgt-new")
                    #expect(calls.count == 2)
                case "502":
                    await #expect { try await client.create(smallRequest()) } throws: {
                        ($0 as? ClientError)?.kind == .unknownOutcome && ($0 as? ClientError)?.httpStatus == 502
                    }
                    #expect(calls.count == 1)
                default:
                    // #expect rather than #require, so the client is still shut down when the call succeeds.
                    let error = await #expect(throws: ClientError.self) {
                        _ = try await client.create(smallRequest())
                    }
                    #expect(error?.kind == .api && error?.code == "InvalidParameter" && error?.param == "ratio")
                    #expect(calls.count == 1)
                }
                try await client.shutdown()
            }
        }
    }

    @Test func aKeyEchoedByTheServerIsRedactedFromErrors() async throws {
        try await LocalServer.with({ router in
            router.get("/api/v3/contents/generations/tasks/:id") { request, _ in
                let header = request.headers[.authorization] ?? ""
                return json(#"{"error":{"code":"AuthenticationError","message":"bad key \#(header)","param":"\#(header)"}}"#,
                            status: .unauthorized)
            }
        }) { server in
            let logs = LogCapture()
            let client = Client(configuration: testConfiguration(server.baseURL), logger: logs.logger)
            let error = await #expect(throws: ClientError.self) {
                _ = try await client.task("cgt-1")
            }
            #expect(error?.httpStatus == 401 && error?.message.contains("[redacted]") == true)
            #expect(error.map { !$0.description.contains(ClientHarness.key) && !($0.param ?? "").contains(ClientHarness.key) } == true)
            try await client.shutdown()
            #expect(!logs.text.contains(ClientHarness.key))
        }
    }

    /// A 300 KB payload served with its full Content-Length; the first answer breaks after 40 %.
    @Test func droppedDownloadIsResumedWithRange() async throws {
        let payload = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let ranges = Locked<[String]>([])
        let requests = Counter()
        try await LocalServer.with({ router in
            router.get("/files/clip.mp4") { request, _ in
                _ = requests.next()
                let range = request.headers[.range]
                ranges.withLock { $0.append(range ?? "-") }
                if let range, let start = Int(range.dropFirst("bytes=".count).dropLast()) {
                    let slice = payload[start...]
                    return Response(status: .partialContent,
                                    headers: [.contentType: "video/mp4", .contentLength: "\(slice.count)",
                                              .contentRange: "bytes \(start)-\(payload.count - 1)/\(payload.count)"],
                                    body: .init(byteBuffer: ByteBuffer(bytes: slice)))
                }
                let cut = payload.prefix(120_000)
                return Response(status: .ok, headers: [.contentType: "video/mp4", .contentLength: "\(payload.count)"],
                                body: ResponseBody(contentLength: payload.count) { writer in
                                    try await writer.write(ByteBuffer(bytes: cut))
                                    throw CancellationError()   // the connection breaks mid-body
                                })
            }
        }) { server in
            let client = Client(configuration: testConfiguration(server.baseURL))
            let directory = try FixturePaths.temporaryDirectory("resume")
            defer { try? FileManager.default.removeItem(at: directory) }
            let link = server.baseURL.deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("files/clip.mp4").absoluteString
            let task = GenerationTask(id: "cgt-r", status: .succeeded, content: TaskContent(videoURL: link))
            let destination = directory.appendingPathComponent("clip.mp4")
            let result = try await client.download("cgt-r", to: destination, task: task)
            try await client.shutdown()
            #expect(result.resumes == 1 && result.bytes == Int64(payload.count))
            #expect(FileManager.default.contents(atPath: destination.path) == payload)
            // The second request asks for the rest from the first byte not received (what arrived before the break).
            let asked = ranges.withLock { $0 }
            #expect(asked.count == 2 && asked.first == "-")
            let offset = Int(asked.last?.dropFirst("bytes=".count).dropLast() ?? "") ?? -1
            #expect(offset > 0 && offset <= 120_000, "\(asked)")
            #expect(!FileManager.default.fileExists(atPath: destination.path + ".part"))
        }
    }

    @Test func serverIgnoringRangeRestartsAndAFailedDownloadLeavesNothing() async throws {
        let payload = Data(repeating: 7, count: 100_000)
        let requests = Counter()
        try await LocalServer.with({ router in
            // Always a full 200 that breaks after 50 KB the first time, complete the second time.
            router.get("/files/a.mp4") { _, _ in
                if requests.next() == 1 {
                    return Response(status: .ok, headers: [.contentLength: "\(payload.count)"],
                                    body: ResponseBody(contentLength: payload.count) { writer in
                                        try await writer.write(ByteBuffer(bytes: payload.prefix(50_000)))
                                        throw CancellationError()
                                    })
                }
                return Response(status: .ok, headers: [.contentLength: "\(payload.count)"],
                                body: .init(byteBuffer: ByteBuffer(bytes: payload)))
            }
            router.get("/files/gone.mp4") { _, _ in Response(status: .notFound) }
        }) { server in
            let client = Client(configuration: testConfiguration(server.baseURL))
            let root = server.baseURL.deletingLastPathComponent().deletingLastPathComponent()
            let directory = try FixturePaths.temporaryDirectory("restart")
            defer { try? FileManager.default.removeItem(at: directory) }
            let ok = GenerationTask(id: "cgt-a", status: .succeeded,
                                    content: TaskContent(videoURL: root.appendingPathComponent("files/a.mp4").absoluteString))
            let destination = directory.appendingPathComponent("a.mp4")
            let result = try await client.download("cgt-a", to: destination, task: ok)
            #expect(FileManager.default.contents(atPath: destination.path) == payload && result.resumes == 1)
            let gone = GenerationTask(id: "cgt-g", status: .succeeded,
                                      content: TaskContent(videoURL: root.appendingPathComponent("files/gone.mp4").absoluteString))
            let missing = directory.appendingPathComponent("gone.mp4")
            await #expect { try await client.download("cgt-g", to: missing, task: gone) } throws: {
                ($0 as? ClientError)?.httpStatus == 404
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["a.mp4"])
            try await client.shutdown()
        }
    }
}
