import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The small web server that hears a run's callbacks: the service POSTs the task object to the run's
/// `callback_url` on each status change, and this server hands the task's id and status to a `CallbackSink` as a
/// hint. Nothing in a body is trusted: the runner confirms with the list call before anything changes.
///
/// Every POST is answered, whatever its path: the last path segment must be the run's secret (checked in constant
/// time; for a shared run, the segment before it names the run), so a reverse proxy or tunnel may put any prefix
/// before it. A bad secret gets 404 and its body is not read;
/// a body without a task id and status gets 400; a replayed or unknown task gets 200 (the sender must not retry it)
/// and is ignored. Each kind is counted by the sink.
public struct CallbackReceiver: Sendable {
    /// Where hints go.
    public let sink: any CallbackSink
    /// The address to bind (`0.0.0.0` serves every interface; port 0 picks a free one).
    public let host: String
    public let port: Int
    let logger: Logger

    /// The largest body read: a task object is a few KiB.
    static let maxBody = 64 * 1024

    /// A receiver for `sink` on `host:port` (nothing is bound until `serving`).
    public init(sink: any CallbackSink, host: String, port: Int, logger: Logger) {
        self.sink = sink
        self.host = host
        self.port = port
        self.logger = logger
    }

    /// Binds, then runs `body` with the port bound (the chosen one for port 0) while serving beside it, and stops
    /// serving when `body` ends (returns or throws). A bind failure is thrown before `body` runs.
    public func serving<T: Sendable>(_ body: @Sendable (Int) async throws -> T) async throws -> T {
        let (bound, boundContinuation) = AsyncStream.makeStream(of: Int?.self)
        let sink = sink, logger = logger
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let status = await Self.handle(path: request.uri.path, body: request.body, sink: sink, logger: logger)
            return Response(status: status)
        }
        router.post("/", use: handler)
        router.post("**", use: handler)
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "seedance-callbacks"),
            onServerRunning: { channel in
                boundContinuation.yield(channel.localAddress?.port ?? 0)
                boundContinuation.finish()
            },
            // Hummingbird logs each request's path at debug: the path holds the secret.
            logger: quiet)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: quiet))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { boundContinuation.finish() }
                try await group.run()
            }
            guard let port = await bound.first(where: { _ in true }) ?? nil else {
                _ = try await tasks.next()
                throw CallbackReceiverError(reason: "the callback receiver stopped before it listened")
            }
            let outcome: Result<T, any Error>
            do { outcome = .success(try await body(port)) } catch { outcome = .failure(error) }
            await group.triggerGracefulShutdown()
            let stopped = await tasks.nextResult()
            let result = try outcome.get()
            try stopped?.get()
            return result
        }
    }

    /// Judges one POST: the secret first (the body is not read for a stranger), then the task's id and status.
    static func handle(path: String, body: RequestBody, sink: any CallbackSink, logger: Logger) async -> HTTPResponse.Status {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        guard let run = await sink.admit(segments) else {
            await sink.refused(.badSecret)
            logger.info("callback refused: bad secret")
            return .notFound
        }
        guard let buffer = try? await body.collect(upTo: maxBody),
              let (taskID, status) = taskAndStatus(Data(buffer.readableBytesView)) else {
            await sink.refused(.malformed)
            logger.info("callback refused: no task id and status in the body")
            return .badRequest
        }
        let verdict = await sink.receive(run: run, taskID: taskID, status: status)
        logger.debug("callback", metadata: ["task_id": "\(taskID)", "status": "\(status)", "verdict": "\(verdict.rawValue)"])
        return .ok
    }

    /// The task's id and status from a callback body, and nothing else: the rest is the API's to say, through the
    /// list call. Ids are short printable words; anything else is not a task of ours.
    static func taskAndStatus(_ data: Data) -> (String, String)? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let id = object["id"] as? String, let status = object["status"] as? String,
              (1...128).contains(id.utf8.count), (1...32).contains(status.utf8.count),
              id.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 }),
              status.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 })
        else { return nil }
        return (id, status)
    }
}

/// The callback receiver could not serve.
public struct CallbackReceiverError: Error, CustomStringConvertible {
    /// Why.
    public var reason: String
    public var description: String { reason }
}
