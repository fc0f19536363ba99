import Foundation
import Pipeline

/// What a person watching a run needs to know, folded from the runner's events: each shot's state, when it began,
/// its tokens, and how long the shots done so far took. A value with no clock and no terminal: `apply` is given the
/// time of each event, and `RunStatusBlock` draws it, so both are tested from events alone.
struct RunStatus: Sendable, Equatable {
    /// One shot of the edit as the run goes.
    struct Shot: Sendable, Equatable {
        var id: String
        var state: ShotState
        /// Downloaded and being checked (the runner keeps such a shot `downloading` until its clip is recorded).
        var checking = false
        /// When this run began working on it (nil: not begun, or final when the run started).
        var since: Double?
        /// Tokens billed for it, all attempts and earlier runs together.
        var billed = 0
        /// Tokens one attempt of it should cost.
        var estimate = 0
    }

    /// Where a shot is, in the words of the block (the states a person tells apart).
    enum Stage: String, CaseIterable, Sendable {
        case toSend = "to send", sending, atService = "at the service", downloading, checking, done, failed
    }

    /// The shots of the edit, in plan order.
    private(set) var shots: [Shot] = []
    /// When the run started (the `started` event); nil before.
    private(set) var startedAt: Double?
    /// When the run finished (the `finished` event); nil while it goes.
    private(set) var finishedAt: Double?
    /// Seconds each shot done in this run took, from its first create to its verified clip.
    private(set) var durations: [Double] = []
    /// The most shots seen out at once: how many go side by side, for the estimate of the shots still to send.
    private(set) var mostAtOnce = 0
    /// Tokens billed in all, as the run's summary counts them (set when the run finishes).
    private(set) var finalTokens: Int?

    /// Folds one event in, at `time` (Unix seconds). Returns the lines worth keeping in the scrollback (a failure,
    /// a regeneration, a note such as the final video's path), in the order they happened.
    mutating func apply(_ event: RunEvent, at time: Double) -> [String] {
        switch event {
        case .started(let starts):
            startedAt = time
            shots = starts.map {
                Shot(id: $0.id, state: $0.state, since: $0.state.isActive ? time : nil, billed: $0.tokens ?? 0,
                     estimate: $0.estimatedTokens ?? 0)
            }
            countOut()
            return []
        case let .shot(id, state, detail):
            // A shot not in the start list (a shared run's claim) joins the block.
            let i = shots.firstIndex { $0.id == id } ?? {
                shots.append(Shot(id: id, state: .pending))
                return shots.count - 1
            }()
            let before = shots[i].state
            shots[i].state = state
            shots[i].checking = state == .downloading && (detail == "checking" || (before == .downloading && shots[i].checking))
            if state.isActive, shots[i].since == nil { shots[i].since = time }
            if state == .done, before != .done, let since = shots[i].since { durations.append(max(0, time - since)) }
            if state.isFinal { shots[i].since = nil }
            countOut()
            if state == .failed, before != .failed {
                return ["\(id): failed" + (detail.map { ": \($0)" } ?? "")]
            }
            if state == .pending, before != .pending, let detail {
                // Back to pending after an attempt the service worked on: a paid regeneration; before that (a
                // create that made nothing): only sent again.
                let paid = [.queued, .running, .downloading].contains(before)
                return ["\(id): \(paid ? "regenerating" : "to send again") (\(detail))"]
            }
            return []
        case let .tokens(id, billed, estimated):
            guard let i = shots.firstIndex(where: { $0.id == id }) else { return [] }
            shots[i].billed = billed ?? 0
            shots[i].estimate = estimated ?? 0
            return []
        case .note(let text):
            return [text]
        case let .finished(_, _, _, tokens):
            finishedAt = time
            finalTokens = tokens
            return []
        }
    }

    private mutating func countOut() {
        mostAtOnce = max(mostAtOnce, shots.filter { $0.state.isActive }.count)
    }

    /// Where a shot is, for the counts.
    static func stage(of shot: Shot) -> Stage {
        switch shot.state {
        case .pending: .toSend
        case .creating, .unknown: .sending
        case .queued, .running: .atService
        case .downloading: shot.checking ? .checking : .downloading
        case .done: .done
        case .failed: .failed
        }
    }

    /// How many shots are at each stage.
    var counts: [Stage: Int] {
        var result: [Stage: Int] = [:]
        for shot in shots { result[Self.stage(of: shot), default: 0] += 1 }
        return result
    }

    /// Tokens billed so far, all shots of the edit (the run's own count once it finished).
    var billed: Int { finalTokens ?? shots.map(\.billed).reduce(0, +) }

    /// Tokens the run should cost in all: what is billed, plus one attempt's estimate for every shot whose current
    /// attempt is not billed yet (tokens are billed when a clip is recorded). Regenerations to come are not guessed.
    var estimatedTotal: Int {
        billed + shots.filter { !$0.state.isFinal }.map(\.estimate).reduce(0, +)
    }

    /// Seconds the run has taken at `now`.
    func elapsed(at now: Double) -> Double {
        guard let startedAt else { return 0 }
        return max(0, (finishedAt ?? now) - startedAt)
    }

    /// Seconds still to go at `now`, from the mean time of the shots done so far: the shots out now each need what
    /// is left of that mean, and the shots still to send go in waves as wide as the most shots seen out at once.
    /// Nil before the first shot is done (nothing to go on) and once the run finished.
    func remaining(at now: Double) -> Double? {
        guard finishedAt == nil, !durations.isEmpty else { return nil }
        let mean = durations.reduce(0, +) / Double(durations.count)
        let out = shots.filter { $0.state.isActive }.map { max(0, mean - (now - ($0.since ?? now))) }.max() ?? 0
        let toSend = shots.filter { $0.state == .pending }.count
        let waves = (Double(toSend) / Double(max(1, mostAtOnce))).rounded(.up)
        return out + waves * mean
    }
}
