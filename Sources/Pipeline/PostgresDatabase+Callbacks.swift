import Foundation
import PostgresNIO

/// Callbacks of shared runs in the database: each run's secret (made by the first worker that needs it, then the
/// same for all), the hints any worker's receiver records, and each runner's read of the hints since its last look.
extension PostgresDatabase {
    /// The run's callback secret, made now if the run has none.
    func callbackSecret(runID: String) async throws -> CallbackSecret {
        let fresh = CallbackSecret.random()
        try await query("""
            INSERT INTO run_callback (run_id, secret) VALUES (\(runID), \(fresh.value)) ON CONFLICT (run_id) DO NOTHING
            """)
        guard let secret = try await storedCallbackSecret(runID: runID) else {
            throw StoreError(reason: "\(url.redacted): run \(runID) is not registered")
        }
        return secret
    }

    /// The run's callback secret, if it has one.
    func storedCallbackSecret(runID: String) async throws -> CallbackSecret? {
        let rows = try await query("SELECT secret FROM run_callback WHERE run_id = \(runID)")
        return try rows.first.map { CallbackSecret(value: try $0.decode(String.self)) }
    }

    /// Records a hint for a task of the run: `.unknownTask` when no attempt of the run has that task, `.replayed`
    /// when the same task and status were recorded before, `.accepted` when it is new. One statement.
    func recordCallbackHint(runID: String, taskID: String, status: String) async throws -> CallbackVerdict {
        let rows = try await query("""
            WITH known AS (SELECT 1 FROM attempt WHERE run_id = \(runID) AND task_id = \(taskID) LIMIT 1),
                 added AS (INSERT INTO callback_hint (run_id, task_id, status, received_at)
                           SELECT \(runID), \(taskID), \(status), \(Date().timeIntervalSince1970) WHERE EXISTS (SELECT 1 FROM known)
                           ON CONFLICT (run_id, task_id, status) DO NOTHING RETURNING id)
            SELECT EXISTS (SELECT 1 FROM known), EXISTS (SELECT 1 FROM added)
            """)
        guard let (known, added) = try rows.first?.decode((Bool, Bool).self) else { return .unknownTask }
        return !known ? .unknownTask : added ? .accepted : .replayed
    }

    /// The run's hints recorded after hint `after` (0: all), oldest first.
    func callbackHints(runID: String, after: Int64) async throws -> [(id: Int64, taskID: String, status: String)] {
        let rows = try await query("""
            SELECT id, task_id, status FROM callback_hint WHERE run_id = \(runID) AND id > \(after) ORDER BY id
            """)
        return try rows.map { row in
            let (id, task, status) = try row.decode((Int64, String, String).self)
            return (id, task, status)
        }
    }
}

/// The callback sink of a worker (or of `seedance run --store postgres://...`): callbacks of any shared run reach
/// it at `URL/RUN/SECRET`; the run's secret is checked against the store (in constant time), the task must be one of
/// the run's attempts, and the hint goes into the store, where every worker of the run reads it. Counts are this
/// process's.
public actor SharedCallbackSink: CallbackSink {
    let database: PostgresDatabase
    private var secrets: [String: CallbackSecret] = [:]
    private var tally = CallbackCounts()

    /// A sink recording into `database`.
    public init(database: PostgresDatabase) { self.database = database }

    /// What this process's receiver was sent, by verdict.
    public var counts: CallbackCounts { tally }

    public func admit(_ segments: [Substring]) async -> String? {
        guard segments.count >= 2 else { return nil }
        let runID = String(segments[segments.count - 2])
        // Run ids are short names (RunName); anything else is not a run and is not looked up.
        guard RunName.isValid(runID) else { return nil }
        var secret = secrets[runID]
        if secret == nil {
            secret = try? await database.storedCallbackSecret(runID: runID)
            // Only known secrets are kept: a stranger guessing run ids grows nothing.
            if let secret { secrets[runID] = secret }
        }
        // A run without a secret is checked against a throwaway one, so the answer takes the same time.
        return (secret ?? .random()).matches(segments[segments.count - 1]) && secret != nil ? runID : nil
    }

    public func receive(run: String, taskID: String, status: String) async -> CallbackVerdict {
        let verdict: CallbackVerdict
        do {
            verdict = try await database.recordCallbackHint(runID: run, taskID: taskID, status: status)
        } catch {
            // The store is down: the safety poll covers the task; the callback counts as not taken.
            verdict = .unknownTask
        }
        tally.add(verdict)
        return verdict
    }

    public func refused(_ verdict: CallbackVerdict) { tally.add(verdict) }
}
