import Foundation
import Media
import QA

extension PipelineRunner {
    /// The shots of the edit in join order: the plan's order, or the join order an override set (shots it does not
    /// name follow in plan order); shots dropped from the edit and shots that left the plan are not in it.
    func editOrder() async throws -> [ShotRecord] {
        EditOrder.resolve(shots: order.compactMap { shots[$0] }, overrides: overrides,
                          joinOrder: try await EditOrder.recorded(in: store))
    }

    /// Joins the clips of the edit into `final.mp4` when every one is done, and checks the result.
    func assemble() async throws {
        let edit = try await editOrder()
        guard configuration.concatenate, !edit.isEmpty, edit.allSatisfy({ $0.state == .done }) else {
            // A final video of an earlier state of the run is not this run's: the report must not show it.
            if try await store.meta("final") != nil { try await store.setMeta("final", "") }
            if configuration.concatenate { observer(.note("not all shots are done: no final video")) }
            return
        }
        let clips = edit.compactMap(\.clipPath).map { layout.absolute($0) }
        let output = layout.absolute(layout.final)
        let ahead = await takeJoinAhead()
        let aheadCount = ahead.map { $0.paths.count } ?? 0
        observer(.note("joining \(clips.count) \(clips.count == 1 ? "clip" : "clips") into \(layout.final)"
            + (aheadCount > 0 ? " (\(aheadCount) joined ahead)" : "")))
        var options = ConcatOptions()
        options.loudness = recordedPlan?.loudness
        let summary = try await concatenate(clips, to: output, options: options, continuing: ahead)
        if aheadCount > 0, ahead?.wasContinued != true {
            logger.notice("the join made ahead did not match the edit: joined from scratch")
        }
        let infos = try await runOffThePool { try clips.map { try probe($0) } }
        // The sequence for editing software, next to final.mp4: each shot's clip, whole, in edit order.
        try await runOffThePool {
            let timeline = try EditTimeline(name: "edit", paths: clips, infos: infos)
            for ext in ["otio", "fcpxml", "xml"] {
                try timeline.write(to: (output as NSString).deletingLastPathComponent + "/edit.\(ext)")
            }
        }
        let finalInfo = try await runOffThePool { try probe(output) }
        let check = FinalCheck.evaluate(final: finalInfo, clips: infos)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await store.setMeta("final", String(decoding: try encoder.encode(FinalRecord(
            path: layout.final, strategy: summary.strategy.rawValue, reason: summary.reason, probe: finalInfo,
            checks: check, shots: edit.map(\.id))), as: UTF8.self))
        let level = summary.loudness.map { l in ", \(l.output.map { String(format: "%.1f", $0) } ?? "silent") LUFS" } ?? ""
        observer(.note("final video: \(layout.final) (\(summary.strategy.rawValue)\(level)), checks \(check.allSatisfy(\.passed) ? "passed" : "FAILED")"))
    }

    func summarize(ending: RunEnding) async throws -> RunSummary {
        let records = try await store.shots()
        let attempts = try await store.allAttempts()
        let edit = records.filter(\.inPlan)
        var finalPassed: Bool?
        if let json = try await store.meta("final"),
           let record = try? JSONDecoder().decode(FinalRecord.self, from: Data(json.utf8)) {
            finalPassed = record.checks.allSatisfy(\.passed)
        }
        return RunSummary(
            directory: layout.directory, done: edit.filter { $0.state == .done }.count,
            failed: edit.filter { $0.state == .failed }.count,
            creates: attempts.filter { ![AttemptState.notCreated, .refused].contains($0.state) }.count,
            tokens: records.compactMap(\.tokens).reduce(0, +),
            finalVideo: finalPassed == nil ? nil : layout.absolute(layout.final), finalPassed: finalPassed,
            report: layout.absolute(layout.reportHTML), ending: ending,
            atService: records.filter { [.creating, .unknown, .queued, .running].contains($0.state) }.count,
            readyToFetch: records.filter { $0.state == .downloading }.count,
            createsNow: createsSent, storeCalls: store.callCount, callbacks: configuration.callbacks?.counts)
    }
}

/// What a run came to.
public struct RunSummary: Sendable, Hashable {
    /// The run's folder.
    public var directory: String
    /// Shots of the edit done (clip verified).
    public var done: Int
    /// Shots of the edit that failed for good.
    public var failed: Int
    /// Create calls that made a task (or may have), regenerations included, over the run's life.
    public var creates: Int
    /// Tokens billed.
    public var tokens: Int
    /// The joined video, when every shot was done.
    public var finalVideo: String?
    /// Whether the joined video passed its checks.
    public var finalPassed: Bool?
    /// The HTML report.
    public var report: String
    /// Why the run stopped.
    public var ending: RunEnding = .finished
    /// Shots whose task is out at the service (or may be) when the run stopped.
    public var atService: Int = 0
    /// Shots whose clip is made and paid for, not fetched yet.
    public var readyToFetch: Int = 0
    /// Creates this run sent (that made a task or may have).
    public var createsNow: Int = 0
    /// Store calls made by this process.
    public var storeCalls: Int = 0
    /// The callbacks this process received, by what became of them (nil: callbacks were off).
    public var callbacks: CallbackCounts?

    /// Whether everything worked.
    public var succeeded: Bool { ending == .finished && failed == 0 && (finalPassed ?? true) }
}

extension RunSummary: Codable {
    enum CodingKeys: String, CodingKey {
        case directory, done, failed, creates, tokens, report, ending
        case finalVideo = "final_video", finalPassed = "final_passed", atService = "at_service"
        case readyToFetch = "ready_to_fetch", createsNow = "creates_now", callbacks
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(directory, forKey: .directory)
        try c.encode(done, forKey: .done)
        try c.encode(failed, forKey: .failed)
        try c.encode(creates, forKey: .creates)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(finalVideo, forKey: .finalVideo)
        try c.encode(finalPassed, forKey: .finalPassed)
        try c.encode(report, forKey: .report)
        try c.encode(ending.name, forKey: .ending)
        try c.encode(atService, forKey: .atService)
        try c.encode(readyToFetch, forKey: .readyToFetch)
        try c.encode(createsNow, forKey: .createsNow)
        try c.encodeIfPresent(callbacks, forKey: .callbacks)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        directory = try c.decode(String.self, forKey: .directory)
        done = try c.decode(Int.self, forKey: .done)
        failed = try c.decode(Int.self, forKey: .failed)
        creates = try c.decode(Int.self, forKey: .creates)
        tokens = try c.decode(Int.self, forKey: .tokens)
        finalVideo = try c.decodeIfPresent(String.self, forKey: .finalVideo)
        finalPassed = try c.decodeIfPresent(Bool.self, forKey: .finalPassed)
        report = try c.decode(String.self, forKey: .report)
        atService = try c.decodeIfPresent(Int.self, forKey: .atService) ?? 0
        readyToFetch = try c.decodeIfPresent(Int.self, forKey: .readyToFetch) ?? 0
        createsNow = try c.decodeIfPresent(Int.self, forKey: .createsNow) ?? 0
        callbacks = try c.decodeIfPresent(CallbackCounts.self, forKey: .callbacks)
    }
}

extension RunEnding {
    /// One word for JSON: finished, interrupted, unreachable, unauthorized, time_limit, budget, cannot_write.
    public var name: String {
        switch self {
        case .finished: "finished"
        case .interrupted: "interrupted"
        case .unreachable: "unreachable"
        case .unauthorized: "unauthorized"
        case .timeLimit: "time_limit"
        case .budget: "budget"
        case .cannotWrite: "cannot_write"
        }
    }
}
