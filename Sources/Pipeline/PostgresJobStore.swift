import Foundation
import Logging
import PostgresNIO

/// The job store of one run in a PostgreSQL database that holds many (`PostgresDatabase`), for several workers on
/// several machines. Same records, transitions and transactions as `SQLiteJobStore`; in addition every create is
/// admitted by the account's limits held in the database (creates per window, tasks in flight, the run's token
/// budget), and, when the store acts for a worker (`owner`), a shot is written only under that worker's lease.
public final class PostgresJobStore: JobStore {
    /// The database.
    public let database: PostgresDatabase
    /// The run.
    public let runID: String
    /// The worker whose leases fence this store's writes (nil: a command working on the run as a whole, such as a
    /// plan being applied or a report).
    public let owner: String?

    /// The store of run `runID` in `database`, writing for `owner`.
    public init(database: PostgresDatabase, runID: String, owner: String? = nil) {
        self.database = database
        self.runID = runID
        self.owner = owner
    }

    public var callCount: Int { database.callCount }

    var logger: Logger { database.logger }

    // MARK: JSON of the records (the database turns rows to JSON and back, so columns are named once)

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// For types whose coding keys are already snake_case.
    static let plainDecoder = JSONDecoder()

    /// Rows of one JSON text column as records (`snakeCase` false: the type's keys are already the column names).
    static func decode<T: Decodable>(_ type: T.Type, _ rows: [PostgresRow], snakeCase: Bool = true) throws -> [T] {
        let decoder = snakeCase ? decoder : plainDecoder
        return try rows.map { try decoder.decode(T.self, from: Data(try $0.decode(String.self).utf8)) }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ rows: PostgresRowSequence) async throws -> [T] {
        var result: [T] = []
        for try await text in rows.decode(String.self) { result.append(try decoder.decode(T.self, from: Data(text.utf8))) }
        return result
    }

    /// The columns of `shot` a record writes (lease columns are the queue's).
    static let shotColumns = "position, state, task_id, attempts, clip_path, poster_path, last_frame_path, sheet_path, "
        + "probe, qa, qa_passed, estimated_tokens, tokens, error, started_at, finished_at, in_plan, chained, "
        + "plan_request_identity, request_identity, identity, budget_floor"
    /// The columns of `attempt` a record writes.
    static let attemptColumns = "shot_id, number, reason, state, task_id, marker_seed, submitted_at, finished_at, "
        + "tokens, error, identity, echo, clip_path"
    /// The columns of `shot_override`.
    static let overrideColumns = "shot_id, base, prompt, seed, take, approved, dropped, reason, updated_at"

    // MARK: run metadata

    public func meta(_ key: String) async throws -> String? {
        let rows = try await database.query("SELECT value FROM run_meta WHERE run_id = \(runID) AND key = \(key)")
        return try rows.first?.decode(String.self)
    }

    public func setMeta(_ key: String, _ value: String) async throws {
        try await database.query(Self.setMetaQuery(runID, key, value))
    }

    static func setMetaQuery(_ runID: String, _ key: String, _ value: String) -> PostgresQuery {
        "INSERT INTO run_meta (run_id, key, value) VALUES (\(runID), \(key), \(value)) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value"
    }

    // MARK: shots and requests

    public func shots() async throws -> [ShotRecord] {
        try Self.decode(ShotRecord.self, try await database.query(
            "SELECT row_to_json(s)::text FROM shot s WHERE run_id = \(runID) ORDER BY position, id"))
    }

    public func shot(_ id: String) async throws -> ShotRecord? {
        try Self.decode(ShotRecord.self, try await database.query(
            "SELECT row_to_json(s)::text FROM shot s WHERE run_id = \(runID) AND id = \(id)")).first
    }

    public func requestBody(identity: String) async throws -> String? {
        let rows = try await database.query("SELECT body FROM request WHERE run_id = \(runID) AND identity = \(identity)")
        return try rows.first?.decode(String.self)
    }

