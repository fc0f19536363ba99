import Foundation
import Logging
import Media

/// The final join made ahead: while later shots are still being made, the clips at the head of the edit that are
/// done are appended to `final.mp4`'s stream copy one by one (`CopyJoinInProgress`), so the join at the end appends
/// only the last few. Its cost is the sound's re-encoding (about 30 times real time on one core: 13 s for 100
/// four-second clips), which would otherwise all come after the last clip. The file is the same as a join made at
/// the end; a join made ahead that no longer matches the edit (a clip regenerated, the order changed, clips that
/// need re-encoding) is dropped and the end joins from scratch, as it would have anyway.
extension PipelineRunner {
    /// Starts the join ahead when the run will join its clips by itself: single-process runs (a shared run's join
    /// is claimed by one worker at the end) without a loudness target (its gains are measured over every clip).
    func startJoinAhead() async throws {
        guard configuration.concatenate, configuration.joinAhead, shared == nil, recordedPlan?.loudness == nil,
              let join = try? CopyJoinInProgress(output: layout.absolute(layout.final)) else { return }
        joinOrderAtStart = try await EditOrder.recorded(in: store)
        joinAhead = JoinAhead(join: join, logger: logger)
        await advanceJoinAhead()
    }

    /// Tells the join ahead the clips at the head of the edit that are done (called when a clip is recorded).
    func advanceJoinAhead() async {
        guard let joinAhead else { return }
        let edit = EditOrder.resolve(shots: order.compactMap { shots[$0] }, overrides: overrides,
                                     joinOrder: joinOrderAtStart)
        var head: [String] = []
        for shot in edit {
            guard shot.state == .done, let clip = shot.clipPath else { break }
            head.append(layout.absolute(clip))
        }
        await joinAhead.advance(to: head)
    }

    /// The join made ahead, once its work under way is done, for the final join to continue (nil: none); the
    /// runner lets go of it either way.
    func takeJoinAhead() async -> CopyJoinInProgress? {
        guard let joinAhead else { return nil }
        self.joinAhead = nil
        return await joinAhead.finish()
    }
}

/// Appends clips to a `CopyJoinInProgress` off the cooperative pool, one at a time, up to the latest head of the edit
/// it was told; a failure drops the join (the final join then starts from scratch) and is logged, never thrown: the
/// join ahead only saves time.
actor JoinAhead {
    private let join: CopyJoinInProgress
    private let logger: Logger
    /// The clips at the head of the edit that are done, as last told.
    private var head: [String] = []
    private var worker: Task<Void, Never>?

    init(join: CopyJoinInProgress, logger: Logger) {
        self.join = join
        self.logger = logger
    }

    /// Appends the clips of `head` not appended yet (in the background).
    func advance(to head: [String]) {
        self.head = head
        if worker == nil { worker = Task { await self.work() } }
    }

    private func work() async {
        while join.isOpen {
            let done = join.paths
            // A head that no longer starts with what was appended (order changed, a shot made again) is left to
            // the final join, which drops what does not match.
            guard done.count < head.count, head.starts(with: done) else { break }
            let next = head[done.count], join = self.join
            do {
                try await runOffThePool { _ = try join.append(next) }
            } catch {
                logger.warning("joining ahead stopped; the final join starts from scratch",
                               metadata: ["clip": "\(next)", "error": "\(error)"])
            }
        }
        if let reason = join.closedBecause {
            logger.debug("joining ahead closed", metadata: ["reason": "\(reason)"])
        }
        worker = nil
    }

    /// Waits for the append under way, then hands the join over (nil when it closed before the end).
    func finish() async -> CopyJoinInProgress? {
        head = []
        await worker?.value
        return join.isOpen ? join : nil
    }
}
