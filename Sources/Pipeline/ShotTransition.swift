import Foundation

/// What a downloaded clip came to: the files made from it and its checks.
public struct ClipOutcome: Sendable, Hashable {
    /// Where the attempt's clip is kept (`attempts/<shot>-<n>.mp4`).
    public var attemptClip: String
    /// The shot's clip (`clips/<shot>.mp4`) when it passed.
    public var shotClip: String?
    /// Poster, last frame and contact sheet.
    public var poster: String
    public var lastFrame: String
    public var sheet: String
    /// Probe and QA report as JSON.
    public var probe: String
    public var qa: String?
    /// Failed checks, by name (empty when it passed).
    public var failedChecks: [String]
    /// Tokens billed for the task.
    public var tokens: Int?
    /// Why the clip failed when the failed checks alone do not say it (a provenance failure, which is never made
    /// again); nil gives `QA failed: <checks>`.
    public var failureReason: String?

    /// Makes an outcome.
    public init(attemptClip: String, shotClip: String?, poster: String, lastFrame: String, sheet: String,
                probe: String, qa: String?, failedChecks: [String], tokens: Int?, failureReason: String? = nil) {
        self.failureReason = failureReason
        self.attemptClip = attemptClip
        self.shotClip = shotClip
        self.poster = poster
        self.lastFrame = lastFrame
        self.sheet = sheet
        self.probe = probe
        self.qa = qa
        self.failedChecks = failedChecks
        self.tokens = tokens
    }

    /// Whether the clip passed.
    public var passed: Bool { failedChecks.isEmpty }
}

/// The identities a plan gives a shot (see `ShotIdentity`).
public struct ShotIdentities: Sendable, Hashable {
    public var planRequest: String
    public var request: String
    public var identity: String
    public var chained: Bool

    /// Makes the set.
    public init(planRequest: String, request: String, identity: String, chained: Bool) {
        self.planRequest = planRequest
        self.request = request
        self.identity = identity
        self.chained = chained
    }
}

/// Every change of a shot's state, as the runner's parts ask for it. The store applies one in one transaction
/// through `ShotMachine.apply`, the only place shot states change.
public enum ShotTransition: Sendable, Hashable {
    /// The create of attempt `attempt` answered with `taskID` (or reconciliation found it).
    case created(attempt: Int, taskID: String, reconciled: Bool)
    /// The create of `attempt` may or may not have made a task.
    case outcomeUnknown(attempt: Int, message: String)
    /// The create was surely not accepted (429, overloaded, unreachable, key refused): nothing exists; the attempt
    /// row is removed and the shot waits to be sent again.
    case turnedAway(attempt: Int, message: String)
    /// The service refused the request (validation, input moderation): sending it again would be refused again.
    case refused(attempt: Int, message: String)
    /// Reconciliation found no task for `attempt`: it was never created.
    case notCreated(attempt: Int)
    /// The task is being generated.
    case running
    /// The task succeeded: its clip is to be fetched.
    case succeeded
    /// The task failed, was cancelled or expired; `retry` makes the shot pending again.
    case taskFailed(attempt: Int, reason: String, tokens: Int?, retry: Bool)
    /// The clip was fetched and checked; `retry` (for a failed check) makes the shot pending again.
    case delivered(attempt: Int, ClipOutcome, retry: Bool)
    /// The clip of a paid task could not be fetched or read in the rounds allowed.
    case undelivered(attempt: Int, reason: String, tokens: Int?)
    /// The shot changed while `attempt` was out: its clip (if any) is kept, not used; the shot is made again.
    case superseded(attempt: Int, clip: String?, tokens: Int?)
    /// A given-up undelivered clip is fetched again.
    case fetchAgain(taskID: String)
    /// A chained shot cannot start: the shot it starts from failed.
    case blocked(reason: String)
    /// The shot it starts from is no longer failed.
    case unblocked
    /// Made again from scratch with a fresh regeneration budget (plan edit, regenerate, retry of a failed shot);
    /// `identities` when they changed. Only for a shot with nothing out at the service.
    case reset(reason: String, identities: ShotIdentities?)
    /// New identities for a shot whose attempt is still out: it keeps going, and is superseded when it ends.
    case reidentify(reason: String, identities: ShotIdentities)
    /// The identities of an unchanged shot recorded (a run of the first release, or chaining noted): nothing else
    /// changes.
    case recordIdentities(ShotIdentities)
    /// A line in the shot's history, no change.
    case note(String)
}

/// A transition that does not apply to the shot as it is.
public struct TransitionError: Error, Sendable, CustomStringConvertible {
    public var shotID: String
    public var from: ShotState
    public var transition: String
    public var description: String { "shot \(shotID): cannot \(transition) from \(from.rawValue)" }
}

