import Foundation
import GRDB

/// The job store in one SQLite file (`DIR/state.sqlite`), through GRDB: written in transactions in WAL mode, so a
/// run killed at any instant (SIGKILL included) finds a consistent store when resumed. Never holds the API key.
public final class SQLiteJobStore: JobStore {
    private let queue: DatabaseQueue
    private let calls = CallCounter()
    /// The database file.
    public let path: String

    /// Opens (creating and migrating as needed) the store at `path`; `readOnly` opens an existing store only to look
    /// (a report, a watcher), never migrating it, so it cannot race the run that owns the file. A damaged file is a
    /// `StoreError` that names it and says how to recover.
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.readonly = readOnly
        if !readOnly {
            configuration.prepareDatabase { db in
                // WAL: a commit is one append, readers do not block the writer; NORMAL loses nothing on a process
                // kill (only on a power cut, and then never consistency).
                try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
            }
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            if readOnly {
                let ready = try queue.read { db in try db.tableExists("event") }
                guard ready else { throw StoreError(reason: "\(path): not a seedance run state (yet)") }
            } else {
                try Self.migrator.migrate(queue)
            }
        } catch let error as DatabaseError {
            throw Self.storeError(error, path: path)
        }
    }

    /// A database error as one line naming the file; a damaged file says how to recover what can be read.
    static func storeError(_ error: DatabaseError, path: String) -> StoreError {
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            let folder = (path as NSString).deletingLastPathComponent
            return StoreError(reason: "\(path) is damaged (\(error.resultCode == .SQLITE_NOTADB ? "not a database" : "corrupt")); "
                + "the clips in \(folder) are intact. Keep the file, recover what SQLite can read with "
                + "`sqlite3 \(path) .recover | sqlite3 \(folder)/state-recovered.sqlite`, move that into place as "
                + "state.sqlite and resume, or run the plan into a new folder")
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
            return StoreError(reason: "\(path): cannot open the run's state for writing (\(error.message ?? "\(error.resultCode)"))")
        case .SQLITE_FULL:
            return StoreError(reason: "\(path): the disk is full; free space and resume the run")
        default:
            return StoreError(reason: "\(path): \(error.message ?? "SQLite error \(error.resultCode.rawValue)")")
        }
    }

    public var callCount: Int { calls.value }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        calls.add()
        do { return try await queue.read(body) } catch let error as DatabaseError {
            throw Self.storeError(error, path: path)
        }
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        calls.add()
        do { return try await queue.write(body) } catch let error as DatabaseError {
            throw Self.storeError(error, path: path)
        }
    }

    // MARK: run metadata

    public func setMeta(_ key: String, _ value: String) async throws {
        try await write { db in try Self.setMeta(db, key, value) }
    }

    static func setMeta(_ db: Database, _ key: String, _ value: String) throws {
        try db.execute(sql: "INSERT INTO run_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       arguments: [key, value])
    }

    public func meta(_ key: String) async throws -> String? {
        try await read { db in try String.fetchOne(db, sql: "SELECT value FROM run_meta WHERE key = ?", arguments: [key]) }
    }

    // MARK: shots and requests

    public func shots() async throws -> [ShotRecord] {
        try await read { db in try ShotRecord.order(Column("position"), Column("id")).fetchAll(db) }
    }

    public func shot(_ id: String) async throws -> ShotRecord? {
        try await read { db in try ShotRecord.fetchOne(db, key: id) }
    }

    public func requestBody(identity: String) async throws -> String? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT body FROM request WHERE identity = ?", arguments: [identity])
        }
    }

    public func apply(_ changes: PlanChanges) async throws {
        try await write { db in
            for (identity, body) in changes.requests {
                try db.execute(sql: "INSERT INTO request(identity, body) VALUES (?, ?) ON CONFLICT(identity) DO NOTHING",
                               arguments: [identity, body])
            }
            for shot in changes.newShots {
                try shot.insert(db)
                try Self.log(db, shotID: shot.id, state: shot.state, detail: "planned")
            }
            for (id, place) in changes.placement {
                try db.execute(sql: "UPDATE shot SET position = ?, estimated_tokens = ?, in_plan = 1 WHERE id = ?",
                               arguments: [place.position, place.estimatedTokens, id])
            }
            for id in changes.removed {
                try db.execute(sql: "UPDATE shot SET in_plan = 0, position = position + 1000000 WHERE id = ?", arguments: [id])
                try Self.log(db, shotID: id, state: try Self.state(db, id), detail: "left the plan: out of the edit, its clips kept")
            }
            for override in changes.savedOverrides { try override.save(db) }
            for (id, transition) in changes.transitions {
                _ = try Self.transition(db, id, transition)
            }
            for id in changes.deletedOverrides {
                try db.execute(sql: "DELETE FROM shot_override WHERE shot_id = ?", arguments: [id])
            }
            for (key, value) in changes.meta { try Self.setMeta(db, key, value) }
        }
    }

    // MARK: attempts and transitions

    public func beginAttempt(shotID: String, reason: String, markerSeed: Int64, echo: String) async throws
        -> (attempt: AttemptRecord, shot: ShotRecord) {
        try await write { db in
            guard var shot = try ShotRecord.fetchOne(db, key: shotID) else {
                throw StoreError(reason: "no shot \(shotID) in the run")
            }
            guard shot.state == .pending else {
                throw TransitionError(shotID: shotID, from: shot.state, transition: "send a create")
            }
            let number = (try Int.fetchOne(db, sql: "SELECT MAX(number) FROM attempt WHERE shot_id = ?",
                                           arguments: [shotID]) ?? 0) + 1
            var attempt = AttemptRecord(shotID: shotID, number: number, reason: reason, state: .creating,
                                        markerSeed: markerSeed, submittedAt: Date().timeIntervalSince1970,
                                        identity: shot.identity, echo: echo)
            try attempt.insert(db)
            shot.attempts = number
            shot.state = .creating
            shot.taskID = nil
            try shot.update(db)
            try Self.log(db, shotID: shotID, state: .creating, detail: "attempt \(number): \(reason)")
            return (attempt, shot)
        }
    }

    @discardableResult
    public func transition(_ shotID: String, _ transition: ShotTransition) async throws -> ShotRecord {
        try await write { db in try Self.transition(db, shotID, transition) }
    }

    public func transitionAll(_ changes: [(shotID: String, transition: ShotTransition)]) async throws
        -> [Result<ShotRecord, any Error>] {
        try await write { db in
            changes.map { change in
                // A refused transition (`TransitionError`) changes nothing; the others still apply.
                Result { try Self.transition(db, change.shotID, change.transition) }
            }
        }
    }

    static func transition(_ db: Database, _ shotID: String, _ transition: ShotTransition) throws -> ShotRecord {
        guard let shot = try ShotRecord.fetchOne(db, key: shotID) else {
            throw StoreError(reason: "no shot \(shotID) in the run")
        }
        let attempt = try ShotMachine.attemptNumber(of: transition).flatMap {
            try AttemptRecord.filter(Column("shot_id") == shotID && Column("number") == $0).fetchOne(db)
        }
        // A task belongs to one attempt: recorded on a second, it would be downloaded, billed and counted twice.
        if case let .created(number, taskID, _) = transition,
           let holder = try AttemptRecord.filter(Column("task_id") == taskID).fetchOne(db),
           holder.shotID != shotID || holder.number != number {
            throw ShotMachine.taskAlreadyRecorded(taskID, shot: shot, holder: holder)
        }
        let result = try ShotMachine.apply(transition, to: shot, attempt: attempt)
        if result.shot != shot { try result.shot.update(db) }
        if result.deleteAttempt, let attempt {
            try attempt.delete(db)
        } else if let changed = result.attempt, changed != attempt {
            try changed.update(db)
        }
        if result.shot.state != shot.state || result.detail != nil {
            try log(db, shotID: shotID, state: result.shot.state, detail: result.detail)
        }
        return result.shot
    }

    public func attempts(shotID: String) async throws -> [AttemptRecord] {
        try await read { db in
            try AttemptRecord.filter(Column("shot_id") == shotID).order(Column("number")).fetchAll(db)
        }
    }

    public func attempts(shotIDs: [String]) async throws -> [String: [AttemptRecord]] {
        try await read { db in
            Dictionary(grouping: try AttemptRecord.filter(shotIDs.contains(Column("shot_id")))
                .order(Column("shot_id"), Column("number")).fetchAll(db), by: \.shotID)
        }
    }

    public func allAttempts() async throws -> [AttemptRecord] {
        try await read { db in try AttemptRecord.order(Column("shot_id"), Column("number")).fetchAll(db) }
    }

    public func unsettledAttempts() async throws -> [AttemptRecord] {
        try await read { db in
            try AttemptRecord.filter([AttemptState.creating.rawValue, AttemptState.unknown.rawValue].contains(Column("state")))
                .order(Column("submitted_at")).fetchAll(db)
        }
    }

    public func recordedTaskIDs() async throws -> Set<String> {
        try await read { db in
            Set(try String.fetchAll(db, sql: "SELECT task_id FROM attempt WHERE task_id IS NOT NULL"))
        }
    }

    public func events(shotID: String) async throws -> [EventRecord] {
        try await read { db in
            try EventRecord.filter(Column("shot_id") == shotID).order(Column("id")).fetchAll(db)
        }
    }

    public func allEvents() async throws -> [String: [EventRecord]] {
        try await read { db in
            Dictionary(grouping: try EventRecord.order(Column("id")).fetchAll(db), by: \.shotID)
        }
    }

    // MARK: overrides

    public func overrides() async throws -> [ShotOverride] {
        try await read { db in try ShotOverride.fetchAll(db) }
    }

    public func saveOverride(_ override: ShotOverride) async throws {
        try await write { db in try override.save(db) }
    }

    // MARK: helpers

    static func state(_ db: Database, _ id: String) throws -> ShotState {
        try String.fetchOne(db, sql: "SELECT state FROM shot WHERE id = ?", arguments: [id])
            .flatMap(ShotState.init(rawValue:)) ?? .pending
    }

    static func log(_ db: Database, shotID: String, state: ShotState, detail: String?) throws {
        var event = EventRecord(shotID: shotID, state: state.rawValue, detail: detail)
        try event.insert(db)
    }
}

/// A thread-safe count of store calls.
final class CallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
