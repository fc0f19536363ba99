import Foundation
import Logging
import Media
import QA
import SeedanceAPI

/// Runs a plan: submits shots within the limits, polls them in batches, downloads, verifies and thumbnails each clip
/// as soon as it is ready, regenerates failures within the allowed count, joins the clips and writes the reports.
///
/// Every remote call is bracketed by writes to the job store, so a run killed at any instant and resumed with
/// `resume(directory:...)` creates no task twice and loses none: a create whose answer was not recorded is found again
/// through the list call by its attempt's seed, never sent blindly again.
public actor PipelineRunner {
    let store: JobStore
    let service: any GenerationService
    let configuration: RunConfiguration
    let plan: Plan
    let builder: ShotRequestBuilder
    let logger: Logger
    let observer: RunObserver
    let layout: RunLayout
    /// Held for the runner's life: no second process drives this run meanwhile.
    private let lock: RunLock
    private var limiter: RateLimiter
    private var processing: Set<String> = []
    /// Succeeded tasks waiting for a free check slot (not polled again meanwhile).
    private var readyQueue: [(shotID: String, task: GenerationTask)] = []
    /// Rounds of download-and-read that failed in a row, per shot, and when the next round may start (Unix s).
    private var downloadFailures: [String: Int] = [:]
    private var downloadRetryAt: [String: Double] = [:]
    /// Checks running, and the processors waiting for a check slot (handed over in order).
    private var checksRunning = 0
    private var checkWaiters: [CheckedContinuation<Void, Never>] = []
    /// Shots whose create call this process is sending now: reconciliation leaves their attempts alone.
    private var creating: Set<String> = []
    /// No create starts before this time (Unix seconds): after one was surely not accepted (429, 503 after the
    /// client's retries), the service is given a poll interval's rest.
    private var createPauseUntil: Double = 0

    /// Starts a new run of `plan` (read from `planFile`) into `configuration.outputDirectory`, or continues the run
    /// already there.
    public init(plan: Plan, planFile: String, configuration: RunConfiguration, service: any GenerationService,
                logger: Logger, observer: @escaping RunObserver = { _ in }) throws {
        self.plan = plan
        self.configuration = configuration
        self.service = service
        self.logger = logger
        self.observer = observer
        self.builder = ShotRequestBuilder(planFile: planFile)
        self.layout = try RunLayout(directory: configuration.outputDirectory)
        self.lock = try RunLock(directory: configuration.outputDirectory)
        // Holding the lock, any `.part` file here was left by a process that died mid-write.
        let removed = layout.removeHalfWrittenFiles()
        if removed > 0 { logger.notice("removed half-written files of an interrupted run", metadata: ["count": "\(removed)"]) }
        self.limiter = RateLimiter(perMinute: configuration.requestsPerMinute)
        self.store = try JobStore(path: layout.state)
        try Self.reopenRecoverableShots(store, plan: plan)
        if try store.meta("plan") == nil {
            try store.setMeta("plan", String(decoding: try JSONEncoder().encode(plan), as: UTF8.self))
            try store.setMeta("plan_file", planFile)
            try store.setMeta("created_at", String(Date().timeIntervalSince1970))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for (index, shot) in plan.shots.enumerated() {
            let request = try builder.request(for: shot, index: index, defaults: plan.defaults)
            let estimate = Self.estimatedTokens(request)
            try store.addShot(ShotRecord(id: shot.id, position: index,
                                         request: String(decoding: try encoder.encode(request), as: UTF8.self),
                                         estimatedTokens: estimate))
        }
    }

    /// Continues the run in `directory` with the plan it recorded.
    public static func resume(directory: String, configuration: RunConfiguration, service: any GenerationService,
                              logger: Logger, observer: @escaping RunObserver = { _ in }) throws -> PipelineRunner {
        let statePath = (directory as NSString).appendingPathComponent("state.sqlite")
        guard FileManager.default.fileExists(atPath: statePath) else {
            throw StoreError(reason: "\(directory): no run here (state.sqlite is missing)")
        }
        let store = try JobStore(path: statePath)
        guard let planJSON = try store.meta("plan"), let planFile = try store.meta("plan_file") else {
            throw StoreError(reason: "\(statePath): the run's plan was not recorded")
        }
        let plan = try JSONDecoder().decode(Plan.self, from: Data(planJSON.utf8))
        var configuration = configuration
        configuration.outputDirectory = directory
        return try PipelineRunner(plan: plan, planFile: planFile, configuration: configuration, service: service,
                                  logger: logger, observer: observer)
    }

    /// Shots given up because their paid clip could not be fetched go back to downloading: the task's link stays
    /// valid for a day, and fetching it again costs nothing. Shots never sent because the shot they start from had
    /// failed go back to pending when that shot is no longer failed.
    static func reopenRecoverableShots(_ store: JobStore, plan: Plan) throws {
        var previousFailed = false
        for shot in try store.shots() {
            var state = shot.state
            if shot.state == .failed, let last = try store.attempts(shotID: shot.id).last,
               last.state == .undelivered, let taskID = last.taskID, taskID == shot.taskID {
                try store.updateShot(shot.id, detail: "fetching the undelivered clip of \(taskID) again") {
                    $0.state = .downloading
                    $0.error = nil
                    $0.finishedAt = nil
                }
                state = .downloading
            } else if shot.state == .failed, shot.attempts == 0, !previousFailed,
                      plan.shots.indices.contains(shot.position), plan.shots[shot.position].firstFrameFromPrevious {
                try store.updateShot(shot.id, detail: "the shot it starts from is no longer failed: pending again") {
                    $0.state = .pending
                    $0.error = nil
                    $0.finishedAt = nil
                }
                state = .pending
            }
            previousFailed = state == .failed
        }
    }

    /// Tokens the request will cost by the documented formula, when its size and length are known in advance.
    static func estimatedTokens(_ request: GenerationRequest) -> Int? {
        guard let estimate = try? CostEstimate(request: request), !estimate.approximate else { return nil }
        return estimate.tokens
    }

    // MARK: the loop

    /// Runs until every shot is done or failed, then joins the clips and writes the reports.
    public func run() async throws -> RunSummary {
        let started = Date().timeIntervalSince1970
        try await withThrowingDiscardingTaskGroup { group in
            while true {
                try Task.checkCancellation()
                if let limit = configuration.timeLimit, Date().timeIntervalSince1970 - started > limit {
                    throw StoreError(reason: "the run passed its time limit of \(Int(limit)) s; resume it to go on")
                }
                try await reconcile()
                readyQueue += try await poll()
                while processing.count < max(configuration.maxConcurrentDownloads, configuration.maxConcurrentChecks),
                      !readyQueue.isEmpty {
                    let (id, task) = readyQueue.removeFirst()
                    processing.insert(id)
                    group.addTask { await self.process(shotID: id, task: task) }
                }
                // Creates run beside the loop: a create retried with back-off must not stop polls and downloads.
                for create in try prepareCreates() {
                    creating.insert(create.shotID)
                    group.addTask { try await self.send(create) }
                }
                let shots = try store.shots()
                if shots.allSatisfy(\.state.isFinal) && processing.isEmpty { break }
                let queued = Set(readyQueue.map(\.shotID))
                let waitingOnlyForLocalWork = shots.allSatisfy {
                    $0.state.isFinal || processing.contains($0.id) || queued.contains($0.id)
                }
                let pause = waitingOnlyForLocalWork ? min(0.1, configuration.pollInterval) : configuration.pollInterval
                try await Task.sleep(nanoseconds: UInt64(pause * 1e9))
            }
        }
        try await assemble()
        let summary = try summarize()
        try ReportWriter(store: store, layout: layout, plan: plan).write()
        observer(.finished(done: summary.done, failed: summary.failed, creates: summary.creates, tokens: summary.tokens))
        return summary
    }

    // MARK: submit

    /// A create recorded in the store (attempt `creating`) and ready to send.
    struct PreparedCreate: Sendable {
        var shotID: String
        var attempt: AttemptRecord
        var request: GenerationRequest
    }

    /// Records an attempt for each pending shot that may go now (within `maxInFlight` and the rate limit, its
    /// previous shot done when it starts from its last frame), and returns them to send.
    private func prepareCreates() throws -> [PreparedCreate] {
        guard Date().timeIntervalSince1970 >= createPauseUntil else { return [] }
        var prepared: [PreparedCreate] = []
        var shots = try store.shots()
        let active: Set<ShotState> = [.creating, .unknown, .queued, .running]
        for index in shots.indices where shots[index].state == .pending {
            let inFlight = shots.filter { active.contains($0.state) }.count
            guard inFlight < configuration.maxInFlight else { return prepared }
            let shot = shots[index]
            let planShot = plan.shots[shot.position]
            var request = try JSONDecoder().decode(GenerationRequest.self, from: Data(shot.request.utf8))
            if planShot.firstFrameFromPrevious {
                let previous = shots[index - 1]
                if previous.state == .failed {
                    try fail(shot.id, "the previous shot \(previous.id) failed, and this one starts from its last frame")
                    continue
                }
                guard previous.state == .done, let frame = previous.lastFramePath else { continue }
                let png = try Data(contentsOf: URL(fileURLWithPath: layout.absolute(frame)))
                request = builder.addingFirstFrame(request, dataURL: "data:image/png;base64,\(png.base64EncodedString())")
            }
            let wait = limiter.delay(now: Date().timeIntervalSince1970)
            guard wait <= 0 else { return prepared }
            limiter.record(now: Date().timeIntervalSince1970)

            let number = shot.attempts + 1
            let seed: Int64 = if let fixed = request.seed, fixed >= 0 {
                // A fixed seed stays for the first attempt; a regeneration needs a different one to differ.
                (fixed + Int64(number - 1)) % 4_294_967_296
            } else {
                Int64.random(in: 1...4_294_967_295)
            }
            request.seed = seed
            let reason = number == 1 ? "first" : (shot.error.map { "regenerate: \($0)" } ?? "regenerate")
            let attempt = try store.beginAttempt(shotID: shot.id, reason: reason, markerSeed: seed)
            observer(.shot(id: shot.id, state: .creating, detail: "attempt \(number)"))
            prepared.append(PreparedCreate(shotID: shot.id, attempt: attempt, request: request))
            shots = try store.shots()
        }
        return prepared
    }

    /// Sends one prepared create and records what it came to.
    private func send(_ create: PreparedCreate) async throws {
        defer { creating.remove(create.shotID) }
        let shot = create.shotID
        var attempt = create.attempt
        let outcome = await service.create(create.request)
        let now = Date().timeIntervalSince1970
        switch outcome {
        case .created(let taskID):
            attempt.state = .created
            attempt.taskID = taskID
            try store.updateAttempt(attempt, shot: {
                $0.state = .queued
                $0.taskID = taskID
                $0.error = nil
                $0.startedAt = $0.startedAt ?? now
            }, detail: "created \(taskID)")
            observer(.shot(id: shot, state: .queued, detail: taskID))
        case .refused(let message):
            attempt.state = .refused
            attempt.error = message
            attempt.finishedAt = now
            try store.updateAttempt(attempt, shot: { $0.state = .failed; $0.error = message; $0.finishedAt = now },
                                    detail: "refused: \(message)")
            observer(.shot(id: shot, state: .failed, detail: message))
        case .notAccepted(let message):
            attempt.state = .notCreated
            attempt.error = message
            attempt.finishedAt = now
            try store.updateAttempt(attempt, shot: { $0.state = .pending }, detail: "not accepted: \(message)")
            observer(.shot(id: shot, state: .pending, detail: "not accepted, will retry: \(message)"))
            createPauseUntil = max(createPauseUntil, now + configuration.pollInterval)
        case .unknown(let message):
            attempt.state = .unknown
            attempt.error = message
            try store.updateAttempt(attempt, shot: { $0.state = .unknown }, detail: "outcome unknown: \(message)")
            observer(.shot(id: shot, state: .unknown, detail: "outcome unknown, reconciling: \(message)"))
        }
    }

    // MARK: reconcile

    /// Settles creates whose answer was never recorded: finds their task through the list call by seed, or, past the
    /// grace time with no such task, records that nothing was created so the shot can be sent again.
    private func reconcile() async throws {
        let attempts = try store.allAttempts()
        // An attempt whose create this process is still sending is not open: its answer is on the way.
        let open = attempts.filter { ($0.state == .creating || $0.state == .unknown) && !creating.contains($0.shotID) }
        guard !open.isEmpty else { return }
        var claimed = Set(attempts.compactMap(\.taskID))
        let shots = Dictionary(uniqueKeysWithValues: try store.shots().map { ($0.id, $0) })
        var byModel: [String: [AttemptRecord]] = [:]
        for attempt in open {
            guard let shot = shots[attempt.shotID],
                  let request = try? JSONDecoder().decode(GenerationRequest.self, from: Data(shot.request.utf8)) else { continue }
            byModel[request.model, default: []].append(attempt)
        }
        for (model, group) in byModel {
            let since = Int64((group.map(\.submittedAt).min() ?? 0) - Reconciliation.clockSkew)
            let candidates: [GenerationTask]
            do {
                candidates = try await service.recentTasks(model: model, since: since)
            } catch {
                logger.warning("reconciliation: listing tasks failed, will retry", metadata: ["error": "\(error)"])
                continue
            }
            for var attempt in group {
                let now = Date().timeIntervalSince1970
                if let task = Reconciliation.match(attempt, model: model, among: candidates, claimed: claimed) {
                    claimed.insert(task.id)
                    attempt.state = .created
                    attempt.taskID = task.id
                    try store.updateAttempt(attempt, shot: {
                        $0.state = .queued
                        $0.taskID = task.id
                        $0.startedAt = $0.startedAt ?? attempt.submittedAt
                    }, detail: "reconciled: the create had made \(task.id)")
                    observer(.shot(id: attempt.shotID, state: .queued, detail: "reconciled \(task.id)"))
                } else if now - attempt.submittedAt > configuration.reconcileGrace {
                    attempt.state = .notCreated
                    attempt.finishedAt = now
                    try store.updateAttempt(attempt, shot: { $0.state = .pending },
                                            detail: "reconciled: no task was created")
                    observer(.shot(id: attempt.shotID, state: .pending, detail: "no task was created; will send again"))
                }
            }
        }
    }

    // MARK: poll

    /// One list call for every task in flight; returns the succeeded ones to download.
    private func poll() async throws -> [(String, GenerationTask)] {
        let waiting = Set(readyQueue.map(\.shotID))
        let now = Date().timeIntervalSince1970
        let shots = try store.shots().filter {
            [.queued, .running, .downloading].contains($0.state) && $0.taskID != nil && !processing.contains($0.id)
                && !waiting.contains($0.id) && (downloadRetryAt[$0.id] ?? 0) <= now
        }
        guard !shots.isEmpty else { return [] }
        let tasks: [GenerationTask]
        do {
            tasks = try await service.tasks(ids: shots.compactMap(\.taskID))
        } catch {
            logger.warning("poll failed, will retry", metadata: ["error": "\(error)"])
            observer(.note("poll failed, will retry: \(error)"))
            return []
        }
        let byID = Dictionary(tasks.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var ready: [(String, GenerationTask)] = []
        for shot in shots {
            guard let taskID = shot.taskID, let task = byID[taskID] else { continue }
            switch task.status {
            case .succeeded:
                if shot.state != .downloading {
                    try store.updateShot(shot.id, detail: "succeeded") { $0.state = .downloading }
                    observer(.shot(id: shot.id, state: .downloading, detail: nil))
                }
                ready.append((shot.id, task))
            case .failed, .cancelled, .expired:
                try taskFailed(shot, task)
            case .running:
                if shot.state != .running {
                    try store.updateShot(shot.id) { $0.state = .running }
                    observer(.shot(id: shot.id, state: .running, detail: taskID))
                }
            default:
                if task.status.rawValue == "processing", shot.state != .running {
                    try store.updateShot(shot.id) { $0.state = .running }
                    observer(.shot(id: shot.id, state: .running, detail: taskID))
                }
            }
        }
        return ready
    }

    private func taskFailed(_ shot: ShotRecord, _ task: GenerationTask) throws {
        let reason = task.error.map { "\($0.code): \($0.message)" } ?? "the task ended \(task.status.rawValue)"
        guard var attempt = try store.attempts(shotID: shot.id).last(where: { $0.taskID == task.id }) else { return }
        attempt.state = .failed
        attempt.error = reason
        attempt.finishedAt = Date().timeIntervalSince1970
        attempt.tokens = task.usage?.totalTokens
        let retry = try mayRegenerate(shot.id)
        try store.updateAttempt(attempt, shot: {
            $0.state = retry ? .pending : .failed
            $0.error = reason
            $0.tokens = ($0.tokens ?? 0) + (task.usage?.totalTokens ?? 0)
            if !retry { $0.finishedAt = attempt.finishedAt }
        }, detail: retry ? "failed, will regenerate: \(reason)" : "failed: \(reason)")
        observer(.shot(id: shot.id, state: retry ? .pending : .failed, detail: reason))
    }

    // MARK: process a finished task

    /// Downloads, verifies and thumbnails one clip; never throws (a failure is recorded on the shot).
    private func process(shotID: String, task: GenerationTask) async {
        defer { processing.remove(shotID) }
        do {
            try await processOrThrow(shotID: shotID, task: task)
            downloadFailures[shotID] = nil
            downloadRetryAt[shotID] = nil
        } catch {
            let count = (downloadFailures[shotID] ?? 0) + 1
            downloadFailures[shotID] = count
            let message = "\(error)"
            logger.warning("processing the clip failed", metadata: ["shot": "\(shotID)", "error": "\(message)"])
            // The task is paid for: keep fetching it, with back-off, before giving up on the shot for this run.
            if count >= max(1, configuration.maxDownloadRounds) {
                downloadFailures[shotID] = nil
                downloadRetryAt[shotID] = nil
                do {
                    try giveUpDelivery(shotID: shotID, task: task, reason: message)
                } catch {
                    logger.error("recording an undelivered clip failed", metadata: ["shot": "\(shotID)", "error": "\(error)"])
                }
            } else {
                let pause = min(max(configuration.pollInterval, 60), configuration.pollInterval * Double(1 << min(count - 1, 10)))
                downloadRetryAt[shotID] = Date().timeIntervalSince1970 + pause
                observer(.shot(id: shotID, state: .downloading, detail: "retrying after: \(message)"))
            }
        }
    }

    /// Records a paid task whose clip could not be fetched or read: its tokens are counted, the shot fails for this
    /// run, and continuing the run fetches the clip again (`reopenRecoverableShots`).
    private func giveUpDelivery(shotID: String, task: GenerationTask, reason: String) throws {
        guard var attempt = try store.attempts(shotID: shotID).last(where: { $0.taskID == task.id }) else {
            return try fail(shotID, "could not download or check the clip: \(reason)")
        }
        let counted = attempt.tokens != nil
        let now = Date().timeIntervalSince1970
        let message = "could not download or check the clip (resume the run to fetch it again): \(reason)"
        attempt.state = .undelivered
        attempt.tokens = task.usage?.totalTokens
        attempt.finishedAt = now
        attempt.error = reason
        try store.updateAttempt(attempt, shot: {
            if !counted { $0.tokens = ($0.tokens ?? 0) + (task.usage?.totalTokens ?? 0) }
            $0.state = .failed
            $0.error = message
            $0.finishedAt = now
        }, detail: message)
        observer(.shot(id: shotID, state: .failed, detail: message))
    }

    private func processOrThrow(shotID: String, task: GenerationTask) async throws {
        guard let shot = try store.shot(shotID), shot.state == .downloading,
              var attempt = try store.attempts(shotID: shotID).last(where: { $0.taskID == task.id }) else { return }
        // An undelivered attempt fetched again on resume had its tokens counted when it was given up.
        let counted = attempt.tokens != nil
        let clip = layout.clip(shotID)
        let clipPath = layout.absolute(clip)
        try await service.downloadVideo(of: task, to: clipPath)
        await acquireCheckSlot()
        defer { releaseCheckSlot() }
        var expectation: Expectation?
        if configuration.verify {
            var body = try JSONDecoder().decode(GenerationRequest.self, from: Data(shot.request.utf8))
            body.seed = attempt.markerSeed
            expectation = try Expectation.fromRequestBody(try JSONEncoder().encode(body), file: "\(shotID) request")
        }
        var (info, report) = try await inspect(clipPath, expectation)
        if report?.passed == false {
            // Bytes can be damaged in transit with the length intact (a proxy, a CDN serving a stale or short
            // object): only the content shows it. A second download is free and a regeneration is paid, so fetch
            // once more, and check again only if the bytes differ. (`.part`: swept if the process dies here.)
            let first = clipPath + ".first.part"
            try? FileManager.default.removeItem(atPath: first)
            try FileManager.default.moveItem(atPath: clipPath, toPath: first)
            defer { try? FileManager.default.removeItem(atPath: first) }
            try await service.downloadVideo(of: task, to: clipPath)
            if !FileManager.default.contentsEqual(atPath: first, andPath: clipPath) {
                _ = try store.updateShot(shotID, detail: "downloaded again after failing QA: the second copy differs "
                    + "(\(Self.fileSize(first)) then \(Self.fileSize(clipPath)) bytes)") { _ in }
                (info, report) = try await inspect(clipPath, expectation)
            }
        }
        let poster = layout.poster(shotID), last = layout.lastFrame(shotID), sheet = layout.sheet(shotID)
        let posterPath = layout.absolute(poster), lastPath = layout.absolute(last), sheetPath = layout.absolute(sheet)
        let posterTime = min(1.0, (info.duration ?? 0) / 2)
        try await runOffThePool {
            _ = try writeThumbnail(of: clipPath, at: .seconds(posterTime), to: posterPath,
                                   options: ThumbnailOptions(width: 640))
            _ = try writeThumbnail(of: clipPath, at: .last, to: lastPath)
            _ = try writeContactSheet(of: clipPath, to: sheetPath,
                                      options: ContactSheetOptions(count: 8, columns: 4, tileWidth: 240))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let probeJSON = String(decoding: try encoder.encode(info), as: UTF8.self)
        let qaJSON = try report.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        let passed = report?.passed ?? true
        let now = Date().timeIntervalSince1970
        attempt.tokens = task.usage?.totalTokens
        attempt.finishedAt = now
        attempt.state = passed ? .succeeded : .rejected
        let failedChecks = report?.failures.map(\.name).joined(separator: ", ") ?? ""
        if !passed {
            // Keep the rejected clip beside the others for the report; the next attempt writes the main name.
            let kept = layout.rejectedClip(shotID, attempt: attempt.number)
            try? FileManager.default.removeItem(atPath: layout.absolute(kept))
            try FileManager.default.moveItem(atPath: clipPath, toPath: layout.absolute(kept))
            attempt.error = "QA failed: \(failedChecks)"
        }
        let retry = try !passed && mayRegenerate(shotID)
        let rejectedPath = layout.rejectedClip(shotID, attempt: attempt.number)
        try store.updateAttempt(attempt, shot: {
            if !counted { $0.tokens = ($0.tokens ?? 0) + (task.usage?.totalTokens ?? 0) }
            $0.probe = probeJSON
            $0.qa = qaJSON
            $0.qaPassed = passed
            $0.posterPath = poster
            $0.lastFramePath = last
            $0.sheetPath = sheet
            if passed {
                $0.state = .done
                $0.clipPath = clip
                $0.error = nil
                $0.finishedAt = now
            } else {
                $0.clipPath = rejectedPath
                $0.error = "QA failed: \(failedChecks)"
                $0.state = retry ? .pending : .failed
                if !retry { $0.finishedAt = now }
            }
        }, detail: passed ? "verified" : "QA failed: \(failedChecks)")
        observer(.shot(id: shotID, state: passed ? .done : (retry ? .pending : .failed),
                       detail: passed ? "verified" : "QA failed: \(failedChecks)"))
    }

    /// Probe and, when `expectation` is given, QA of a downloaded clip (off the cooperative pool).
    private func inspect(_ clipPath: String, _ expectation: Expectation?) async throws -> (MediaInfo, QAReport?) {
        let info = try await runOffThePool { try probe(clipPath) }
        guard let expectation else { return (info, nil) }
        let thresholds = configuration.thresholds
        let report = try await runOffThePool { try QA.check(clipPath, against: expectation, thresholds: thresholds) }
        return (info, report)
    }

    private static func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.int64Value ?? -1
    }

    /// Waits for one of `maxConcurrentChecks` slots; every acquire is paired with `releaseCheckSlot`.
    private func acquireCheckSlot() async {
        if checksRunning < max(1, configuration.maxConcurrentChecks) {
            checksRunning += 1
            return
        }
        // The releasing processor hands its slot straight to the first waiter.
        await withCheckedContinuation { checkWaiters.append($0) }
    }

    private func releaseCheckSlot() {
        if checkWaiters.isEmpty { checksRunning -= 1 } else { checkWaiters.removeFirst().resume() }
    }

    /// Whether another task may be made for the shot. Only attempts that made a task count against
    /// `maxRegenerations`: a create refused with 429 or found never created costs nothing and is no regeneration.
    private func mayRegenerate(_ shotID: String) throws -> Bool {
        let tasksMade = try store.attempts(shotID: shotID).filter { $0.taskID != nil }.count
        return tasksMade <= configuration.maxRegenerations
    }

    private func fail(_ shotID: String, _ reason: String) throws {
        let now = Date().timeIntervalSince1970
        try store.updateShot(shotID, detail: reason) { $0.state = .failed; $0.error = reason; $0.finishedAt = now }
        observer(.shot(id: shotID, state: .failed, detail: reason))
    }

    // MARK: assemble and sum up

    private func assemble() async throws {
        let shots = try store.shots()
        guard configuration.concatenate, !shots.isEmpty, shots.allSatisfy({ $0.state == .done }) else {
            if configuration.concatenate { observer(.note("not all shots are done: no final video")) }
            return
        }
        let clips = shots.compactMap(\.clipPath).map { layout.absolute($0) }
        let output = layout.absolute(layout.final)
        observer(.note("joining \(clips.count) clips into \(layout.final)"))
        let summary = try await concatenate(clips, to: output)
        let infos = try await runOffThePool { try clips.map { try probe($0) } }
        let finalInfo = try await runOffThePool { try probe(output) }
        let check = FinalCheck.evaluate(final: finalInfo, clips: infos)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try store.setMeta("final", String(decoding: try encoder.encode(FinalRecord(
            path: layout.final, strategy: summary.strategy.rawValue, reason: summary.reason, probe: finalInfo,
            checks: check)), as: UTF8.self))
        observer(.note("final video: \(layout.final) (\(summary.strategy.rawValue)), checks \(check.allSatisfy(\.passed) ? "passed" : "FAILED")"))
    }

    private func summarize() throws -> RunSummary {
        let shots = try store.shots()
        let attempts = try store.allAttempts()
        let creates = attempts.filter { ![AttemptState.notCreated, .refused].contains($0.state) }.count
        var finalPassed: Bool?
        if let json = try store.meta("final"),
           let record = try? JSONDecoder().decode(FinalRecord.self, from: Data(json.utf8)) {
            finalPassed = record.checks.allSatisfy(\.passed)
        }
        return RunSummary(
            directory: layout.directory, done: shots.filter { $0.state == .done }.count,
            failed: shots.filter { $0.state == .failed }.count, creates: creates,
            tokens: shots.compactMap(\.tokens).reduce(0, +),
            finalVideo: finalPassed == nil ? nil : layout.absolute(layout.final), finalPassed: finalPassed,
            report: layout.absolute(layout.reportHTML))
    }
}

/// What a run came to.
public struct RunSummary: Sendable, Hashable, Codable {
    /// The run's folder.
    public var directory: String
    /// Shots done (clip verified).
    public var done: Int
    /// Shots that failed for good.
    public var failed: Int
    /// Create calls that made a task (or may have), regenerations included.
    public var creates: Int
    /// Tokens billed.
    public var tokens: Int
    /// The joined video, when every shot was done.
    public var finalVideo: String?
    /// Whether the joined video passed its checks.
    public var finalPassed: Bool?
    /// The HTML report.
    public var report: String

    /// Whether everything worked.
    public var succeeded: Bool { failed == 0 && (finalPassed ?? true) }
}