    public func apply(_ changes: PlanChanges) async throws {
        let runID = self.runID, owner = self.owner, logger = self.logger
        try await database.transaction { db in
            for (identity, body) in changes.requests {
                try await db.query("INSERT INTO request (run_id, identity, body) VALUES (\(runID), \(identity), \(body)) ON CONFLICT DO NOTHING", logger: logger)
            }
            for shot in changes.newShots {
                try await Self.insert(db, shot, runID: runID, logger: logger)
                try await Self.log(db, runID: runID, shotID: shot.id, state: shot.state, detail: "planned", logger: logger)
            }
            for (id, place) in changes.placement {
                try await db.query("UPDATE shot SET position = \(place.position), estimated_tokens = \(place.estimatedTokens), in_plan = true WHERE run_id = \(runID) AND id = \(id)", logger: logger)
            }
            for id in changes.removed {
                try await db.query("UPDATE shot SET in_plan = false, position = position + 1000000 WHERE run_id = \(runID) AND id = \(id)", logger: logger)
                let state = try await Self.lockedShot(db, runID: runID, id: id, logger: logger)?.shot.state ?? .pending
                try await Self.log(db, runID: runID, shotID: id, state: state,
                                   detail: "left the plan: out of the edit, its clips kept", logger: logger)
            }
            for override in changes.savedOverrides { try await Self.save(db, override, runID: runID, logger: logger) }
            for (id, transition) in changes.transitions {
                _ = try await Self.transition(db, runID: runID, owner: owner, id, transition, logger: logger)
            }
            for id in changes.deletedOverrides {
                try await db.query("DELETE FROM shot_override WHERE run_id = \(runID) AND shot_id = \(id)", logger: logger)
            }
            for (key, value) in changes.meta { try await db.query(Self.setMetaQuery(runID, key, value), logger: logger) }
        }
    }

    // MARK: attempts and transitions

    public func beginAttempt(shotID: String, reason: String, markerSeed: Int64, echo: String) async throws
        -> (attempt: AttemptRecord, shot: ShotRecord) {
        let runID = self.runID, owner = self.owner, logger = self.logger
        return try await database.transaction { db in
            guard let (found, lease) = try await Self.lockedShot(db, runID: runID, id: shotID, logger: logger) else {
                throw StoreError(reason: "no shot \(shotID) in run \(runID)")
            }
            var shot = found
            // A create spends money: only the worker holding the shot's lease sends it.
            if let owner, lease.owner != owner || !lease.valid { throw LeaseLost(runID: runID, shotID: shotID) }
            guard shot.state == .pending else {
                throw TransitionError(shotID: shotID, from: shot.state, transition: "send a create")
            }
            try await Self.admitCreate(db, runID: runID, estimatedTokens: shot.estimatedTokens ?? 0, logger: logger)
            var number = 1
            for try await max in try await db.query("SELECT max(number) FROM attempt WHERE run_id = \(runID) AND shot_id = \(shotID)", logger: logger).decode(Int?.self) {
                number = (max ?? 0) + 1
            }
            var attempt = AttemptRecord(shotID: shotID, number: number, reason: reason, state: .creating,
                                        markerSeed: markerSeed, submittedAt: Date().timeIntervalSince1970,
                                        identity: shot.identity, echo: echo)
            let json = try Self.json(attempt)
            for try await id in try await db.query("""
                INSERT INTO attempt (run_id, \(unescaped: Self.attemptColumns))
                SELECT \(runID), \(unescaped: Self.attemptColumns) FROM jsonb_populate_record(NULL::attempt, \(json)::jsonb) RETURNING id
                """, logger: logger).decode(Int64.self) {
                attempt.id = id
            }
            shot.attempts = number
            shot.state = .creating
            shot.taskID = nil
            try await Self.update(db, shot, runID: runID, clearLease: false, logger: logger)
            try await Self.log(db, runID: runID, shotID: shotID, state: .creating, detail: "attempt \(number): \(reason)",
                               logger: logger)
            return (attempt, shot)
        }
    }

    @discardableResult
    public func transition(_ shotID: String, _ transition: ShotTransition) async throws -> ShotRecord {
        let runID = self.runID, owner = self.owner, logger = self.logger
        return try await database.transaction { db in
            try await Self.transition(db, runID: runID, owner: owner, shotID, transition, logger: logger)
        }
    }

    public func transitionAll(_ changes: [(shotID: String, transition: ShotTransition)]) async throws
        -> [Result<ShotRecord, any Error>] {
        guard !changes.isEmpty else { return [] }
        let runID = self.runID, owner = self.owner, logger = self.logger
        return try await database.transaction { db in
            var results: [Result<ShotRecord, any Error>] = []
            for change in changes {
                do {
                    results.append(.success(try await Self.transition(db, runID: runID, owner: owner, change.shotID,
                                                                      change.transition, logger: logger)))
                } catch let error as LeaseLost {
                    results.append(.failure(error))
                } catch let error as TransitionError {
                    results.append(.failure(error))
                }
            }
            return results
        }
    }

