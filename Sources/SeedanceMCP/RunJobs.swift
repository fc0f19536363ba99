import Foundation
import Pipeline

/// A run this server is driving: its runner and the task that runs it to its end.
final class RunJob: Sendable {
    /// The run's id (its folder's name under the root).
    let runID: String
    /// The run folder.
    let directory: String
    /// The runner, kept to stop it (a cancelled `generate_clip`).
    let runner: PipelineRunner
    /// The events of the run.
    let relay: ProgressRelay
    /// What the run may spend, as the user was asked about it.
    let outlook: SpendingOutlook
    /// The tokens held for it in the server's budget when it started.
    let reserved: Int
    /// Runs the run to its end; the job is forgotten when it ends, which frees the folder's lock.
    let task: Task<RunSummary, any Error>

    init(runID: String, directory: String, runner: PipelineRunner, relay: ProgressRelay, outlook: SpendingOutlook,
         reserved: Int, task: Task<RunSummary, any Error>) {
        self.runID = runID
        self.directory = directory
        self.runner = runner
        self.relay = relay
        self.outlook = outlook
        self.reserved = reserved
        self.task = task
    }
}

/// The runs going on in this server, by id. Runs are not tied to the tool call that started them: `run_plan`
/// returns at once and the run goes on here; its folder and store are the record, so `get_run` after a restart of
/// the server reads them.
actor RunJobs {
    private var jobs: [String: RunJob] = [:]
    /// The last ending of each run that ended in this server's life.
    private var endings: [String: String] = [:]
    /// Set by `stopAll`: the server is closing and starts no run any more.
    private var closed = false

    /// The job of `runID`, if it goes on.
    func job(_ runID: String) -> RunJob? { jobs[runID] }

    /// How the run last ended in this server, in words (nil: not ended here).
    func ending(_ runID: String) -> String? { endings[runID] }

    /// Every run going on.
    var active: [String] { jobs.keys.sorted() }

    /// Starts `runner` as the job of `runID`; `settle` is called with its result when it ends.
    func start(runID: String, directory: String, runner: PipelineRunner, relay: ProgressRelay,
               outlook: SpendingOutlook, reserved: Int, settle: @escaping @Sendable (Result<RunSummary, any Error>) async -> Void) throws -> RunJob {
        guard !closed else { throw ToolError("the server is closing; nothing was sent (call again after it restarts)") }
        // Unstructured on purpose: the run outlives the tool call that started it, and a cancelled call stops it
        // through `runner.stop`, letting it record its state and write its report, never by cancelling this task.
        let task = Task<RunSummary, any Error> {
            let result = await Result<RunSummary, any Error>(catching: { try await runner.run() })
            await settle(result)
            self.finished(runID, result)
            return try result.get()
        }
        let job = RunJob(runID: runID, directory: directory, runner: runner, relay: relay, outlook: outlook,
                         reserved: reserved, task: task)
        jobs[runID] = job
        return job
    }

    private func finished(_ runID: String, _ result: Result<RunSummary, any Error>) {
        jobs[runID]?.relay.finish()
        jobs[runID] = nil
        switch result {
        case .success(let summary): endings[runID] = SeedanceMCPServer.words(summary.ending)
        case .failure(let error): endings[runID] = "stopped by an error: \(error)"
        }
    }

    /// Waits until `runID` has no job (a run being stopped finishes recording first), then returns.
    func waitUntilIdle(_ runID: String) async {
        while let job = jobs[runID] {
            _ = await job.task.result
        }
    }

    /// Stops every run (the server is closing): each records its state; `resume_run` continues it later.
    func stopAll() async {
        closed = true
        for job in jobs.values { await job.runner.stop(.interrupted) }
        for job in jobs.values { _ = await job.task.result }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
