import Foundation
import GRDB

/// Where a shot is in the pipeline.
public enum ShotState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not submitted yet.
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
}

/// What happened to one create call.
public enum AttemptState: String, Sendable, Hashable, Codable {
    /// Recorded before sending; no answer recorded yet.
    case creating
    /// The service answered with a task id.
    case created
    /// The create may or may not have been accepted.
    case unknown
    /// The service refused it (validation, auth): nothing was created.
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
}

/// A shot as stored.
public struct ShotRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "shot"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    /// The shot id from the plan.
    public var id: String
    /// Position in the edit.
    public var position: Int
    /// The create body as JSON (data URLs of local images included; no credentials).
    public var request: String
    /// Where it is.
    public var state: ShotState
    /// The current attempt's task id.
    public var taskID: String?
    /// Create attempts so far.
    public var attempts: Int = 0
    /// The downloaded clip.
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
    public init(id: String, position: Int, request: String, state: ShotState = .pending, estimatedTokens: Int? = nil) {
        self.id = id
        self.position = position
        self.request = request
        self.state = state
        self.estimatedTokens = estimatedTokens
    }

    enum CodingKeys: String, CodingKey {
        case id, position, request, state, attempts, probe, qa, tokens, error
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
    /// Why this attempt was made (`first`, `qa failed: ...`, `output moderation`).
    public var reason: String
    /// What happened.
    public var state: AttemptState
    /// The task id, once known.
    public var taskID: String?
    /// The seed sent with this create: unique per attempt unless the plan fixes a seed, and echoed in the task
    /// object, it lets reconciliation recognise the task among the listed ones.
    public var markerSeed: Int64
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
                submittedAt: Double) {
        self.shotID = shotID
        self.number = number
        self.reason = reason
        self.state = state
        self.markerSeed = markerSeed
        self.submittedAt = submittedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    enum CodingKeys: String, CodingKey {
        case id, number, reason, state, tokens, error
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

    /// Inserts an event stamped now.
    static func log(_ db: Database, shotID: String, state: String, detail: String?) throws {
        var event = EventRecord(shotID: shotID, state: state, detail: detail)
        try event.insert(db)
    }

    enum CodingKeys: String, CodingKey {
        case id, at, state, detail
        case shotID = "shotId"
    }
}
