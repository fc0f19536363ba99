import Foundation
import Logging
import Media
import Provenance
import SeedanceAPI

/// The simulator's state and rules, independent of HTTP: tasks, their life cycle, limits, faults, links and counts.
actor SimulatorEngine {
    let configuration: SimulatorConfiguration
    let renderer: RenderCache
    /// Signs delivered clips (nil: clips keep whatever box the render left).
    nonisolated let signing: ClipSigning?
    /// Where the images of requests are kept (under the render cache, by digest).
    nonisolated let imageDirectory: URL
    private let logger: Logger
    private var tasks: [String: TaskRecord] = [:]
    private var sequence = 0
    private var stats = SimulatorStats()
    private var faultOrdinals: [FaultKind: Int] = [:]
    private var createTimes: [String: [Date]] = [:]
    /// Accepted creates of every model within the last `rateWindow` (for `maxCreatesPerWindow`).
    private var recentCreates: [Date] = []
    private var renderTasks: [String: Task<Void, Never>] = [:]
    private var requestCounter = 0
    private let linkSecret: String
    private(set) var baseURL = "http://127.0.0.1"
    private let callbacks: AsyncStream<Callback>.Continuation
    /// Status-change notifications to POST, in order.
    nonisolated let callbackStream: AsyncStream<Callback>

    /// One callback POST to make.
    struct Callback: Sendable {
        var url: String
        var body: Data
    }

    init(configuration: SimulatorConfiguration, cacheDirectory: URL, logger: Logger,
         signingIdentity: TestSigningIdentity? = nil) {
        self.configuration = configuration
        self.logger = logger
        signing = signingIdentity.map {
            ClipSigning(identity: $0, version: configuration.softwareVersion,
                        directory: cacheDirectory.appendingPathComponent("signed-\(UUID().uuidString.prefix(8))"))
        }
        renderer = RenderCache(directory: cacheDirectory, threads: configuration.renderThreads)
        imageDirectory = cacheDirectory.appendingPathComponent("images")
        var hash = StableHash()
        hash.add(UUID().uuidString)
        linkSecret = String(hash.value, radix: 16)
        (callbackStream, callbacks) = AsyncStream.makeStream(of: Callback.self)
    }

    func setBaseURL(_ url: String) { baseURL = url }

    func finishCallbacks() { callbacks.finish() }

    // MARK: Requests

    /// A request id for error messages (`Request id: ...`), as the service appends one.
    func nextRequestID() -> String {
        requestCounter += 1
        let stamp = Int(Date().timeIntervalSince1970)
        return "0217\(stamp)\(String(format: "%08x", requestCounter))"
    }

    /// Draws the next chance of `kind`; counts it when it strikes.
    func drawFault(_ kind: FaultKind) -> Bool {
        let ordinal = faultOrdinals[kind, default: 0]
        faultOrdinals[kind] = ordinal + 1
        let strikes = configuration.faults.strikes(kind, ordinal: ordinal)
        if strikes { stats.faults[kind.rawValue, default: 0] += 1 }
        return strikes
    }

    /// Counts a call by route.
    func count(_ route: Route) {
        switch route {
        case .createRefused: stats.createsRefused += 1
        case .get: stats.gets += 1
        case .list: stats.lists += 1
        case .delete: stats.deletes += 1
        }
    }

    /// Routes counted in the stats.
    enum Route { case createRefused, get, list, delete }

    /// Admits a validated request: rate limit and queue cap, then a new queued task. Returns its id.
    func create(_ request: GenerationRequest, resolved: ResolvedRequest, imageSize: PixelSize?,
                images: ClipImages = .none, now: Date = Date()) throws(APIError) -> String {
        let window = now.addingTimeInterval(-configuration.rateWindow)
        var recent = createTimes[request.model, default: []].filter { $0 > window }
        if recent.count >= configuration.requestsPerMinute {
            let code = request.model.hasPrefix("ep-") ? "RateLimitExceeded.EndpointRPMExceeded"
                : "ModelAccountRpmRateLimitExceeded"
            throw APIError(httpStatus: 429, code: code,
                           message: "The request rate of \(request.model) exceeded \(configuration.requestsPerMinute) "
                               + "requests per \(Self.describeWindow(configuration.rateWindow)). Please retry later.")
        }
        var queued = 0, running = 0
        for record in tasks.values {
            if record.status == .queued { queued += 1 } else if record.status == .running { running += 1 }
        }
        if queued >= configuration.queueCapacity {
            throw APIError(httpStatus: 429, code: "QuotaExceeded",
                           message: "Too many queued tasks: at most \(configuration.queueCapacity) may wait at once.")
        }
        recent.append(now)
        createTimes[request.model] = recent
        // The busiest window ends at an accepted create, so checking the window ending at each one finds it; the
        // list holds one window's creates, no more (a filter like the per-model one: callers stamp `now` before
        // reaching the actor, so the order may be off by a hair and a prefix cut could miss one).
        recentCreates.removeAll { $0 <= window }
        recentCreates.append(now)
        stats.maxCreatesPerWindow = max(stats.maxCreatesPerWindow, recentCreates.count)
        // The count only grows on a create, so its peaks are all seen here (the new task included).
        stats.maxInFlight = max(stats.maxInFlight, queued + running + 1)

        sequence += 1
        let id = Self.taskID(now: now, sequence: sequence)
        let ratio = resolved.ratio == .adaptive
            ? (imageSize.map(ResolvedRequest.nearestRatio) ?? .r16x9) : resolved.ratio
        let size = resolved.outputSize(adaptiveSource: imageSize)
        let seed = ClipPlanner.seed(for: request, resolved: resolved)
        var clipFault: FaultKind?
        for kind in FaultKind.clipFaults where clipFault == nil {
            if kind == .noAudio || kind == .silent, !resolved.generateAudio { continue }
            if kind == .wrongStart, images.first == nil { continue }
            if drawFault(kind) { clipFault = kind }
        }
        var provenanceFault: FaultKind?
        if configuration.realDeliveries {
            for kind in FaultKind.provenanceFaults where provenanceFault == nil {
                if drawFault(kind) { provenanceFault = kind }
            }
        }
        let fails = drawFault(.fail)
        let spec = ClipPlanner.spec(resolved: resolved, size: size, ratio: ratio, seed: seed, fault: clipFault,
                                    realDeliveryOf: configuration.realDeliveries ? request.model : nil,
                                    images: images)
        let record = TaskRecord(
            id: id, sequence: sequence, request: request, resolved: resolved, size: size, ratio: ratio, seed: seed,
            spec: spec, clipFault: clipFault, provenanceFault: provenanceFault, failsAtEnd: fails, createdAt: now,
            readyAt: now.addingTimeInterval(configuration.real(configuration.queueSeconds)),
            expiresAt: now.addingTimeInterval(configuration.real(Double(resolved.executionExpiresAfter))),
            updatedAt: now)
        tasks[id] = record
        stats.createsAccepted += 1
        notify(record)
        logger.debug("created", metadata: ["task": "\(id)", "size": "\(size)", "frames": "\(resolved.frameCount)"])
        return id
    }

    /// The rate window in the 429 message: "minute" for the service's 60 s, else its seconds.
    static func describeWindow(_ seconds: Double) -> String {
        if seconds == 60 { return "minute" }
        let number = seconds == seconds.rounded() && abs(seconds) < 1e9 ? String(Int(seconds)) : String(seconds)
        return "\(number) second\(seconds == 1 ? "" : "s")"
    }

    private static func taskID(now: Date, sequence: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMddHHmmss"
        var hash = StableHash()
        hash.add(UInt64(sequence))
        hash.add(UInt64(now.timeIntervalSince1970 * 1000))
        let suffix = String(hash.value % (36 * 36 * 36 * 36 * 36), radix: 36)
        return "cgt-\(formatter.string(from: now))-\(String(repeating: "0", count: max(0, 5 - suffix.count)))\(suffix)"
    }

    /// The task object for `id`, with freshly signed links; nil when unknown.
    func task(_ id: String, now: Date = Date()) -> GenerationTask? {
        tasks[id].map { wireTask($0, now: now) }
    }

    /// Whether `id` names a succeeded draft task (what a `draft_task` item must name).
    func isSucceededDraft(_ id: String) -> Bool {
        guard let record = tasks[id] else { return false }
        return record.status == .succeeded && record.resolved.draft
    }

    /// The list call: filters, newest first, one page, and the total across pages.
    func list(status: TaskStatus?, ids: [String], model: String?, serviceTier: ServiceTier? = nil,
              pageNumber: Int, pageSize: Int, now: Date = Date()) -> TaskList {
        let matching = tasks.values
            .filter { status == nil || $0.status == status }
            .filter { ids.isEmpty || ids.contains($0.id) }
            .filter { model == nil || $0.model == model }
            .filter { serviceTier == nil || $0.resolved.serviceTier == serviceTier }
            .sorted { $0.sequence > $1.sequence }
        let start = (pageNumber - 1) * pageSize
        let page = start < matching.count ? Array(matching[start..<min(matching.count, start + pageSize)]) : []
        return TaskList(total: matching.count, items: page.map { wireTask($0, now: now) })
    }

    /// The delete call: a queued task is cancelled; a finished one is removed; running and cancelled ones refuse.
    func delete(_ id: String, now: Date = Date()) throws(APIError) {
        guard var record = tasks[id] else { throw APIError.taskNotFound(id) }
        switch record.status {
        case .queued:
            record.status = .cancelled
            record.updatedAt = now
            tasks[id] = record
            notify(record)
        case .succeeded, .failed, .expired:
            tasks[id] = nil
            if let signing { try? FileManager.default.removeItem(atPath: signing.path(forTask: id)) }
        default:
            throw APIError(httpStatus: 400, code: "InvalidParameter",
                           message: "The task \(id) is \(record.status) and cannot be cancelled or deleted.",
                           param: "id")
        }
    }

    /// What a file link resolves to.
    enum FileAnswer: Sendable {
        case file(path: String, contentType: String, truncated: Bool)
        case expired
        case forbidden
        case notFound
    }

    /// Resolves a signed file link (`/_simulator/files/{id}/{name}?expires=...&signature=...`); expiry is judged by
    /// the configuration's link clock unless `now` is given.
    func file(taskID: String, name: String, expires: String?, signature: String?, now: Date? = nil) -> FileAnswer {
        let now = now ?? configuration.linkClock.now()
        guard let expires, let expiry = Int64(expires), let signature,
              signature == sign(taskID: taskID, name: name, expires: expiry)
        else {
            stats.downloadsRefused += 1
            return .forbidden
        }
        if Int64(now.timeIntervalSince1970 * 1000) > expiry {
            stats.downloadsRefused += 1
            return .expired
        }
        guard let record = tasks[taskID], case let .done(clip) = record.render, record.status == .succeeded else {
            stats.downloadsRefused += 1
            return .notFound
        }
        let truncated = name == "video.mp4" && drawFault(.truncate)
        stats.downloads += 1
        switch name {
        case "video.mp4": return .file(path: clip.video, contentType: "video/mp4", truncated: truncated)
        case "last_frame.png" where record.resolved.returnLastFrame:
            return .file(path: clip.lastFrame, contentType: "image/png", truncated: false)
        default:
            stats.downloads -= 1
            stats.downloadsRefused += 1
            return .notFound
        }
    }

    /// The counts, with tasks by status.
    func currentStats() async -> SimulatorStats {
        var copy = stats
        copy.renders = await renderer.renders
        copy.cacheHits = await renderer.hits
        copy.tasks = Dictionary(grouping: tasks.values, by: { $0.status.rawValue }).mapValues(\.count)
        return copy
    }

    func callbackDelivered(_ ok: Bool) {
        if ok { stats.callbacksDelivered += 1 } else { stats.callbacksFailed += 1 }
    }

    // MARK: Life cycle

    /// Moves every task along: expiry, finishing, then starting queued tasks in order while slots are free.
    func tick(now: Date = Date()) {
        for (id, record) in tasks where record.status == .queued || record.status == .running {
            if now >= record.expiresAt { transition(id, to: .expired, now: now) }
        }
        let runFor = configuration.real(configuration.runSeconds)
        for (id, record) in tasks where record.status == .running {
            guard let started = record.startedAt, now.timeIntervalSince(started) >= runFor else { continue }
            switch record.render {
            case .done:
                if record.failsAtEnd {
                    transition(id, to: .failed, now: now, error: TaskError(
                        code: "OutputVideoSensitiveContentDetected",
                        message: "The generated video may contain sensitive content. Please try again."))
                } else {
                    transition(id, to: .succeeded, now: now)
                }
            case let .failed(reason):
                transition(id, to: .failed, now: now,
                           error: TaskError(code: "InternalServiceError", message: "The render failed: \(reason)"))
            default: break
            }
        }
        var running = tasks.values.filter { $0.status == .running }.count
        guard running < configuration.maxRunning else { return }
        let ready = tasks.values.filter { $0.status == .queued && $0.readyAt <= now }.sorted { $0.sequence < $1.sequence }
        for record in ready where running < configuration.maxRunning {
            start(record.id, now: now)
            running += 1
        }
    }

    private func start(_ id: String, now: Date) {
        guard var record = tasks[id] else { return }
        record.status = .running
        record.startedAt = now
        record.updatedAt = now
        record.render = .rendering
        tasks[id] = record
        notify(record)
        let spec = record.spec, renderer = self.renderer, lastFrame = record.resolved.returnLastFrame
        let signing = ClipSigning.signs(record) ? self.signing : nil
        let started = record
        renderTasks[id] = Task {
            let result: TaskRecord.RenderState
            do {
                let clip = try await renderer.clip(for: spec, lastFrame: lastFrame)
                if let signing {
                    let signed = try await runOffThePool { try signing.sign(clip, for: started) }
                    result = .done(signed)
                } else {
                    result = .done(clip)
                }
            } catch {
                result = .failed(String(describing: error))
            }
            self.renderFinished(id, result)
        }
    }

    private func renderFinished(_ id: String, _ state: TaskRecord.RenderState) {
        renderTasks[id] = nil
        if case let .failed(reason) = state { logger.error("render failed", metadata: ["task": "\(id)", "reason": "\(reason)"]) }
        guard var record = tasks[id] else { return }
        record.render = state
        tasks[id] = record
    }

    private func transition(_ id: String, to status: TaskStatus, now: Date, error: TaskError? = nil) {
        guard var record = tasks[id] else { return }
        record.status = status
        record.error = error
        record.updatedAt = now
        tasks[id] = record
        notify(record)
    }

    /// Waits for renders under way, then removes the signed copies (they name this run's tasks; the render cache
    /// may outlive the run).
    func drainRenders() async {
        for task in renderTasks.values { await task.value }
        await renderer.drain()
        if let signing { try? FileManager.default.removeItem(at: signing.directory) }
    }

    // MARK: Wire form

    private func notify(_ record: TaskRecord) {
        guard let url = record.request.callbackURL else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let body = try? encoder.encode(wireTask(record, now: Date())) else { return }
        callbacks.yield(Callback(url: url, body: body))
    }

    private func wireTask(_ record: TaskRecord, now: Date) -> GenerationTask {
        var content: TaskContent?
        var usage: TaskUsage?
        if record.status == .succeeded {
            content = TaskContent(videoURL: link(record.id, "video.mp4", now: now),
                                  lastFrameURL: record.resolved.returnLastFrame
                                      ? link(record.id, "last_frame.png", now: now) : nil)
            let tokens = record.resolved.tokens(size: record.size)
            usage = TaskUsage(completionTokens: tokens, totalTokens: tokens)
        }
        let resolved = record.resolved
        return GenerationTask(
            id: record.id, model: record.model, status: record.status, error: record.error, content: content,
            usage: usage, createdAt: Int64(record.createdAt.timeIntervalSince1970),
            updatedAt: Int64(record.updatedAt.timeIntervalSince1970), seed: record.seed,
            resolution: resolved.resolution.rawValue, ratio: record.ratio.rawValue,
            duration: resolved.usesFrames ? nil : resolved.reportedDuration,
            frames: resolved.usesFrames ? resolved.frameCount : nil,
            framesPerSecond: OutputGeometry.framesPerSecond, generateAudio: resolved.generateAudio,
            draft: record.request.draft ?? false, serviceTier: resolved.serviceTier.rawValue,
            executionExpiresAfter: resolved.executionExpiresAfter,
            safetyIdentifier: record.request.safetyIdentifier)
    }

    /// A signed link valid for the configured lifetime (or already expired, when the `expire` fault strikes),
    /// stamped by the configuration's link clock.
    private func link(_ id: String, _ name: String, now _: Date) -> String {
        let lifetime = drawFault(.expire) ? -1 : configuration.real(configuration.linkLifetime)
        let expires = Int64((configuration.linkClock.now().timeIntervalSince1970 + lifetime) * 1000)
        return "\(baseURL)/_simulator/files/\(id)/\(name)?expires=\(expires)&signature="
            + sign(taskID: id, name: name, expires: expires)
    }

    private func sign(taskID: String, name: String, expires: Int64) -> String {
        var hash = StableHash()
        hash.add(linkSecret)
        hash.add(taskID)
        hash.add(name)
        hash.add(UInt64(bitPattern: expires))
        return String(hash.value, radix: 16)
    }
}
