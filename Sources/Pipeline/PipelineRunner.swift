import Foundation
import Logging
import Media
import QA
import SeedanceAPI

/// Runs a plan: submits shots within the limits, polls them in batches, downloads, verifies and thumbnails each clip
/// as soon as it is ready, regenerates failures within the allowed count, joins the clips and writes the reports.
///
/// A run is a build of its plan: opening a runner on a folder that holds a run compares the plan with it
/// (`difference`), and `run()` first writes that difference, then makes only what it says. Every remote call is
/// bracketed by writes to the job store, so a run killed at any instant and resumed creates no task twice and loses
/// none. The runner's parts live in extensions by concern (creates, reconciliation, polling, clips, assembly); every
/// shot state change is a `ShotTransition` applied by the store.
public actor PipelineRunner {
    let store: any JobStore
    let service: any GenerationService
    let configuration: RunConfiguration
    let logger: Logger
    let observer: RunObserver
    let layout: RunLayout
    /// Held for the runner's life: no second process drives this run meanwhile (nil for a shared run, where the
    /// shots' leases in the database do that).
    private let lock: RunLock?
    /// The run's sharing with other workers (nil: this process drives the whole run).
    let shared: SharedRun?
    /// What `run()` writes before it starts: the plan compared with the run in the folder.
    public nonisolated let difference: PlanDiff

    // MARK: the runner's view of the store (only this process writes it while it holds the lock)

    /// Every shot by id, as last written.
    var shots: [String: ShotRecord] = [:]
    /// Shot ids in plan order (shots that left the plan last).
    var order: [String] = []
    /// Overrides by shot id.
    var overrides: [String: ShotOverride] = [:]
    /// The echo key (`EchoedFields.key`) of each shot's unsettled create.
    var unsettledKeys: [String: String] = [:]

    // MARK: loop state

    var limiter: RateLimiter
    var outage: Outage
    var ending: RunEnding?
    var processing: Set<String> = []
    /// Succeeded tasks waiting for a free slot (not polled again meanwhile).
    var readyQueue: [(shotID: String, task: GenerationTask)] = []
    /// Rounds of download-and-read that failed in a row, per shot, and when the next round may start (Unix s).
    var downloadFailures: [String: Int] = [:]
    var downloadRetryAt: [String: Double] = [:]
    /// Checks running, and the processors waiting for a check slot (handed over in order).
    var checksRunning = 0
    var checkWaiters: [CheckedContinuation<Void, Never>] = []
    /// Shots whose create call this process is sending now: reconciliation leaves their attempts alone.
    var creating: Set<String> = []
    /// No create starts before this time (Unix seconds).
    var createPauseUntil: Double = 0
    /// Creates this process sent that made a task or may have.
    var createsSent = 0
    /// Creates the create gate let through whose tokens it still counts (given back when one makes no task).
    var gatePassed: Set<GatePass> = []
    /// Model and fixed seed (nil: random) by request identity: what the scheduler's gate needs without the body.
    var gateBases: [String: (model: String, seed: Int64?)] = [:]
    /// Each pending shot's gate key, for the attempt number and budget it was computed at.
    var gateKeys: [String: (attempts: Int, floor: Int, key: String?)] = [:]
    /// The plan as the run recorded it (its `qa:` and `loudness:`), read once when the run starts.
    var recordedPlan: Plan?
    /// The QA thresholds of this run: the configuration's, the recorded plan's `qa:` over them, then
    /// `configuration.thresholdChanges` (set when the run starts).
    var thresholds = QAThresholds()
    /// When the last poll round started (Unix seconds).
    var lastPoll: Double = 0
    /// Set when work finished that may let the loop go on before its pause ends (a create answered, a clip done).
    var woken = false
    /// The final join made ahead while shots are still being made (nil: not made ahead), and the join order it
    /// follows (read when it starts).
    var joinAhead: JoinAhead?
    var joinOrderAtStart: [String]?

    // MARK: sharing (a run several workers work on)

    /// Shots this worker holds a lease on (every shot when the run is not shared).
    var owned: Set<String> = []
    /// When leases are next renewed, and when claiming is next tried after a claim found nothing (Unix s).
    var nextRenew: Double = 0
    var nextClaim: Double = 0
    /// Whether the last claim found nothing to take, and how many in a row did.
    var claimFoundNothing = false
    var emptyClaims = 0
    /// A claim ran since the run's state was last looked at.
    var claimTried = false
    /// The run's token budget is reached: no create starts any more.
    var budgetReached: String?
    /// This worker claimed the run's join (and so joins it and writes its reports).
    var joinClaimed = false
    /// Attempts of shots whose task a poll round found done, read with that round, by shot.
    var attemptCache: [String: [AttemptRecord]] = [:]
    /// Create bodies that came with claimed shots, by request identity (read once, with the claim).
    var claimedBodies: [String: String] = [:]
    /// The last callback hint of the shared run read from the store, and when the store is next read for more.
    var lastHintID: Int64 = 0
    var nextHintRead: Double = 0

    // MARK: opening

    /// Opens `configuration.outputDirectory` (made if needed) for `plan`, read from `planFile`: checks the plan,
    /// locks the folder, and compares the plan with the run already there. Writes nothing until `run()`.
    /// With `shared`, the run is the shared run's (registered in its database), worked on by this process and any
    /// `seedance worker`.
    public init(plan: Plan, planFile: String, configuration: RunConfiguration, service: any GenerationService,
                logger: Logger, observer: @escaping RunObserver = { _ in }, shared: SharedRun? = nil) async throws {
        let planned = try Self.plannedShots(plan, planFile: planFile)
        let folder = try shared.map { try RunFolder(shared: $0, directory: configuration.outputDirectory) }
            ?? RunFolder(directory: configuration.outputDirectory, create: true, logger: logger)
        let stored = try await folder.store.shots()
        var difference = try PlanSync.diff(planned: planned, stored: stored, overrides: try await folder.store.overrides())
        difference.changes.meta["plan"] = String(decoding: try JSONEncoder().encode(plan), as: UTF8.self)
        difference.changes.meta["plan_file"] = planFile
        if try await folder.store.meta("created_at") == nil {
            difference.changes.meta["created_at"] = String(Date().timeIntervalSince1970)
        }
        if shared != nil {
            difference.changes.meta[SharedRunSettings.metaKey] = String(decoding: try JSONEncoder().encode(
                SharedRunSettings(configuration)), as: UTF8.self)
        }
        self.init(folder: folder, difference: difference, configuration: configuration, service: service,
                  logger: logger, observer: observer, shared: shared)
    }

    init(folder: RunFolder, difference: PlanDiff, configuration: RunConfiguration, service: any GenerationService,
         logger: Logger, observer: @escaping RunObserver, shared: SharedRun? = nil) {
        var configuration = configuration
        // A shared run has its own inbox, fed from the store, with the run's secret (read when the run starts).
        if shared != nil, let worker = configuration.callbacks {
            configuration.callbacks = CallbackInbox(sharedRunOf: worker.root)
        }
        self.shared = shared
        self.store = folder.store
        self.layout = folder.layout
        self.lock = folder.lock
        self.difference = difference
        self.configuration = configuration
        self.service = service
        self.logger = logger
        self.observer = observer
        self.limiter = RateLimiter(perMinute: configuration.requestsPerMinute)
        self.outage = Outage(bound: configuration.offlineTimeout)
    }

    /// The plan's shots as create bodies (local images read and checked): a bad plan fails here, before any folder
    /// is touched.
    static func plannedShots(_ plan: Plan, planFile: String) throws -> [PlannedShot] {
        let builder = ShotRequestBuilder(planFile: planFile)
        return try plan.shots.enumerated().map { index, shot in
            PlannedShot(id: shot.id, chained: shot.firstFrameFromPrevious,
                        request: try builder.request(for: shot, index: index, defaults: plan.defaults))
        }
    }

    /// What a plan would change in the run in `directory`, without locking or writing anything (`--dry-run`).
    public static func preview(plan: Plan, planFile: String, directory: String, shared: SharedRun? = nil) async throws -> PlanDiff {
        let planned = try plannedShots(plan, planFile: planFile)
        if let shared {
            let store = PostgresJobStore(database: shared.database, runID: shared.runID)
            return try PlanSync.diff(planned: planned, stored: try await store.shots(), overrides: try await store.overrides())
        }
        let state = (directory as NSString).appendingPathComponent("state.sqlite")
        guard FileManager.default.fileExists(atPath: state) else {
            return try PlanSync.diff(planned: planned, stored: [], overrides: [])
        }
        let store = try SQLiteJobStore(path: state, readOnly: true)
        return try PlanSync.diff(planned: planned, stored: try await store.shots(), overrides: try await store.overrides())
    }

    // MARK: the loop

    /// Asks the run to stop: no create starts any more, creates being sent get `drainTimeout` to answer and be
    /// recorded, then the reports are written and `run()` returns with this ending. The first reason given wins.
    public func stop(_ reason: RunEnding) {
        guard ending == nil else { return }
        ending = reason
        logger.notice("stopping the run", metadata: ["reason": "\(reason)"])
    }

    /// Writes the plan's difference, then runs until every shot of the edit is done or failed (or the run is
    /// stopped), joins the clips when all are done, and writes the reports.
    public func run() async throws -> RunSummary {
        let started = Date().timeIntervalSince1970
        // A worker joining a shared run as it stands has nothing to write.
        if difference.opensRun { try await store.apply(difference.changes) }
        try await loadState()
        recordedPlan = try await store.meta("plan").flatMap { try? JSONDecoder().decode(Plan.self, from: Data($0.utf8)) }
        thresholds = try await effectiveThresholds()
        if !thresholds.changes.isEmpty {
            observer(.note("QA thresholds: \(thresholds.changes.joined(separator: ", "))"))
        }
        observer(.started(shots: order.compactMap { shots[$0] }.filter(\.inPlan).map {
            ShotStart(id: $0.id, state: $0.state, tokens: $0.tokens, estimatedTokens: $0.estimatedTokens)
        }))
        // A worker joining a shared run finds its shots as their holders left them; only the process that opens
        // the run (run, resume, regenerate) tidies the folder and reopens what a resume reopens.
        if shared == nil || difference.opensRun {
            retireStaleClips()
            try await reopenRecoverableShots()
        }
        if shared == nil { owned = Set(shots.keys) }
        try await expectCallbacks()
        try await startJoinAhead()
        try await withThrowingDiscardingTaskGroup { group in
            while true {
                let now = Date().timeIntervalSince1970
                if let limit = configuration.timeLimit, now - started > limit { stop(.timeLimit(limit)) }
                if outage.exceeded(at: now), let since = outage.since {
                    stop(.unreachable("no answer for \(Int((now - since).rounded())) s; last: \(outage.lastError ?? "no answer")"))
                }
                if ending != nil { break }
                try await leaseRound()
                try await readSharedHints(now: now)
                try await leased { try await self.reconcile() }
                // Polls keep their interval however often the loop wakes (a wake is for creates and checks); with
                // callbacks a batch of hints is confirmed at once, and the interval is the safety net's.
                if pollDue(now: now) {
                    lastPoll = now
                    takeHints()
                    try await leased { self.readyQueue += try await self.poll() }
                }
                while processing.count < max(configuration.maxConcurrentDownloads, configuration.maxConcurrentChecks),
                      !readyQueue.isEmpty {
                    let (id, task) = readyQueue.removeFirst()
                    processing.insert(id)
                    group.addTask { await self.process(shotID: id, task: task) }
                }
                // Creates run beside the loop: a create retried with back-off must not stop polls and downloads.
                for create in try await prepareCreates() {
                    creating.insert(create.shotID)
                    shared?.metrics?.created()
                    group.addTask { try await self.send(create) }
                }
                if shared == nil ? isComplete || settledAtBudget : try await sharedWorkSettled() { break }
                let untilPoll = max(0.01, nextPollAt - Date().timeIntervalSince1970)
                var pause = waitingOnlyForLocalWork ? min(0.1, untilPoll) : untilPoll
                // Hints of a shared run arrive through the store: look again at the next read.
                if shared != nil, configuration.callbacks != nil {
                    pause = min(pause, max(0.01, nextHintRead - Date().timeIntervalSince1970))
                }
                try await nap(pause)
            }
            if ending != nil {
                // Creates being sent get a bounded moment to answer and be recorded; everything else stops now
                // (a download cut short is fetched again on resume).
                let deadline = Date().timeIntervalSince1970 + configuration.drainTimeout
                while !creating.isEmpty && Date().timeIntervalSince1970 < deadline {
                    try await Task.sleep(nanoseconds: 20_000_000)
                }
                group.cancelAll()
            }
        }
        if ending == nil { ending = budgetReached.map { .budget($0) } ?? .finished }
        if shared == nil || joinClaimed {
            // The join is claimed only when no shot is being made: no worker writes in the folder now, so what a
            // killed worker left half-written can go.
            if joinClaimed { _ = layout.sweepTemporaryFiles() }
            if ending == .finished {
                do { try await assemble() } catch {
                    _ = await takeJoinAhead()
                    throw error
                }
            }
            // Not finished (or no join): the join made ahead is dropped with its temporary file.
            _ = await takeJoinAhead()
            try await ReportWriter(store: store, layout: layout, prices: configuration.prices).write()
            if let shared, joinClaimed {
                try await shared.database.endRun(shared.runID, state: "finished")
                shared.metrics?.runJoined()
            }
        } else if let shared {
            try await leaveSharedRun(shared)
        }
        let summary = try await summarize(ending: ending ?? .finished)
        observer(.finished(done: summary.done, failed: summary.failed, creates: summary.creates, tokens: summary.tokens))
        return summary
    }

    /// Sleeps up to `seconds`, less when `wake()` is called meanwhile (a create answered: the next may go now).
    func nap(_ seconds: Double) async throws {
        let end = Date().timeIntervalSince1970 + seconds
        while !woken {
            let now = Date().timeIntervalSince1970
            let left = end - now
            if left <= 0 || hintsDue(now: now) { break }
            try await Task.sleep(nanoseconds: UInt64(min(left, 0.01) * 1e9))
        }
        woken = false
    }

    /// Ends the loop's current pause.
    func wake() { woken = true }

    /// Every shot of the edit is final and no work is out (shots that left the plan included).
    var isComplete: Bool {
        processing.isEmpty && readyQueue.isEmpty
            && shots.values.allSatisfy { $0.inPlan ? $0.state.isFinal : !$0.state.isActive }
    }

    /// Only downloads and checks of this process are left: no reason to wait a whole poll interval.
    var waitingOnlyForLocalWork: Bool {
        let queued = Set(readyQueue.map(\.shotID))
        return shots.values.allSatisfy {
            ($0.inPlan ? $0.state.isFinal : !$0.state.isActive) || processing.contains($0.id) || queued.contains($0.id)
        }
    }

    /// Reads the shots, overrides and unsettled creates once; from here on the runner's writes keep them current.
    /// The configuration's thresholds, the recorded plan's `qa:` over them, the `--threshold` changes over both.
    func effectiveThresholds() async throws -> QAThresholds {
        do {
            var result = try recordedPlan?.thresholds(over: configuration.thresholds) ?? configuration.thresholds
            for change in configuration.thresholdChanges { try result.apply(change) }
            return result
        } catch {
            throw PlanError(file: try await store.meta("plan_file") ?? "the run's plan", field: "qa",
                            reason: error.description)
        }
    }

    func loadState() async throws {
        let records = try await store.shots()
        shots = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        order = records.sorted { ($0.inPlan ? 0 : 1, $0.position, $0.id) < ($1.inPlan ? 0 : 1, $1.position, $1.id) }.map(\.id)
        overrides = Dictionary(try await store.overrides().map { ($0.shotID, $0) }, uniquingKeysWith: { a, _ in a })
        for attempt in try await store.unsettledAttempts() {
            unsettledKeys[attempt.shotID] = EchoedFields.decode(attempt.echo)?.key ?? "seed \(attempt.markerSeed)"
        }
    }

    /// Applies a transition through the store and keeps the runner's view current.
    @discardableResult
    func transition(_ shotID: String, _ change: ShotTransition, detail: String? = nil) async throws -> ShotRecord {
        let before = shots[shotID]
        let shot: ShotRecord
        do {
            shot = try await store.transition(shotID, change)
        } catch let error as LeaseLost {
            await dropLease(error.shotID)
            throw error
        }
        shots[shotID] = shot
        if let taskID = shot.taskID { configuration.callbacks?.expect(CollectionOfOne(taskID)) }
        if !shot.state.isUnsettledCreate { unsettledKeys[shotID] = nil }
        // Tokens first: a shot seen done has its tokens counted already.
        reportTokens(of: shot, before: before)
        if shot.state != before?.state || detail != nil {
            observer(.shot(id: shotID, state: shot.state, detail: detail))
        }
        return shot
    }

    /// Applies a poll round's status changes through the store in one transaction and keeps the runner's view
    /// current; a shot another worker holds now is dropped, a refused change is logged.
    func transitionAll(_ changes: [(shotID: String, transition: ShotTransition, detail: String?)]) async throws {
        guard !changes.isEmpty else { return }
        let results = try await store.transitionAll(changes.map { ($0.shotID, $0.transition) })
        for (change, result) in zip(changes, results) {
            let before = shots[change.shotID]
            switch result {
            case .success(let shot):
                shots[change.shotID] = shot
                reportTokens(of: shot, before: before)
                if shot.state != before?.state || change.detail != nil {
                    observer(.shot(id: change.shotID, state: shot.state, detail: change.detail))
                }
            case .failure(let error as LeaseLost):
                await dropLease(error.shotID)
            case .failure(let error):
                logger.warning("a status change was refused", metadata: ["shot": "\(change.shotID)", "error": "\(error)"])
            }
        }
    }

    /// Tells the observer when a transition billed tokens or changed the shot's estimate (a new prompt, a new model).
    private func reportTokens(of shot: ShotRecord, before: ShotRecord?) {
        if shot.tokens != before?.tokens || shot.estimatedTokens != before?.estimatedTokens {
            observer(.tokens(id: shot.id, billed: shot.tokens, estimated: shot.estimatedTokens))
        }
    }

    /// A shot of the plan made again (plan edit, regenerate, retry) no longer has the clip `clips/<shot>.mp4` names:
    /// the name is taken away so the edit's folder never shows a clip of another version of the shot. The clip
    /// itself stays (it is a link to its attempt's copy; a lone copy from an older run is moved to `attempts/`).
    func retireStaleClips() {
        for shot in shots.values where shot.inPlan && shot.clipPath == nil {
            let path = layout.absolute(layout.clip(shot.id))
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            if info.st_nlink > 1 {
                unlink(path)
            } else {
                let kept = layout.absolute(layout.earlierClip(shot.id, floor: shot.budgetFloor))
                if rename(path, kept) != 0 { logger.warning("could not move an earlier clip aside", metadata: ["clip": "\(path)"]) }
            }
        }
    }

    /// Shots given up because their paid clip could not be fetched go back to downloading: the task's link stays
    /// valid for a day, and fetching it again costs nothing. Shots never sent because the shot they start from had
    /// failed go back to pending when that shot is no longer failed.
    func reopenRecoverableShots() async throws {
        var previousFailed = false
        for id in order {
            guard var shot = shots[id], shot.inPlan else { continue }
            if shot.state == .failed, let taskID = shot.taskID,
               let last = try await store.attempts(shotID: id).last, last.state == .undelivered, last.taskID == taskID {
                shot = try await transition(id, .fetchAgain(taskID: taskID))
            } else if shot.state == .failed, shot.chained, shot.attempts == shot.budgetFloor, !previousFailed {
                shot = try await transition(id, .unblocked)
            }
            previousFailed = shot.state == .failed
        }
    }
}

