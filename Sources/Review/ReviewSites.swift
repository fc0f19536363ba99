import Foundation
import Logging
import Pipeline
import ServiceLifecycle

/// The runs a review server serves: one (a folder, or `--store --run`), or every run of a store, each opened the
/// first time its page is asked for and kept for the server's life (its watcher and job runner started then).
actor ReviewSites {
    /// How the server's paths map to runs.
    enum Mode: Sendable {
        /// One run, at the root.
        case single(ReviewSite)
        /// A store's runs: the list at the root, each run under `/runs/ID/`.
        case list(PostgresDatabase)
    }

    nonisolated let mode: Mode
    private let configuration: ReviewConfiguration
    private var opened: [String: ReviewSite] = [:]
    private var opening: [String: Task<ReviewSite, any Error>] = [:]
    /// Sites whose watcher and job runner are to start (`SitesService` starts them).
    nonisolated let started: AsyncStream<ReviewSite>
    private let startedContinuation: AsyncStream<ReviewSite>.Continuation

    init(mode: Mode, configuration: ReviewConfiguration) {
        self.mode = mode
        self.configuration = configuration
        (started, startedContinuation) = AsyncStream.makeStream(of: ReviewSite.self)
        if case .single(let site) = mode { startedContinuation.yield(site) }
    }

    /// The path prefix of run `id` in a list.
    static func prefix(of id: String) -> String { "/runs/" + id }

    /// Whether a run id can be served under `/runs/ID/`: ASCII letters, digits, `-`, `_` and `.` (what `seedance
    /// run --run` accepts, less other scripts' letters), so the id is a path segment as it is, with no encoding.
    static func isServable(_ id: String) -> Bool {
        RunName.isValid(id) && id.unicodeScalars.allSatisfy { $0.isASCII }
    }

    /// The site of run `id` of the listed store, opened (and started) at the first ask; throws `ReviewSiteMissing`
    /// for an id the store does not have, a `ReviewError` for a run whose folder is not on this machine.
    func site(_ id: String) async throws -> ReviewSite {
        guard case .list(let database) = mode else { throw ReviewError.refused("this server serves one run") }
        guard Self.isServable(id) else { throw ReviewSiteMissing(runID: id, url: database.url) }
        if let site = opened[id] { return site }
        let task: Task<ReviewSite, any Error>
        if let pending = opening[id] {
            task = pending
        } else {
            let configuration = configuration
            task = Task { try await ReviewSite.stored(id, database: database, prefix: Self.prefix(of: id), configuration: configuration) }
            opening[id] = task
        }
        do {
            let site = try await task.value
            opening[id] = nil
            if opened[id] == nil {
                opened[id] = site
                startedContinuation.yield(site)
            }
            return opened[id] ?? site
        } catch {
            // Not kept: the run may be registered, or its folder mounted, later.
            opening[id] = nil
            throw error
        }
    }

    /// No more sites start (the server is stopping).
    nonisolated func finish() { startedContinuation.finish() }
}

/// Runs every opened site's watcher and job runner for the server's life; raises the shutdown flag first thing when
/// the server stops, so event streams end, then stops the watchers and lets each job runner stop its run as Ctrl-C
/// stops one (its creates recorded, the rest resumable).
struct SitesService: Service {
    let sites: ReviewSites
    let interval: Double
    let shutdown: ShutdownFlag
    let onEnd: @Sendable () -> Void

    func run() async throws {
        let sites = sites, interval = interval
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await site in sites.started {
                    await site.attach()
                    group.addTask { await cancelWhenGracefulShutdown { await site.watch(interval: interval) } }
                    group.addTask { await site.jobs.work() }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            shutdown.raise()
            sites.finish()
        }
        shutdown.raise()
        onEnd()
    }
}