/// The shot state machine: which transition is allowed from which state, and what it changes on the shot and its
/// attempt. Pure: the store calls it inside a transaction; tests call it alone.
public enum ShotMachine {
    /// What `apply` decided: the shot and attempt to write (attempt nil: untouched; `deleteAttempt`: remove it) and
    /// the history line.
    public struct Result: Sendable, Hashable {
        public var shot: ShotRecord
        public var attempt: AttemptRecord?
        public var deleteAttempt: Bool = false
        public var detail: String?
    }

    /// Applies `transition` to `shot` (and `attempt`, the attempt it names, when it names one) at `now`.
    public static func apply(_ transition: ShotTransition, to shot: ShotRecord, attempt: AttemptRecord?,
                             now: Double = Date().timeIntervalSince1970) throws -> Result {
        var shot = shot
        func refuse(_ name: String) -> TransitionError {
            TransitionError(shotID: shot.id, from: shot.state, transition: name)
        }
        func require(_ states: Set<ShotState>, _ name: String) throws {
            guard states.contains(shot.state) else { throw refuse(name) }
        }
        func requireAttempt(_ name: String) throws -> AttemptRecord {
            guard let attempt else { throw refuse("\(name) (no such attempt)") }
            return attempt
        }
        /// Bills `tokens` to the attempt once; the shot's total is the sum of its attempts' tokens.
        func bill(_ a: inout AttemptRecord, _ tokens: Int?) {
            guard a.tokens == nil, let tokens else { return }
            a.tokens = tokens
            shot.tokens = (shot.tokens ?? 0) + tokens
        }
        func finish(_ state: ShotState, error: String?) {
            shot.state = state
            shot.error = error
            shot.finishedAt = state.isFinal ? now : nil
        }
        switch transition {
        case let .created(_, taskID, reconciled):
            try require([.creating, .unknown], "record a created task")
            var a = try requireAttempt("record a created task")
            a.state = .created
            a.taskID = taskID
            shot.state = .queued
            shot.taskID = taskID
            shot.error = nil
            shot.startedAt = shot.startedAt ?? (reconciled ? a.submittedAt : now)
            return Result(shot: shot, attempt: a, detail: reconciled ? "reconciled: the create had made \(taskID)"
                                                                   : "created \(taskID)")
        case let .outcomeUnknown(_, message):
            try require([.creating], "record an unknown outcome")
            var a = try requireAttempt("record an unknown outcome")
            a.state = .unknown
            a.error = message
            shot.state = .unknown
            return Result(shot: shot, attempt: a, detail: "outcome unknown, to reconcile: \(message)")
        case let .turnedAway(_, message):
            try require([.creating], "record a create turned away")
            _ = try requireAttempt("record a create turned away")
            shot.state = .pending
            shot.attempts -= 1
            return Result(shot: shot, attempt: nil, deleteAttempt: true, detail: "not accepted, nothing made: \(message)")
        case let .refused(_, message):
            try require([.creating], "record a refused create")
            var a = try requireAttempt("record a refused create")
            a.state = .refused
            a.error = message
            a.finishedAt = now
            finish(.failed, error: message)
            return Result(shot: shot, attempt: a, detail: "refused: \(message)")
        case .notCreated:
            try require([.creating, .unknown], "record a create that made nothing")
            var a = try requireAttempt("record a create that made nothing")
            a.state = .notCreated
            a.finishedAt = now
            shot.state = .pending
            return Result(shot: shot, attempt: a, detail: "reconciled: no task was created")
        case .running:
            try require([.queued, .running], "mark running")
            shot.state = .running
            return Result(shot: shot, attempt: nil, detail: nil)
        case .succeeded:
            try require([.queued, .running, .downloading], "mark succeeded")
            shot.state = .downloading
            return Result(shot: shot, attempt: nil, detail: "succeeded")
        case let .taskFailed(_, reason, tokens, retry):
            try require([.queued, .running, .downloading], "record a failed task")
            var a = try requireAttempt("record a failed task")
            a.state = .failed
            a.error = reason
            a.finishedAt = now
            bill(&a, tokens)
            finish(retry ? .pending : .failed, error: reason)
            return Result(shot: shot, attempt: a, detail: retry ? "failed, will regenerate: \(reason)" : "failed: \(reason)")
        case let .delivered(_, clip, retry):
            try require([.downloading], "record a delivered clip")
            var a = try requireAttempt("record a delivered clip")
            a.clipPath = clip.attemptClip
            a.finishedAt = now
            bill(&a, clip.tokens)
            shot.probe = clip.probe
            shot.qa = clip.qa
            shot.qaPassed = clip.passed
            shot.posterPath = clip.poster
            shot.lastFramePath = clip.lastFrame
            shot.sheetPath = clip.sheet
            if clip.passed {
                a.state = .succeeded
                a.error = nil
                shot.clipPath = clip.shotClip ?? clip.attemptClip
                finish(.done, error: nil)
                return Result(shot: shot, attempt: a, detail: "verified")
            }
            let failed = clip.failureReason ?? "QA failed: \(clip.failedChecks.joined(separator: ", "))"
            a.state = .rejected
            a.error = failed
            shot.clipPath = clip.attemptClip
            finish(retry ? .pending : .failed, error: failed)
            return Result(shot: shot, attempt: a, detail: failed)
        case let .undelivered(_, reason, tokens):
            try require([.downloading], "record an undelivered clip")
            var a = try requireAttempt("record an undelivered clip")
            a.state = .undelivered
            a.error = reason
            a.finishedAt = now
            bill(&a, tokens)
            let message = "could not download or check the clip (resume the run to fetch it again): \(reason)"
            finish(.failed, error: message)
            return Result(shot: shot, attempt: a, detail: message)
        case let .superseded(_, clip, tokens):
            try require([.creating, .unknown, .queued, .running, .downloading], "supersede an attempt")
            var a = try requireAttempt("supersede an attempt")
            a.state = .superseded
            a.clipPath = clip ?? a.clipPath
            a.finishedAt = now
            bill(&a, tokens)
            shot.state = .pending
            shot.taskID = nil
            shot.error = nil
            return Result(shot: shot, attempt: a,
                          detail: "attempt \(a.number) superseded by a change of the shot" + (clip.map { "; its clip is kept at \($0)" } ?? ""))
        case let .fetchAgain(taskID):
            try require([.failed], "fetch an undelivered clip again")
            shot.state = .downloading
            shot.taskID = taskID
            shot.error = nil
            shot.finishedAt = nil
            return Result(shot: shot, attempt: nil, detail: "fetching the undelivered clip of \(taskID) again")
        case let .blocked(reason):
            try require([.pending], "block")
            finish(.failed, error: reason)
            return Result(shot: shot, attempt: nil, detail: reason)
        case .unblocked:
            try require([.failed], "unblock")
            shot.state = .pending
            shot.error = nil
            shot.finishedAt = nil
            return Result(shot: shot, attempt: nil, detail: "the shot it starts from is no longer failed: pending again")
        case let .reset(reason, identities):
            try require([.pending, .done, .failed], "make again")
            if let identities { assign(identities, to: &shot) }
            shot.state = .pending
            shot.budgetFloor = shot.attempts
            shot.taskID = nil
            shot.error = nil
            shot.finishedAt = nil
            shot.clipPath = nil
            shot.qaPassed = nil
            shot.qa = nil
            shot.probe = nil
            return Result(shot: shot, attempt: nil, detail: reason)
        case let .reidentify(reason, identities):
            assign(identities, to: &shot)
            shot.budgetFloor = shot.attempts
            return Result(shot: shot, attempt: nil, detail: reason)
        case let .recordIdentities(identities):
            assign(identities, to: &shot)
            return Result(shot: shot, attempt: nil, detail: nil)
        case let .note(text):
            return Result(shot: shot, attempt: nil, detail: text)
        }
    }

    static func assign(_ identities: ShotIdentities, to shot: inout ShotRecord) {
        shot.planRequestIdentity = identities.planRequest
        shot.requestIdentity = identities.request
        shot.identity = identities.identity
        shot.chained = identities.chained
    }

    /// The refusal of a `created` naming a task another attempt already holds (the stores check it: the machine
    /// sees one shot only).
    static func taskAlreadyRecorded(_ taskID: String, shot: ShotRecord, holder: AttemptRecord) -> TransitionError {
        TransitionError(shotID: shot.id, from: shot.state,
                        transition: "record task \(taskID) (already recorded for shot \(holder.shotID), attempt \(holder.number))")
    }

    /// The attempt number a transition names, if any.
    public static func attemptNumber(of transition: ShotTransition) -> Int? {
        switch transition {
        case let .created(n, _, _), let .outcomeUnknown(n, _), let .turnedAway(n, _), let .refused(n, _),
             let .notCreated(n), let .taskFailed(n, _, _, _), let .delivered(n, _, _), let .undelivered(n, _, _),
             let .superseded(n, _, _):
            return n
        default:
            return nil
        }
    }
}
