import Foundation
import GRDB

/// The state of a run, in `DIR/state.sqlite`: every shot, every create attempt (recorded before the remote call and
/// after it), and each shot's status history. Written in transactions, so a run killed at any instant (SIGKILL
/// included) finds a consistent store when resumed. Never holds the API key.
public final class JobStore: Sendable {
    private let queue: DatabaseQueue
    /// The database file.
    public let path: String

    /// Opens (creating and migrating as needed) the store at `path`; `readOnly` opens an existing store only to look
    /// (a report, a watcher), never migrating it, so it cannot race the run that owns the file.
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.readonly = readOnly
        queue = try DatabaseQueue(path: path, configuration: configuration)
        if readOnly {
            let ready = try queue.read { db in try db.tableExists("event") }
            guard ready else { throw StoreError(reason: "\(path): not a seedance run state (yet)") }
        } else {
            try JobStore.migrator.migrate(queue)
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "run_meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.create(table: "shot") { t in
                t.primaryKey("id", .text)
                t.column("position", .integer).notNull()
                t.column("request", .text).notNull()
                t.column("state", .text).notNull()
                t.column("task_id", .text)
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("clip_path", .text)
                t.column("poster_path", .text)
                t.column("last_frame_path", .text)
                t.column("sheet_path", .text)
                t.column("probe", .text)
                t.column("qa", .text)
                t.column("qa_passed", .boolean)
                t.column("estimated_tokens", .integer)
                t.column("tokens", .integer)
                t.column("error", .text)
                t.column("started_at", .double)
                t.column("finished_at", .double)
            }
            try db.create(table: "attempt") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("shot_id", .text).notNull().references("shot", onDelete: .cascade)
                t.column("number", .integer).notNull()
                t.column("reason", .text).notNull()
                t.column("state", .text).notNull()
                t.column("task_id", .text)
                t.column("marker_seed", .integer).notNull()
                t.column("submitted_at", .double).notNull()
                t.column("finished_at", .double)
                t.column("tokens", .integer)
                t.column("error", .text)
                t.uniqueKey(["shot_id", "number"])
            }
            try db.create(table: "event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("shot_id", .text).notNull().references("shot", onDelete: .cascade)
                t.column("at", .double).notNull()
                t.column("state", .text).notNull()
                t.column("detail", .text)
            }
        }
        return migrator
    }

    // MARK: run metadata

    /// Stores a run-level value (plan path, base URL without credentials, settings).
    public func setMeta(_ key: String, _ value: String) throws {
        try queue.write { db in
            try db.execute(sql: "INSERT INTO run_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [key, value])
        }
    }

    /// A run-level value.
    public func meta(_ key: String) throws -> String? {
        try queue.read { db in try String.fetchOne(db, sql: "SELECT value FROM run_meta WHERE key = ?", arguments: [key]) }
    }

    // MARK: shots

    /// Adds a shot if it is not there yet (resuming keeps what was recorded).
    public func addShot(_ shot: ShotRecord) throws {
        try queue.write { db in
            if try ShotRecord.fetchOne(db, key: shot.id) == nil {
                try shot.insert(db)
                try EventRecord.log(db, shotID: shot.id, state: shot.state.rawValue, detail: "planned")
            }
        }
    }

    /// Every shot, in plan order.
    public func shots() throws -> [ShotRecord] {
        try queue.read { db in try ShotRecord.order(Column("position")).fetchAll(db) }
    }

    /// One shot.
    public func shot(_ id: String) throws -> ShotRecord? {
        try queue.read { db in try ShotRecord.fetchOne(db, key: id) }
    }

    /// Changes a shot in one transaction; a change of state is also written to its history.
    @discardableResult
    public func updateShot(_ id: String, detail: String? = nil, _ change: (inout ShotRecord) -> Void) throws -> ShotRecord {
        try queue.write { db in
            guard var shot = try ShotRecord.fetchOne(db, key: id) else {
                throw StoreError(reason: "no shot \(id) in \(path)")
            }
            let before = shot.state
            change(&shot)
            try shot.update(db)
            if shot.state != before || detail != nil {
                try EventRecord.log(db, shotID: id, state: shot.state.rawValue, detail: detail)
            }
            return shot
        }
    }

    // MARK: attempts

    /// Records a create about to be sent (state `creating`), in the same transaction as the shot's state change.
    /// If the process dies before `attemptCreated`, resume finds this row and reconciles it through the list call.
    public func beginAttempt(shotID: String, reason: String, markerSeed: Int64) throws -> AttemptRecord {
        try queue.write { db in
            let number = (try Int.fetchOne(db, sql: "SELECT MAX(number) FROM attempt WHERE shot_id = ?",
                                           arguments: [shotID]) ?? 0) + 1
            var attempt = AttemptRecord(shotID: shotID, number: number, reason: reason, state: .creating,
                                        markerSeed: markerSeed, submittedAt: Date().timeIntervalSince1970)
            try attempt.insert(db)
            try db.execute(sql: "UPDATE shot SET attempts = ?, state = ?, task_id = NULL WHERE id = ?",
                           arguments: [number, ShotState.creating.rawValue, shotID])
            try EventRecord.log(db, shotID: shotID, state: ShotState.creating.rawValue, detail: "attempt \(number): \(reason)")
            return attempt
        }
    }

    /// Changes an attempt (and optionally its shot) in one transaction.
    public func updateAttempt(_ attempt: AttemptRecord, shot change: ((inout ShotRecord) -> Void)? = nil,
                              detail: String? = nil) throws {
        try queue.write { db in
            try attempt.update(db)
            guard let change, var shot = try ShotRecord.fetchOne(db, key: attempt.shotID) else { return }
            let before = shot.state
            change(&shot)
            try shot.update(db)
            if shot.state != before || detail != nil {
                try EventRecord.log(db, shotID: shot.id, state: shot.state.rawValue, detail: detail)
            }
        }
    }

    /// A shot's attempts, oldest first.
    public func attempts(shotID: String) throws -> [AttemptRecord] {
        try queue.read { db in
            try AttemptRecord.filter(Column("shot_id") == shotID).order(Column("number")).fetchAll(db)
        }
    }

    /// Every attempt of the run.
    public func allAttempts() throws -> [AttemptRecord] {
        try queue.read { db in try AttemptRecord.order(Column("shot_id"), Column("number")).fetchAll(db) }
    }

    /// A shot's status history, oldest first.
    public func events(shotID: String) throws -> [EventRecord] {
        try queue.read { db in
            try EventRecord.filter(Column("shot_id") == shotID).order(Column("id")).fetchAll(db)
        }
    }
}

/// A store that cannot do what was asked.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var reason: String
    public var description: String { reason }
}
