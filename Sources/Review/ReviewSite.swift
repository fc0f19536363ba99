import Foundation
import Hummingbird
import Logging
import Pipeline

/// One run a review server serves: its page's document, its jobs, its decisions and its files, under a path prefix
/// (`""` for the one run of a folder or of `--store --run`; `/runs/ID` for a run of a store's list).
struct ReviewSite: Sendable {
    /// The stored run's id (nil for a run folder).
    let runID: String?
    /// What the site's paths start with (no trailing slash; empty at the root).
    let prefix: String
    let state: ReviewState
    let jobs: ReviewJobs
    let review: RunReview
    let files: ReviewFiles
    /// The file server for the run folder, under `prefix/files`.
    let fileServer: FileMiddleware<BasicRequestContext, LocalFileSystem>

    /// The site of the run folder `directory`, at the root.
    static func folder(_ directory: String, configuration: ReviewConfiguration) throws -> ReviewSite {
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
        let layout = try RunLayout(directory: directory)
        let store = try SQLiteJobStore(path: state)
        return try make(runID: nil, prefix: "", directory: directory, layout: layout, store: store, shared: nil,
                        storeMark: nil, configuration: configuration)
    }

    /// The site of run `runID` of `database`, whose files are in the folder the store records for it. Throws
    /// `ReviewSiteMissing` for a run the store does not have, and a `ReviewError` for a folder this machine cannot
    /// see (the shared root not mounted here): nothing is made in its place.
    static func stored(_ runID: String, database: PostgresDatabase, prefix: String,
                       configuration: ReviewConfiguration) async throws -> ReviewSite {
        guard let run = try await database.run(runID) else { throw ReviewSiteMissing(runID: runID, url: database.url) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: run.folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ReviewError.refused("run \(runID) lives in \(run.folder), which this machine cannot see: "
                + "review it where the runs' shared root is mounted at that path")
        }
        let store = PostgresJobStore(database: database, runID: runID)
        return try make(runID: runID, prefix: prefix, directory: run.folder, layout: try RunLayout(directory: run.folder),
                        store: store, shared: (database, runID), storeMark: { try await store.changeMark() },
                        configuration: configuration)
    }

    private static func make(runID: String?, prefix: String, directory: String, layout: RunLayout, store: any JobStore,
                             shared: (database: PostgresDatabase, runID: String)?,
                             storeMark: (@Sendable () async throws -> String)?,
                             configuration: ReviewConfiguration) throws -> ReviewSite {
        let files = try ReviewFiles(directory: directory)
        let state = ReviewState(store: store, layout: layout, prices: configuration.run.prices,
                                canGenerate: configuration.service != nil,
                                generateNote: configuration.serviceUnavailable, logger: configuration.logger,
                                storeMark: storeMark)
        let jobs = ReviewJobs(directory: directory, store: store, shared: shared, service: configuration.service,
                              serviceUnavailable: configuration.serviceUnavailable, configuration: configuration.run,
                              logger: configuration.logger,
                              // Weak: the state holds the jobs once attached, and a strong capture would keep both
                              // alive after the server stops.
                              changed: { [weak state] in await state?.refresh(force: true) })
        let fileServer = FileMiddleware<BasicRequestContext, LocalFileSystem>(
            files.root, urlBasePath: prefix + "/files", searchForIndexHtml: false, logger: configuration.logger)
        return ReviewSite(runID: runID, prefix: prefix, state: state, jobs: jobs, review: RunReview(store: store),
                          files: files, fileServer: fileServer)
    }

    /// Starts what keeps the site going: the state attached to its jobs.
    func attach() async { await state.attach(jobs) }

    /// Looks at the run every `interval` until the task is cancelled, so the page hears of changes another process
    /// (or another machine's worker) makes.
    func watch(interval: Double) async {
        while !Task.isCancelled {
            await state.refresh()
            try? await Task.sleep(for: .seconds(interval))
        }
    }
}

/// A run id the store has no run for.
struct ReviewSiteMissing: Error, CustomStringConvertible {
    let runID: String
    let url: PostgresURL
    var description: String { "\(url.redacted): no run \"\(runID)\" (`seedance runs` lists them)" }
}
