import Foundation
import Logging
import Pipeline
import SeedanceAPI
import ServiceLifecycle

/// The runs the page starts, one at a time, in the order asked: regenerations and re-joins.
///
/// Both go through `PipelineRunner`, as `seedance regenerate` and `seedance resume` do: the runner takes the run
/// folder's lock (so a `seedance run` in another process and the page never drive the run together), records the
/// override, creates only what the store says is missing, reconciles what it cannot tell, and writes the reports.
/// On a run of a shared store they go as `seedance regenerate ID --store URL` and `seedance resume ID --store URL`
/// do: the run is opened again, the runner works as one more worker under leases (so workers elsewhere may take part,
/// and never make a shot twice), with the settings the run was started with, until the run is joined.
///
/// Paying twice is guarded three times: an `Idempotency-Key` names each action, and the same key gets the first
/// answer again without acting; a shot already waiting for or under a regeneration is refused; and a regeneration
/// is only for a shot that was rejected (or failed), and consumes that rejection, so a page reloaded or a request
/// resent after it started finds nothing to regenerate.
actor ReviewJobs {
    /// One run started from the page.
    struct Job: Sendable, Codable {
        enum Kind: String, Sendable, Codable { case regenerate, join }
        enum State: String, Sendable, Codable { case queued, running, done, failed }

        var id: Int
        var kind: Kind
        var shot: String?
        var prompt: String?
        var seed: Int64?
        var reason: String?
        var state: State = .queued
        /// What came of it, in words.
        var message: String?
        /// Creates the run sent.
        var creates: Int?
        var queuedAt: Double = Date().timeIntervalSince1970
        var finishedAt: Double?

        enum CodingKeys: String, CodingKey {
            case id, kind, shot, prompt, seed, reason, state, message, creates
            case queuedAt = "queued_at", finishedAt = "finished_at"
        }
    }

    /// An answer to an action: its status code and JSON body.
    struct Answer: Sendable {
        var status: Int
        var body: [String: String]
    }

    private let directory: String
    private let service: (any GenerationService)?
    private let serviceUnavailable: String
    private let configuration: RunConfiguration
    private let logger: Logger
    private let store: any JobStore
    /// The shared store and run id, for a run of a PostgreSQL store (nil: a run folder).
    private let shared: (database: PostgresDatabase, runID: String)?

    private(set) var jobs: [Job] = []
    /// Answers given, by idempotency key (nil while the first request with that key is being answered).
    private var answers: [String: Answer?] = [:]
    private var nextID = 1
    private let queue: AsyncStream<Int>
    private let queueContinuation: AsyncStream<Int>.Continuation
    /// Called after every change of a job, so the page hears of it at once.
    private let changed: @Sendable () async -> Void

    init(directory: String, store: any JobStore, shared: (database: PostgresDatabase, runID: String)? = nil,
         service: (any GenerationService)?, serviceUnavailable: String,
         configuration: RunConfiguration, logger: Logger, changed: @escaping @Sendable () async -> Void) {
        self.directory = directory
        self.store = store
        self.shared = shared
        self.service = service
        self.serviceUnavailable = serviceUnavailable
        self.configuration = configuration
        self.logger = logger
        self.changed = changed
        (queue, queueContinuation) = AsyncStream.makeStream(of: Int.self)
    }

    /// Whether regeneration can spend (an API key was given).
    nonisolated var canGenerate: Bool { service != nil }

    // MARK: asking

    /// Answers the action named `key` once: the first request acts, later ones with the same key get its answer.
    func once(key: String, _ act: @Sendable () async -> Answer) async -> Answer {
        while let entry = answers[key] {
            if let answer = entry { return answer }
            // The first request with this key is still being answered.
            try? await Task.sleep(for: .milliseconds(20))
        }
        answers[key] = .some(nil)
        let answer = await act()
        answers[key] = answer
        return answer
    }

    /// Queues a regeneration of `shot` (a new prompt or seed when given).
    func regenerate(shot id: String, prompt: String?, seed: Int64?, reason: String) async -> Answer {
        guard service != nil else { return Answer(status: 503, body: ["error": serviceUnavailable]) }
        if let prompt, prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return Answer(status: 400, body: ["error": "prompt: empty; leave it out to keep the shot's prompt"])
        }
        if let seed, !(0...4_294_967_295).contains(seed) {
            return Answer(status: 400, body: ["error": "seed: must be within 0 ... 4294967295"])
        }
        do {
            guard let shot = try await store.shot(id), shot.inPlan else {
                return Answer(status: 404, body: ["error": "no shot \"\(id)\" in the run's plan"])
            }
            if shot.state.isActive {
                return Answer(status: 409, body: ["error": "shot \(id) is being made (\(shot.state.rawValue)); wait for its clip"])
            }
            let override = try await store.overrides().first { $0.shotID == id && $0.base == shot.planRequestIdentity }
            guard override?.approved == false || shot.state == .failed else {
                return Answer(status: 409, body: ["error": "shot \(id) is not rejected: reject it (saying why) before making it again"])
            }
        } catch {
            return Answer(status: 500, body: ["error": "\(error)"])
        }
        // No suspension from here on: the check and the queueing are one step.
        if jobs.contains(where: { $0.shot == id && ($0.state == .queued || $0.state == .running) }) {
            return Answer(status: 409, body: ["error": "shot \(id) is already waiting for or under a regeneration"])
        }
        let job = enqueue(Job(id: nextID, kind: .regenerate, shot: id, prompt: prompt, seed: seed, reason: reason))
        return Answer(status: 202, body: ["job": "\(job.id)", "state": job.state.rawValue])
    }

    /// Queues a re-join of the edit (the join order and dropped shots as recorded now).
    func join() async -> Answer {
        do {
            let edit = try await EditOrder.shots(in: store)
            guard !edit.isEmpty else { return Answer(status: 409, body: ["error": "no shot is in the edit: put one back first"]) }
            if let busy = try await store.shots().first(where: { $0.state.isActive }) {
                return Answer(status: 409, body: ["error": "shot \(busy.id) is being made (\(busy.state.rawValue)); join when it is done"])
            }
            if let notDone = edit.first(where: { $0.state != .done }) {
                return Answer(status: 409, body: ["error": "shot \(notDone.id) has no verified clip (\(notDone.state.rawValue)); "
                    + "make it again or drop it from the edit"])
            }
        } catch {
            return Answer(status: 500, body: ["error": "\(error)"])
        }
        if jobs.contains(where: { $0.kind == .join && ($0.state == .queued || $0.state == .running) }) {
            return Answer(status: 409, body: ["error": "a join is already waiting or under way"])
        }
        let job = enqueue(Job(id: nextID, kind: .join))
        return Answer(status: 202, body: ["job": "\(job.id)", "state": job.state.rawValue])
    }

    private func enqueue(_ job: Job) -> Job {
        nextID += 1
        jobs.append(job)
        queueContinuation.yield(job.id)
        return job
    }

    /// Whether a job is waiting or running.
    var busy: Bool { jobs.contains { $0.state == .queued || $0.state == .running } }

    // MARK: running

    /// Runs the queued jobs one after the other until the server shuts down; a job under way is stopped as Ctrl-C
    /// stops a run (creates being sent are recorded, the rest is resumable).
    func work() async {
        await cancelWhenGracefulShutdown {
            for await id in self.queue {
                if Task.isCancelled { break }
                await self.perform(id)
            }
        }
        queueContinuation.finish()
    }

    private func perform(_ id: Int) async {
        guard let index = jobs.firstIndex(where: { $0.id == id }) else { return }
        jobs[index].state = .running
        await changed()
        let job = jobs[index]
        do {
            let (configuration, sharedRun) = try await opening()
            let runner: PipelineRunner
            switch job.kind {
            case .regenerate:
                runner = try await PipelineRunner.regenerate(
                    directory: directory, shots: [job.shot ?? ""], prompt: job.prompt, seed: job.seed,
                    reason: job.reason ?? "rejected in review", configuration: configuration,
                    service: service ?? OfflineService(reason: serviceUnavailable), logger: logger, shared: sharedRun)
            case .join:
                runner = try await PipelineRunner.resume(directory: directory, configuration: configuration,
                                                         service: service ?? OfflineService(reason: serviceUnavailable),
                                                         logger: logger, shared: sharedRun)
                // A re-join makes nothing: were the run to need a create now, the join is not the way to pay for it.
                guard runner.difference.creates == 0 else {
                    throw ReviewError.refused("joining would create \(runner.difference.creates) tasks; regenerate those shots instead")
                }
            }
            let summary = try await Self.runToEnd(runner)
            finish(id, state: summary.ending == .finished ? .done : .failed, creates: summary.createsNow,
                   message: Self.describe(summary, kind: job.kind))
        } catch {
            finish(id, state: .failed, creates: nil, message: "\(error)")
        }
        await changed()
    }

    /// Shots a job's runner holds at once on a shared run (as `seedance worker`'s default).
    static let sharedConcurrency = 10

    /// The settings and, on a shared run, the `SharedRun` a job's runner works with: the run opened again for work
    /// (as `seedance regenerate --store` opens it), this server as one more worker, and the settings the run was
    /// started with (`SharedRunSettings`), which every worker on it keeps.
    private func opening() async throws -> (RunConfiguration, SharedRun?) {
        var configuration = configuration
        configuration.outputDirectory = directory
        guard let shared else { return (configuration, nil) }
        try await shared.database.reopenRun(id: shared.runID, budgetTokens: nil)
        if let json = try await store.meta(SharedRunSettings.metaKey),
           let settings = try? JSONDecoder().decode(SharedRunSettings.self, from: Data(json.utf8)) {
            configuration = settings.applied(to: configuration)
        }
        var run = SharedRun(database: shared.database, runID: shared.runID, owner: SharedRun.workerName(),
                            capacity: ClaimCapacity(limit: Self.sharedConcurrency))
        run.untilJoined = true
        return (configuration, run)
    }

    private func finish(_ id: Int, state: Job.State, creates: Int?, message: String) {
        guard let index = jobs.firstIndex(where: { $0.id == id }) else { return }
        jobs[index].state = state
        jobs[index].creates = creates
        jobs[index].message = message
        jobs[index].finishedAt = Date().timeIntervalSince1970
    }

    /// Runs `runner` in a task of its own, so that when the server shuts down the run is asked to stop (its creates
    /// recorded, its reports written) rather than cut off; waits for it either way.
    static func runToEnd(_ runner: PipelineRunner) async throws -> RunSummary {
        let work = Task { try await runner.run() }
        return try await withTaskCancellationHandler {
            try await work.value
        } onCancel: {
            Task { await runner.stop(.interrupted) }
        }
    }

    static func describe(_ summary: RunSummary, kind: Job.Kind) -> String {
        var parts: [String] = []
        if kind == .regenerate { parts.append("\(summary.createsNow) \(summary.createsNow == 1 ? "task" : "tasks") created") }
        switch summary.ending {
        case .finished:
            if let passed = summary.finalPassed {
                parts.append("final video joined, checks \(passed ? "passed" : "FAILED")")
            } else {
                parts.append("no final video (not every shot of the edit is done)")
            }
        default:
            parts.append("stopped: \(summary.ending)")
        }
        return parts.joined(separator: "; ")
    }
}