    static func transition(_ db: PostgresConnection, runID: String, owner: String?, _ shotID: String,
                           _ transition: ShotTransition, logger: Logger) async throws -> ShotRecord {
        guard let (shot, lease) = try await lockedShot(db, runID: runID, id: shotID, logger: logger) else {
            throw StoreError(reason: "no shot \(shotID) in run \(runID)")
        }
        // Another worker holds the shot now (this one's lease ran out and was taken over): its view wins.
        if let owner, let holder = lease.owner, holder != owner, lease.valid {
            throw LeaseLost(runID: runID, shotID: shotID)
        }
        var attempt: AttemptRecord?
        if let number = ShotMachine.attemptNumber(of: transition) {
            attempt = try await decode(AttemptRecord.self, try await db.query(
                "SELECT row_to_json(a)::text FROM attempt a WHERE run_id = \(runID) AND shot_id = \(shotID) AND number = \(number)",
                logger: logger)).first
        }
        // A task belongs to one attempt: recorded on a second, it would be downloaded, billed and counted twice.
        if case let .created(number, taskID, _) = transition,
           let holder = try await decode(AttemptRecord.self, try await db.query(
               "SELECT row_to_json(a)::text FROM attempt a WHERE run_id = \(runID) AND task_id = \(taskID) LIMIT 1",
               logger: logger)).first,
           holder.shotID != shotID || holder.number != number {
            throw ShotMachine.taskAlreadyRecorded(taskID, shot: shot, holder: holder)
        }
        let result = try ShotMachine.apply(transition, to: shot, attempt: attempt)
        let final = result.shot.state.isFinal
        if result.shot != shot || final {
            try await update(db, result.shot, runID: runID, clearLease: final, logger: logger)
        }
        if result.deleteAttempt, let id = attempt?.id {
            try await db.query("DELETE FROM attempt WHERE id = \(id)", logger: logger)
        } else if let changed = result.attempt, changed != attempt, let id = changed.id {
            let body = try json(changed)
            try await db.query("""
                UPDATE attempt SET (\(unescaped: attemptColumns)) = (SELECT \(unescaped: attemptColumns) FROM jsonb_populate_record(NULL::attempt, \(body)::jsonb))
                WHERE id = \(id)
                """, logger: logger)
        }
        if result.shot.state != shot.state || result.detail != nil {
            try await log(db, runID: runID, shotID: shotID, state: result.shot.state, detail: result.detail, logger: logger)
        }
        return result.shot
    }

    public func attempts(shotID: String) async throws -> [AttemptRecord] {
        try Self.decode(AttemptRecord.self, try await database.query(
            "SELECT row_to_json(a)::text FROM attempt a WHERE run_id = \(runID) AND shot_id = \(shotID) ORDER BY number"))
    }

    public func attempts(shotIDs: [String]) async throws -> [String: [AttemptRecord]] {
        guard !shotIDs.isEmpty else { return [:] }
        return Dictionary(grouping: try Self.decode(AttemptRecord.self, try await database.query("""
            SELECT row_to_json(a)::text FROM attempt a WHERE run_id = \(runID) AND shot_id = ANY(\(shotIDs))
            ORDER BY shot_id, number
            """)), by: \.shotID)
    }

    public func allAttempts() async throws -> [AttemptRecord] {
        try Self.decode(AttemptRecord.self, try await database.query(
            "SELECT row_to_json(a)::text FROM attempt a WHERE run_id = \(runID) ORDER BY shot_id, number"))
    }

    public func unsettledAttempts() async throws -> [AttemptRecord] {
        try Self.decode(AttemptRecord.self, try await database.query(
            "SELECT row_to_json(a)::text FROM attempt a WHERE run_id = \(runID) AND state IN ('creating', 'unknown') ORDER BY submitted_at"))
    }

    public func recordedTaskIDs() async throws -> Set<String> {
        // A task id is the account's: every run's count, so two runs never take the same task as theirs.
        let rows = try await database.query("SELECT task_id FROM attempt WHERE task_id IS NOT NULL")
        return Set(try rows.map { try $0.decode(String.self) })
    }

