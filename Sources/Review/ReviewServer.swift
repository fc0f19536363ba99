import Foundation
import Hummingbird
import Logging
import NIOCore
import Pipeline
import ServiceLifecycle
import UnixSignals

/// A local web server for reviewing a run: the shots as cards, approval and rejection, regeneration, the join order
/// and the re-join, live while the run moves (see `ReviewRoutes` for the routes and `ReviewAccess` for who may ask
/// what). The run is a folder, or a run of a shared PostgreSQL store (or every run of one, listed), whose state is
/// the store's and whose files are in its folder under the store's shared root.
///
/// The page never touches the API: what spends goes through `PipelineRunner`, as `seedance regenerate` does, with
/// the service the server was given; the API key stays in that service and never reaches the page.
public struct ReviewServer: Sendable {
    /// What it serves and how.
    public let configuration: ReviewConfiguration

    /// Checks what `configuration` serves: a folder that holds no run is a `StoreError` naming it. A stored run is
    /// looked up when serving starts (a run the store does not have is a `StoreError` then, before anything binds).
    public init(configuration: ReviewConfiguration) throws {
        if case .folder(let directory) = configuration.source {
            _ = try ReviewSite.folder(directory, configuration: configuration)
        }
        self.configuration = configuration
    }

    /// The run `configuration` names, or the store's list: opened now, so an unknown run or a folder not on this
    /// machine is thrown before anything binds.
    private func openSites() async throws -> ReviewSites {
        switch configuration.source {
        case .folder(let directory):
            return ReviewSites(mode: .single(try ReviewSite.folder(directory, configuration: configuration)),
                               configuration: configuration)
        case .store(let database, let runID?):
            do {
                let site = try await ReviewSite.stored(runID, database: database, prefix: "", configuration: configuration)
                return ReviewSites(mode: .single(site), configuration: configuration)
            } catch let missing as ReviewSiteMissing {
                throw StoreError(reason: missing.description)
            }
        case .store(let database, nil):
            return ReviewSites(mode: .list(database), configuration: configuration)
        }
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
        let (group, bound) = try await makeGroup(signals: [])
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
        let (group, bound) = try await makeGroup(signals: [.sigterm, .sigint])
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            if let port = await bound.first(where: { _ in true }) ?? nil {
                await onReady(Self.address(host: configuration.host, port: port, token: configuration.token))
            }
            try await tasks.waitForAll()
        }
    }

    /// The service group (HTTP server; the runs' watchers and job runners) and a stream giving the bound port once
    /// (nil if the server ended without binding).
    private func makeGroup(signals: [UnixSignal]) async throws -> (ServiceGroup, AsyncStream<Int?>) {
        let configuration = configuration
        let address = BoundAddress(host: configuration.host, port: configuration.port)
        let access = ReviewAccess(token: configuration.token, address: address)
        let sites = try await openSites()
        let shutdown = ShutdownFlag()
        let routes = ReviewRoutes(access: access, sites: sites, shutdown: shutdown, logger: configuration.logger)
        let (bound, boundContinuation) = AsyncStream.makeStream(of: Int?.self)
        let app = Application(
            router: routes.build(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                 serverName: "seedance-review"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                address.set(port: port)
                boundContinuation.yield(port)
                boundContinuation.finish()
            },
            logger: configuration.logger)
        var groupConfiguration = ServiceGroupConfiguration(
            services: [app, SitesService(sites: sites, interval: configuration.watchInterval, shutdown: shutdown,
                                         onEnd: { boundContinuation.finish() })],
            logger: configuration.logger)
        groupConfiguration.gracefulShutdownSignals = signals
        return (ServiceGroup(configuration: groupConfiguration), bound)
    }
}
