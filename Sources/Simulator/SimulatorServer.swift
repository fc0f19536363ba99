import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import Provenance
import ServiceLifecycle

/// A local Seedance server: the service's routes and rules, rendering real clips (see the module's README).
///
/// `run(...)` serves until its task is cancelled (or, with `handleSignals`, SIGINT/SIGTERM); `start()` runs it in the
/// background for tests and returns a handle with the base URL and `stop()`.
public final class SimulatorServer: Sendable {
    /// The configuration it runs with.
    public let configuration: SimulatorConfiguration
    /// The test identity that signs the clips' C2PA manifests: the configuration's, or one made for this server.
    /// Give a C2PA reader `signingIdentity.rootCertificatePEM` as a trust anchor to trust them (the server also
    /// serves it at `/_simulator/c2pa-root.pem`). Nil only when no identity could be made (then clips keep their
    /// placeholder box).
    public let signingIdentity: TestSigningIdentity?
    private let logger: Logger

    /// Makes a server (nothing is bound until `run` or `start`).
    public init(configuration: SimulatorConfiguration = SimulatorConfiguration(),
                logger: Logger = Logger(label: "seedance.simulator")) {
        self.configuration = configuration
        self.logger = logger
        // Key generation and two certificates in memory: about a millisecond, and it cannot fail in practice.
        signingIdentity = configuration.signingIdentity ?? (try? TestSigningIdentity.generate())
    }

    /// Serves until cancelled or, with `handleSignals`, until SIGINT or SIGTERM; calls `onReady` with the API base
    /// URL (`http://127.0.0.1:PORT/api/v3`) once the port is bound. Removes its temporary cache at the end.
    public func run(handleSignals: Bool = false, onReady: @escaping @Sendable (URL) async -> Void) async throws {
        try await run(handleSignals: handleSignals, shutdown: nil, onReady: onReady)
    }

    private func run(handleSignals: Bool, shutdown: ShutdownTrigger?,
                     onReady: @escaping @Sendable (URL) async -> Void) async throws {
        let directory: URL
        let ownsDirectory = configuration.dataDirectory == nil
        if let chosen = configuration.dataDirectory {
            directory = chosen
        } else {
            directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("seedance-simulator-\(UUID().uuidString.prefix(8))")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let engine = SimulatorEngine(configuration: configuration, cacheDirectory: directory, logger: logger,
                                     signingIdentity: signingIdentity)
        let routes = SimulatorRoutes(engine: engine, configuration: configuration)
        let host = configuration.host
        let app = Application(
            router: routes.build(),
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: "seedance-simulator"),
            services: [Background(engine: engine, logger: logger)],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let shownHost = host.contains(":") ? "[\(host)]" : host
                await engine.setBaseURL("http://\(shownHost):\(port)")
                await onReady(URL(string: "http://\(shownHost):\(port)/api/v3")!)
            },
            logger: logger)
        defer {
            if ownsDirectory { try? FileManager.default.removeItem(at: directory) }
        }
        let group = ServiceGroup(configuration: .init(
            services: [app], gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [], logger: logger))
        await shutdown?.attach(group)
        do {
            try await group.run()
        } catch is CancellationError {
        }
        await engine.drainRenders()
    }

    /// Starts serving in the background; returns once the port is bound.
    public func start() async throws -> RunningSimulator {
        let (ready, readyContinuation) = AsyncStream.makeStream(of: URL.self)
        let trigger = ShutdownTrigger()
        let task = Task {
            // A server that fails to bind must still end the wait below.
            defer { readyContinuation.finish() }
            try await self.run(handleSignals: false, shutdown: trigger) { url in
                readyContinuation.yield(url)
                readyContinuation.finish()
            }
        }
        for await url in ready { return RunningSimulator(baseURL: url, task: task, trigger: trigger) }
        // The server ended before it was ready: report why.
        try await task.value
        throw CancellationError()
    }
}

/// A simulator serving in the background.
public struct RunningSimulator: Sendable {
    /// The API base URL, `http://127.0.0.1:PORT/api/v3`.
    public let baseURL: URL
    let task: Task<Void, any Error>
    let trigger: ShutdownTrigger

    /// The server root, `http://127.0.0.1:PORT` (where `/_simulator/stats` lives).
    public var rootURL: URL { baseURL.deletingLastPathComponent().deletingLastPathComponent() }

    /// Stops serving and waits until the port is closed and renders under way are done.
    public func stop() async {
        await trigger.fire()
        _ = await task.result
    }
}

/// Lets `stop()` shut the service group down gracefully (open connections finish, no cancellation noise).
actor ShutdownTrigger {
    private var group: ServiceGroup?
    private var fired = false

    func attach(_ group: ServiceGroup) async {
        self.group = group
        if fired { await group.triggerGracefulShutdown() }
    }

    func fire() async {
        fired = true
        await group?.triggerGracefulShutdown()
    }
}

/// The background work beside the HTTP server: the life-cycle ticker and the callback sender.
struct Background: Service {
    let engine: SimulatorEngine
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        await engine.tick()
                        try? await Task.sleep(for: .milliseconds(10))
                    }
                    await engine.finishCallbacks()
                }
                group.addTask {
                    for await callback in engine.callbackStream {
                        await deliver(callback)
                    }
                }
            }
        }
    }

    private func deliver(_ callback: SimulatorEngine.Callback) async {
        var request = HTTPClientRequest(url: callback.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: callback.body))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            _ = try? await response.body.collect(upTo: 1 << 20)
            await engine.callbackDelivered((200..<300).contains(Int(response.status.code)))
        } catch {
            logger.debug("callback failed", metadata: ["url": "\(callback.url)", "error": "\(error)"])
            await engine.callbackDelivered(false)
        }
    }
}