extension ShotState {
    /// A create whose outcome is not recorded yet.
    var isUnsettledCreate: Bool { self == .creating || self == .unknown }
}

/// An opened run folder: its files, its lock and its store.
struct RunFolder {
    let layout: RunLayout
    let lock: RunLock?
    let store: any JobStore

    /// The folder of a shared run: no lock and no sweep (other workers write here now); the store is the run's in
    /// the shared database, writing under this worker's leases.
    init(shared: SharedRun, directory: String) throws {
        layout = try RunLayout(directory: directory)
        lock = nil
        store = PostgresJobStore(database: shared.database, runID: shared.runID, owner: shared.owner)
    }

    /// Locks `directory` (making it when `create`), sweeps what a killed writer left, and opens the store.
    init(directory: String, create: Bool, logger: Logger) throws {
        let state = (directory as NSString).appendingPathComponent("state.sqlite")
        if !create && !FileManager.default.fileExists(atPath: state) {
            throw StoreError(reason: "\(directory): no run here (state.sqlite is missing)")
        }
        layout = try RunLayout(directory: directory)
        lock = try RunLock(directory: directory)
        // Holding the lock, any temporary file here was left by a process that died mid-write.
        let removed = layout.sweepTemporaryFiles()
        if removed > 0 { logger.notice("removed half-written files of an interrupted run", metadata: ["count": "\(removed)"]) }
        store = try SQLiteJobStore(path: layout.state)
    }
}
