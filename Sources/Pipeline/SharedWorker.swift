import Foundation
import Logging

/// `seedance worker`: works on every open run of a shared database, each run by its own runner (at most `capacity`
/// shots held over all of them), looking for new runs every few seconds, until stopped (or idle for `idleExit`).
public actor SharedWorker {
    let database: PostgresDatabase
    let owner: String
    let capacity: ClaimCapacity
    let leaseSeconds: Double
    let configuration: RunConfiguration
    let service: any GenerationService
    let logger: Logger
    let metrics: WorkerMetrics?
    let observer: @Sendable (String, RunEvent) -> Void
    private var runners: [String: PipelineRunner] = [:]
    private var tasks: [String: Task<Void, Never>] = [:]
    private var joined: [String] = []
    private var stopping = false

    /// A worker named `owner` holding up to `concurrency` shots; `configuration` gives its poll interval, timeouts
    /// and check slots (each run's own settings come from the run). `observer` sees each run's events.
    public init(database: PostgresDatabase, owner: String, concurrency: Int, leaseSeconds: Double,
                configuration: RunConfiguration, service: any GenerationService, logger: Logger,
                metrics: WorkerMetrics? = nil, observer: @escaping @Sendable (String, RunEvent) -> Void = { _, _ in }) {
        self.database = database
        self.owner = owner
        capacity = ClaimCapacity(limit: concurrency)
        self.leaseSeconds = leaseSeconds
        self.configuration = configuration
        self.service = service
        self.logger = logger
        self.metrics = metrics
        self.observer = observer
    }

    /// Stops every runner (no new create; creates being sent are recorded; leases given back) and then the worker.
    public func stop() async {
        stopping = true
        for runner in runners.values { await runner.stop(.interrupted) }
    }

    /// Works until `stop()`, or until no run has had work for `idleExit` seconds (nil: never). Returns the runs
    /// this worker joined.
    public func work(idleExit: Double? = nil, lookEvery: Double = 2) async throws -> [String] {
        var idleSince = Date().timeIntervalSince1970
        while !stopping {
            for run in try await database.openRuns() where runners[run.id] == nil && !stopping {
                try await start(run.id, folder: run.folder)
            }
            if !runners.isEmpty { idleSince = Date().timeIntervalSince1970 }
            if let idleExit, runners.isEmpty, Date().timeIntervalSince1970 - idleSince >= idleExit { break }
            let deadline = Date().timeIntervalSince1970 + lookEvery
            while !stopping, Date().timeIntervalSince1970 < deadline {
                try await Task.sleep(nanoseconds: 50_000_000)
            }
        }
        for task in tasks.values { await task.value }
        return joined
    }

    /// Starts a runner on run `runID`; it leaves when it has nothing of the run to do, and the next look at the
    /// runs starts another if there is work again.
    private func start(_ runID: String, folder: String) async throws {
        var shared = SharedRun(database: database, runID: runID, owner: owner, capacity: capacity)
        shared.leaseSeconds = leaseSeconds
        shared.metrics = metrics
        let observer = self.observer
        let runner = try await PipelineRunner.worker(
            shared: shared, directory: folder, configuration: configuration, service: service,
            logger: logger, observer: { observer(runID, $0) })
        runners[runID] = runner
        tasks[runID] = Task {
            do {
                let summary = try await runner.run()
                self.finished(runID, joined: await runner.joinClaimed && summary.ending == .finished)
            } catch {
                // One run's failure (its folder unwritable, a clip that cannot be joined) is that run's: the worker
                // goes on with the others.
                self.logger.error("stopped working on a run", metadata: ["run": "\(runID)", "error": "\(error)"])
                observer(runID, .note("this worker stopped working on the run: \(error)"))
                self.finished(runID, joined: false)
            }
        }
    }

    private func finished(_ runID: String, joined: Bool) {
        runners[runID] = nil
        tasks[runID] = nil
        if joined { self.joined.append(runID) }
    }
}
