import Foundation

/// The durable state of a run: shots, create attempts, their history, overrides and run-level values. Every shot
/// state change goes through `transition(_:_:)`, which applies `ShotMachine` in one transaction; the runner's parts
/// ask for transitions, they never write rows. `SQLiteJobStore` is the embedded implementation; a server database
/// can implement the same protocol without touching the runner.
public protocol JobStore: Sendable {
    /// A run-level value (plan, plan file, final video record, join order).
    func meta(_ key: String) async throws -> String?
    /// Stores a run-level value.
    func setMeta(_ key: String, _ value: String) async throws
    /// Every shot, in plan order (light: no request bodies).
    func shots() async throws -> [ShotRecord]
    /// One shot.
    func shot(_ id: String) async throws -> ShotRecord?
    /// The create body recorded under a request identity.
    func requestBody(identity: String) async throws -> String?
    /// A shot's attempts, oldest first.
    func attempts(shotID: String) async throws -> [AttemptRecord]
    /// The attempts of several shots, oldest first, by shot (one read for a poll round's finished tasks).
    func attempts(shotIDs: [String]) async throws -> [String: [AttemptRecord]]
    /// Every attempt of the run.
    func allAttempts() async throws -> [AttemptRecord]
    /// Attempts whose create may have made a task nobody recorded (`creating`, `unknown`).
    func unsettledAttempts() async throws -> [AttemptRecord]
    /// Every task id the run has recorded (a task is assigned to one attempt only).
    func recordedTaskIDs() async throws -> Set<String>
    /// A shot's history, oldest first.
    func events(shotID: String) async throws -> [EventRecord]
    /// Every shot's history, oldest first, by shot (one read for a report).
    func allEvents() async throws -> [String: [EventRecord]]
    /// The overrides on top of the plan.
    func overrides() async throws -> [ShotOverride]
    /// Records (or replaces) a shot's override.
    func saveOverride(_ override: ShotOverride) async throws
    /// Writes a plan's changes (new shots, request bodies, resets, removals, positions) in one transaction.
    func apply(_ changes: PlanChanges) async throws
    /// Records a create about to be sent (attempt `creating`, shot `creating`) in one transaction, before the call:
    /// if the process dies before the answer is recorded, the next run reconciles it through the list call.
    func beginAttempt(shotID: String, reason: String, markerSeed: Int64, echo: String) async throws
        -> (attempt: AttemptRecord, shot: ShotRecord)
    /// Applies one transition of the shot state machine (and its attempt) in one transaction; returns the shot.
    @discardableResult
    func transition(_ shotID: String, _ transition: ShotTransition) async throws -> ShotRecord
    /// Applies several transitions in one transaction, in order (a poll round's status changes); each result is
    /// the shot after its transition, or the error that transition met (the others are applied regardless).
    func transitionAll(_ changes: [(shotID: String, transition: ShotTransition)]) async throws
        -> [Result<ShotRecord, any Error>]
    /// Calls made so far (reads and writes), for measuring the runner's cost per shot.
    var callCount: Int { get }
}

/// What a plan (or an override) changes in a run, written at once by `JobStore.apply`.
public struct PlanChanges: Sendable {
    /// Request bodies by identity (inserted when new).
    public var requests: [String: String] = [:]
    /// Shots new to the run.
    public var newShots: [ShotRecord] = []
    /// Transitions of existing shots (resets and new identities), in order.
    public var transitions: [(shotID: String, transition: ShotTransition)] = []
    /// Position and place in the plan of every shot the plan names.
    public var placement: [String: (position: Int, estimatedTokens: Int?)] = [:]
    /// Shots that left the plan (kept, out of the edit).
    public var removed: [String] = []
    /// Overrides a plan edit replaced.
    public var deletedOverrides: [String] = []
    /// Overrides made now (`regenerate`, review), saved with the rest.
    public var savedOverrides: [ShotOverride] = []
    /// Run-level values.
    public var meta: [String: String] = [:]

    /// No changes.
    public init() {}
}

/// A store that cannot do what was asked: says which file and what to do.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var reason: String
    /// Makes an error.
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}
