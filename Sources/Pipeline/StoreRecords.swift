import Foundation
import GRDB

/// Where a shot is in the pipeline.
public enum ShotState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not submitted yet (or to be made again).
    case pending
    /// A create is being sent (or was, when the process died before the answer).
    case creating
    /// The create's outcome is unknown (timeout after sending): to reconcile through the list call.
    case unknown
    /// Accepted; waiting in the service's queue.
    case queued
    /// Being generated.
    case running
    /// Generated; being downloaded and checked.
    case downloading
    /// Downloaded and passed QA (or QA was off): done.
    case done
    /// Gave up: failed generation or QA after the allowed regenerations, or an error that retrying cannot fix.
    case failed

    /// Whether the shot will not change any more in this run.
    public var isFinal: Bool { self == .done || self == .failed }

    /// Whether an attempt of the shot is out at the service (or may be): its task must be collected, never sent again.
    public var isActive: Bool { [.creating, .unknown, .queued, .running, .downloading].contains(self) }
}

/// What happened to one create call.
public enum AttemptState: String, Sendable, Hashable, Codable {
    /// Recorded before sending; no answer recorded yet.
    case creating
    /// The service answered with a task id.
    case created
    /// The create may or may not have been accepted.
    case unknown
    /// The service refused it (validation, input moderation): nothing was created.
    case refused
    /// Reconciliation found no task for it: it was never created.
    case notCreated
    /// The task succeeded.
    case succeeded
    /// The task failed, was cancelled or expired.
    case failed
    /// The task succeeded but its clip failed QA.
    case rejected
    /// The task succeeded (and is paid for) but its clip could not be downloaded or read in the rounds allowed;
    /// continuing the run fetches it again.
    case undelivered
    /// The shot changed (plan edit, regenerate) while the task was out: its clip is kept, not used.
    case superseded

    /// Whether the attempt is not settled yet: it may have made a task nobody has recorded.
    public var isUnsettled: Bool { self == .creating || self == .unknown }
}

/// A shot as stored: small enough to list thousands (the request body, with its images, is stored once per identity
/// in the `request` table and read only when a create is sent).
public struct ShotRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "shot"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    /// The shot id from the plan.
    public var id: String
    /// Position in the plan (and the edit, unless a join order says otherwise).
    public var position: Int
    /// Whether the shot is in the edit: false once it left the plan (its clips stay in the folder).
    public var inPlan: Bool = true
    /// Whether it starts from the previous shot's last frame.
    public var chained: Bool = false
    /// The identity of the request as the plan wrote it (before any override).
    public var planRequestIdentity: String = ""
    /// The identity of the request sent (overrides applied): the key of its body in the `request` table.
    public var requestIdentity: String = ""
    /// The identity of everything that decides the clip (request, regeneration take, and for a chained shot the
    /// identity of the shot it starts from).
    public var identity: String = ""
    /// Where it is.
    public var state: ShotState
    /// The current attempt's task id.
    public var taskID: String?
    /// Create attempts so far (the number of the latest).
    public var attempts: Int = 0
    /// Attempts up to this number do not count against the regeneration budget (a retry or a change resets it).
    public var budgetFloor: Int = 0
    /// The accepted clip (`clips/<shot>.mp4`), or the last rejected attempt's clip of a failed shot.
    public var clipPath: String?
    /// The poster frame.
    public var posterPath: String?
    /// The exact last frame (for chaining the next shot).
    public var lastFramePath: String?
    /// The contact sheet.
    public var sheetPath: String?
    /// The probe of the clip as JSON.
    public var probe: String?
    /// The QA report as JSON.
    public var qa: String?
    /// Whether the clip passed QA.
    public var qaPassed: Bool?
    /// Tokens the request should cost (token formula).
    public var estimatedTokens: Int?
    /// Tokens billed, all attempts together.
    public var tokens: Int?
    /// The last error, in words.
    public var error: String?
    /// When work on the shot started (Unix seconds).
    public var startedAt: Double?
    /// When it reached a final state.
    public var finishedAt: Double?

    /// Makes a pending shot.
    public init(id: String, position: Int, state: ShotState = .pending, estimatedTokens: Int? = nil) {
        self.id = id
        self.position = position
        self.state = state
        self.estimatedTokens = estimatedTokens
    }

    enum CodingKeys: String, CodingKey {
        case id, position, chained, identity, state, attempts, probe, qa, tokens, error
        case inPlan, planRequestIdentity, requestIdentity, budgetFloor
        case taskID = "taskId", clipPath, posterPath, lastFramePath, sheetPath, qaPassed, estimatedTokens
        case startedAt, finishedAt
    }
}