    public func events(shotID: String) async throws -> [EventRecord] {
        try Self.decode(EventRecord.self, try await database.query(
            "SELECT row_to_json(e)::text FROM event e WHERE run_id = \(runID) AND shot_id = \(shotID) ORDER BY id"))
    }

    public func allEvents() async throws -> [String: [EventRecord]] {
        Dictionary(grouping: try Self.decode(EventRecord.self, try await database.query(
            "SELECT row_to_json(e)::text FROM event e WHERE run_id = \(runID) ORDER BY id")), by: \.shotID)
    }

    // MARK: overrides

    public func overrides() async throws -> [ShotOverride] {
        try Self.decode(ShotOverride.self, try await database.query(
            "SELECT row_to_json(o)::text FROM shot_override o WHERE run_id = \(runID) ORDER BY shot_id"))
    }

    public func saveOverride(_ override: ShotOverride) async throws {
        let runID = self.runID, logger = self.logger
        try await database.transaction { db in try await Self.save(db, override, runID: runID, logger: logger) }
    }

    // MARK: row helpers


    /// A shot, locked for the transaction, with its lease.
    static func lockedShot(_ db: PostgresConnection, runID: String, id: String, logger: Logger) async throws
        -> (shot: ShotRecord, lease: Lease)? {
        let rows = try await db.query("""
            SELECT row_to_json(s)::text, lease_owner, coalesce(lease_until > now(), false)
            FROM shot s WHERE run_id = \(runID) AND id = \(id) FOR UPDATE
            """, logger: logger)
        for try await (text, owner, valid) in rows.decode((String, String?, Bool).self) {
            return (try decoder.decode(ShotRecord.self, from: Data(text.utf8)), Lease(owner: owner, valid: valid))
        }
        return nil
    }

    static func insert(_ db: PostgresConnection, _ shot: ShotRecord, runID: String, logger: Logger) async throws {
        let body = try json(shot)
        try await db.query("""
            INSERT INTO shot (run_id, id, \(unescaped: shotColumns))
            SELECT \(runID), id, \(unescaped: shotColumns) FROM jsonb_populate_record(NULL::shot, \(body)::jsonb)
            """, logger: logger)
    }

    static func update(_ db: PostgresConnection, _ shot: ShotRecord, runID: String, clearLease: Bool,
                       logger: Logger) async throws {
        let lease = clearLease ? ", lease_owner = NULL, lease_until = NULL" : ""
        let body = try json(shot)
        try await db.query("""
            UPDATE shot SET (\(unescaped: shotColumns)) = (SELECT \(unescaped: shotColumns) FROM jsonb_populate_record(NULL::shot, \(body)::jsonb))\(unescaped: lease)
            WHERE run_id = \(runID) AND id = \(shot.id)
            """, logger: logger)
    }

    static func save(_ db: PostgresConnection, _ override: ShotOverride, runID: String, logger: Logger) async throws {
        let body = try json(override)
        let excluded = overrideColumns.split(separator: ",").map { "excluded.\($0.trimmingCharacters(in: .whitespaces))" }
            .joined(separator: ", ")
        try await db.query("""
            INSERT INTO shot_override (run_id, \(unescaped: overrideColumns))
            SELECT \(runID), \(unescaped: overrideColumns) FROM jsonb_populate_record(NULL::shot_override, \(body)::jsonb)
            ON CONFLICT (run_id, shot_id) DO UPDATE SET (\(unescaped: overrideColumns)) = ROW(\(unescaped: excluded))
            """, logger: logger)
    }

    static func log(_ db: PostgresConnection, runID: String, shotID: String, state: ShotState, detail: String?,
                    logger: Logger) async throws {
        try await db.query("""
            INSERT INTO event (run_id, shot_id, at, state, detail)
            VALUES (\(runID), \(shotID), \(Date().timeIntervalSince1970), \(state.rawValue), \(detail))
            """, logger: logger)
    }
}

/// Who holds a shot, and whether that lease still runs.
struct Lease: Sendable {
    var owner: String?
    var valid: Bool
}

/// This worker's lease on a shot ran out and another worker holds it now: the write was not made, and the shot is
/// the other worker's from here on.
public struct LeaseLost: Error, Sendable, CustomStringConvertible {
    /// The run.
    public var runID: String
    /// The shot.
    public var shotID: String
    public var description: String { "run \(runID): shot \(shotID) is held by another worker now" }
}
