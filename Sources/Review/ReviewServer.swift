import Foundation
import Hummingbird
import Logging
import NIOCore
import Pipeline
import ServiceLifecycle
import UnixSignals

/// A local web server for reviewing one run folder: the shots as cards, approval and rejection, regeneration,
/// the join order and the re-join, live while the run moves (see `ReviewRoutes` for the routes and `ReviewAccess`
/// for who may ask what).
///
/// The page never touches the API: what spends goes through `PipelineRunner`, as `seedance regenerate` does, with
/// the service the server was given; the API key stays in that service and never reaches the page.
public struct ReviewServer: Sendable {
    /// What it serves and how.
    public let configuration: ReviewConfiguration
    private let layout: RunLayout
    private let store: SQLiteJobStore

    /// Opens the run in `configuration.directory`; a folder that holds no run is a `StoreError` naming it.
    public init(configuration: ReviewConfiguration) throws {
        let directory = configuration.directory
        let state = (directory as NSString).appendingPathComponent("state.sqlite")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StoreError(reason: "\(directory): no such folder")
        }
        guard FileManager.default.fileExists(atPath: state) else {
            throw StoreError(reason: "\(directory): not a run folder (state.sqlite is missing); make one with `seedance run PLAN -o \(directory)`")
        }
        // Read-only first: a file that is not a run's state is refused without being touched.
        _ = try SQLiteJobStore(path: state, readOnly: true)
        self.configuration = configuration
        layout = try RunLayout(directory: directory)
        store = try SQLiteJobStore(path: state)
    }

    /// The address a reviewer opens: `http://HOST:PORT/?token=TOKEN`.
    public static func address(host: String, port: Int, token: String) -> String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return "http://\(shown):\(port)/?token=\(token)"
    }

    /// Binds, then runs `body` with the address (the chosen port for port 0) while serving beside it, and stops
    /// serving when `body` ends (returns or throws): a regeneration under way is stopped as Ctrl-C stops a run.
    /// A bind failure is thrown before `body` runs.
    public func serving<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let (group, bound) = try makeGroup(signals: [])
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            guard let port = await bound.first(where: { _ in true }) ?? nil else {
                _ = try await tasks.next()
                throw CancellationError()
            }
            let outcome: Result<T, any Error>
            do {
                outcome = .success(try await body(Self.address(host: configuration.host, port: port, token: configuration.token)))
            } catch {
                outcome = .failure(error)
            }
            await group.triggerGracefulShutdown()
            let stopped = await tasks.nextResult()
            let result = try outcome.get()
            try stopped?.get()
            return result
        }
    }

    /// Serves until SIGINT or SIGTERM (or cancellation); calls `onReady` with the address once bound.
    public func run(onReady: @escaping @Sendable (String) async -> Void) async throws {
        let (group, bound) = try makeGroup(signals: [.sigterm, .sigint])
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            if let port = await bound.first(where: { _ in true }) ?? nil {
                await onReady(Self.address(host: configuration.host, port: port, token: configuration.token))
            }
            try await tasks.waitForAll()
        }
    }

    /// The service group (HTTP server, state watcher, job runner) and a stream giving the bound port once (nil if
    /// the server ended without binding).
    private func makeGroup(signals: [UnixSignal]) throws -> (ServiceGroup, AsyncStream<Int?>) {
        let configuration = configuration
        let address = BoundAddress(host: configuration.host, port: configuration.port)
        let access = ReviewAccess(token: configuration.token, address: address)
        let files = try ReviewFiles(directory: configuration.directory)
        let shutdown = ShutdownFlag()
        let state = ReviewState(store: store, layout: layout, prices: configuration.run.prices,
                                canGenerate: configuration.service != nil,
                                generateNote: configuration.serviceUnavailable, logger: configuration.logger)
        let jobs = ReviewJobs(directory: configuration.directory, store: store, service: configuration.service,
                              serviceUnavailable: configuration.serviceUnavailable, configuration: configuration.run,
                              logger: configuration.logger, changed: { await state.refresh(force: true) })
        let routes = ReviewRoutes(access: access, files: files, state: state, jobs: jobs,
                                  review: RunReview(store: store), shutdown: shutdown, logger: configuration.logger)
        let (bound, boundContinuation) = AsyncStream.makeStream(of: Int?.self)
        let app = Application(
            router: routes.build(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                 serverName: "seedance-review"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                address.set(port: port)
                await state.attach(jobs)
                boundContinuation.yield(port)
                boundContinuation.finish()
            },
            logger: configuration.logger)
        var groupConfiguration = ServiceGroupConfiguration(
            services: [app, Watcher(state: state, interval: configuration.watchInterval, shutdown: shutdown),
                       JobRunner(jobs: jobs, onEnd: { boundContinuation.finish() })],
            logger: configuration.logger)
        groupConfiguration.gracefulShutdownSignals = signals
        return (ServiceGroup(configuration: groupConfiguration), bound)
    }
}

/// Looks at the run every `interval` so the page hears of changes another process makes; raises the shutdown flag
/// first thing when the server stops, so event streams end.
struct Watcher: Service {
    let state: ReviewState
    let interval: Double
    let shutdown: ShutdownFlag

    func run() async throws {
        let state = state, interval = interval
        await withGracefulShutdownHandler {
            await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    await state.refresh()
                    try? await Task.sleep(for: .seconds(interval))
                }
            }
        } onGracefulShutdown: {
            shutdown.raise()
        }
        shutdown.raise()
    }
}

/// Runs the page's jobs one at a time for the server's life.
struct JobRunner: Service {
    let jobs: ReviewJobs
    let onEnd: @Sendable () -> Void

    func run() async throws {
        await jobs.work()
        onEnd()
    }
}