/// One create call of a shot.
public struct AttemptRecord: Sendable, Hashable, Codable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "attempt"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    /// Row id.
    public var id: Int64?
    /// The shot.
    public var shotID: String
    /// 1 for the first create of the shot, then 2, 3, ...
    public var number: Int
    /// Why this attempt was made (`first`, `regenerate: QA failed: ...`, `plan changed`).
    public var reason: String
    /// What happened.
    public var state: AttemptState
    /// The task id, once known.
    public var taskID: String?
    /// The seed sent with this create: unique per attempt unless the plan fixes a seed, and echoed in the task
    /// object, it helps reconciliation recognise the task among the listed ones.
    public var markerSeed: Int64
    /// The shot's identity when the attempt was made (a later change of the shot supersedes it).
    public var identity: String = ""
    /// The fields the task object echoes, as sent (`EchoedFields`, JSON): what reconciliation matches on.
    public var echo: String = ""
    /// Where its clip was kept, once downloaded (`attempts/<shot>-<n>.mp4`).
    public var clipPath: String?
    /// When the create was sent (Unix seconds).
    public var submittedAt: Double
    /// When the task reached a final state.
    public var finishedAt: Double?
    /// Tokens billed for it.
    public var tokens: Int?
    /// Why it failed.
    public var error: String?

    /// Makes an attempt.
    public init(shotID: String, number: Int, reason: String, state: AttemptState, markerSeed: Int64,
                submittedAt: Double, identity: String = "", echo: String = "") {
        self.shotID = shotID
        self.number = number
        self.reason = reason
        self.state = state
        self.markerSeed = markerSeed
        self.submittedAt = submittedAt
        self.identity = identity
        self.echo = echo
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Whether the attempt was made for the shot as it is now (not superseded by a change of the shot). An attempt of
    /// the first release recorded no identity: it is taken as the shot's, so a run resumed across the upgrade never
    /// makes a shot it already paid for again.
    public func isFor(_ shot: ShotRecord) -> Bool { identity.isEmpty || identity == shot.identity }

    enum CodingKeys: String, CodingKey {
        case id, number, reason, state, tokens, error, identity, echo, clipPath
        case shotID = "shotId", taskID = "taskId", markerSeed, submittedAt, finishedAt
    }
}

/// A change of a shot's state, with when and why.
public struct EventRecord: Sendable, Hashable, Codable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "event"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    /// Row id.
    public var id: Int64?
    /// The shot.
    public var shotID: String
    /// When (Unix seconds).
    public var at: Double
    /// The state entered.
    public var state: String
    /// Why, in words.
    public var detail: String?

    /// Makes an event stamped now.
    public init(shotID: String, state: String, detail: String?) {
        self.shotID = shotID
        self.at = Date().timeIntervalSince1970
        self.state = state
        self.detail = detail
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    enum CodingKeys: String, CodingKey {
        case id, at, state, detail
        case shotID = "shotId"
    }
}

/// A change made to a shot after the plan (`seedance regenerate`, review): applied on top of the plan while the
/// plan's own request for the shot stays what it was when the override was made (`base`); a plan edit to the shot
/// replaces it.
public struct ShotOverride: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "shot_override"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    /// The shot.
    public var shotID: String
    /// The plan request identity the override was made over.
    public var base: String
    /// A new prompt.
    public var prompt: String?
    /// A new seed.
    public var seed: Int64?
    /// How many times the shot was asked to be made again as it is (each take is a new clip).
    public var take: Int = 0
    /// Approved as it is (review).
    public var approved: Bool?
    /// Left out of the join (it is still made: a chained shot may start from it).
    public var dropped: Bool = false
    /// Why, in words.
    public var reason: String?
    /// When it was last changed (Unix seconds).
    public var updatedAt: Double

    /// Makes an override of `shotID` over the plan request `base`.
    public init(shotID: String, base: String, prompt: String? = nil, seed: Int64? = nil, take: Int = 0,
                approved: Bool? = nil, dropped: Bool = false, reason: String? = nil,
                updatedAt: Double = Date().timeIntervalSince1970) {
        self.shotID = shotID
        self.base = base
        self.prompt = prompt
        self.seed = seed
        self.take = take
        self.approved = approved
        self.dropped = dropped
        self.reason = reason
        self.updatedAt = updatedAt
    }

    /// Whether it changes what is generated (not only the edit).
    public var changesGeneration: Bool { prompt != nil || seed != nil || take > 0 }

    enum CodingKeys: String, CodingKey {
        case shotID = "shotId", base, prompt, seed, take, approved, dropped, reason, updatedAt
    }
}
