import Foundation
import Hummingbird
import Logging
import SeedanceAPI
import TestSupport

/// A tiny Hummingbird server on a free loopback port that records the task objects POSTed to it.
actor CallbackReceiver {
    private var received: [GenerationTask] = []
    private var task: Task<Void, any Error>?
    nonisolated let url: String

    private init(url: String) { self.url = url }

    static func start() async throws -> CallbackReceiver {
        let (ready, continuation) = AsyncStream.makeStream(of: Int.self)
        let box = Box()
        let router = Router()
        router.post("/callback") { request, context -> HTTPResponse.Status in
            let task = try await request.decode(as: GenerationTask.self, context: context)
            await box.receiver?.record(task)
            return .ok
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in
                                  continuation.yield(channel.localAddress?.port ?? 0)
                                  continuation.finish()
                              }, logger: {
                                  var logger = Logger(label: "callback-receiver")
                                  logger.logLevel = .critical
                                  return logger
                              }())
        let running = Task { try await app.runService(gracefulShutdownSignals: []) }
        var port = 0
        for await value in ready { port = value }
        let receiver = CallbackReceiver(url: "http://127.0.0.1:\(port)/callback")
        await box.set(receiver)
        await receiver.setTask(running)
        return receiver
    }

    /// Runs `body` with a started receiver and stops it (awaited) when `body` returns or throws.
    static func with<T>(_ body: (CallbackReceiver) async throws -> T) async throws -> T {
        try await withStopping(try await start(), stop: { await $0.stop() }, body)
    }

    private func setTask(_ task: Task<Void, any Error>) { self.task = task }

    func record(_ task: GenerationTask) { received.append(task) }

    func statuses(of id: String) -> [String] { received.filter { $0.id == id }.map(\.status.rawValue) }

    func stop() async {
        task?.cancel()
        _ = await task?.result
        task = nil
    }

    private actor Box {
        var receiver: CallbackReceiver?
        func set(_ value: CallbackReceiver) { receiver = value }
    }
}
