import Foundation
import Logging
import PostgresNIO

/// A create the account's limits do not admit now: nothing was recorded and nothing sent.
public struct CreateDeferred: Error, Sendable, CustomStringConvertible {
    /// Why, and for how long.
    public enum Reason: Sendable, Hashable {
        /// The account's creates per window are used up; the next may go after `retryAfter` seconds.
        case rate(retryAfter: Double)
        /// As many tasks are in flight as the account allows.
        case inFlight(limit: Int)
        /// The run's token budget would be passed.
        case budget(limit: Int, spent: Int)
    }
    /// Why.
    public var reason: Reason
    public var description: String {
        switch reason {
        case .rate(let after): return "the account's create rate is used up; next in \(String(format: "%.1f", after)) s"
        case .inFlight(let limit): return "the account has \(limit) tasks in flight, its limit"
        case .budget(let limit, let spent): return "the run's token budget is reached (\(spent) of \(limit) tokens)"
        }
    }
}

/// The account's limits, shared by every worker (`seedance limits`).
public struct AccountLimits: Sendable, Hashable, Codable {
    /// Creates allowed per window.
    public var createsPerWindow: Int
    /// The window in seconds (60: creates per minute).
    public var windowSeconds: Double
    /// Tasks queued or running at the service at once, over every run.
    public var maxInFlight: Int

    /// Limits of `createsPerWindow` creates per `windowSeconds`, and `maxInFlight` tasks at once.
    public init(createsPerWindow: Int, windowSeconds: Double, maxInFlight: Int) {
        self.createsPerWindow = createsPerWindow
        self.windowSeconds = windowSeconds
        self.maxInFlight = maxInFlight
    }

    enum CodingKeys: String, CodingKey {
        case createsPerWindow = "creates_per_window", windowSeconds = "window_seconds", maxInFlight = "max_in_flight"
    }
}

/// One registered run, as `seedance runs` lists it.
public struct StoredRun: Sendable, Hashable, Codable {
    /// The run's id.
    public var id: String
    /// Its folder on the storage workers share.
    public var folder: String
    /// `open` (being worked on), `finished`, or `stopped` (its budget reached; `resume` continues it).
    public var state: String
    /// When it was registered (Unix seconds).
    public var createdAt: Double
    /// The run's token budget, if any.
    public var budgetTokens: Int?
    /// Shots of the edit, and how many are done, failed, or active (being made).
    public var shots: Int
    public var done: Int
    public var failed: Int
    public var active: Int
    /// Tokens spent so far.
    public var tokens: Int

    enum CodingKeys: String, CodingKey {
        case id, folder, state, shots, done, failed, active, tokens
        case createdAt = "created_at", budgetTokens = "budget_tokens"
    }
}

extension PostgresJobStore {
    /// Admits one create under the account's limits and the run's budget, inside the create's transaction: the
    /// account row is locked, so creates of every worker are counted one at a time.
    ///
    /// The window is counted a quarter second longer than it is: a create reaches the service a moment after it is
    /// admitted, and the service counts from its arrival.
    static func admitCreate(_ db: PostgresConnection, runID: String, estimatedTokens: Int, logger: Logger) async throws {
        // The account row first: creates are admitted one at a time, and each counts by the clock as it is once it
        // holds the row (`now()` is when the transaction began, which may be long before a waiting one gets it).
        try await db.query("SELECT 1 FROM account WHERE id = 1 FOR UPDATE", logger: logger)
        let rows = try await db.query("""
            SELECT a.creates_per_window, a.window_seconds, a.max_in_flight,
                   (SELECT count(*) FROM create_log WHERE at > clock_timestamp() - (a.window_seconds + 0.25) * interval '1 second'),
                   (SELECT extract(epoch FROM min(at) + (a.window_seconds + 0.25) * interval '1 second' - clock_timestamp())::float8
                      FROM create_log WHERE at > clock_timestamp() - (a.window_seconds + 0.25) * interval '1 second'),
                   (SELECT count(*) FROM shot WHERE state IN ('creating', 'unknown', 'queued', 'running')),
                   r.budget_tokens,
                   ((SELECT coalesce(sum(tokens), 0) FROM attempt WHERE run_id = r.id)
                     + (SELECT coalesce(sum(estimated_tokens), 0) FROM shot
                          WHERE run_id = r.id AND state IN ('creating', 'unknown', 'queued', 'running', 'downloading')))::bigint
            FROM account a, run r WHERE a.id = 1 AND r.id = \(runID)
            """, logger: logger)
        for try await (perWindow, window, maxInFlight, recent, oldestEnds, inFlight, budget, spent)
            in rows.decode((Int, Double, Int, Int, Double?, Int, Int?, Int).self) {
            if recent >= perWindow { throw CreateDeferred(reason: .rate(retryAfter: max(0.01, oldestEnds ?? window))) }
            if inFlight >= maxInFlight { throw CreateDeferred(reason: .inFlight(limit: maxInFlight)) }
            if let budget, spent + estimatedTokens > budget { throw CreateDeferred(reason: .budget(limit: budget, spent: spent)) }
            try await db.query("INSERT INTO create_log (at) VALUES (clock_timestamp())", logger: logger)
            if recent == 0 {
                try await db.query("DELETE FROM create_log WHERE at < clock_timestamp() - \(window * 2) * interval '1 second'", logger: logger)
            }
            return
        }
        throw StoreError(reason: "run \(runID) is not registered in the database")
    }
}

extension PostgresDatabase {
    // MARK: runs

    /// Registers a run, open for work; a run registered before keeps its folder and is opened again (as by
    /// `reopenRun`), with the new budget when one is given.
    public func registerRun(id: String, folder: String, budgetTokens: Int?) async throws {
        try await query("""
            INSERT INTO run (id, folder, created_at, budget_tokens) VALUES (\(id), \(folder), \(Date().timeIntervalSince1970), \(budgetTokens)::bigint)
            ON CONFLICT (id) DO UPDATE SET state = 'open', finished_at = NULL, joiner = NULL, join_until = NULL,
                budget_tokens = coalesce(excluded.budget_tokens, run.budget_tokens)
            """)
    }

    /// Opens a run for work again (`resume`, `regenerate`): open, not joined yet.
    public func reopenRun(id: String, budgetTokens: Int?) async throws {
        try await query("""
            UPDATE run SET state = 'open', finished_at = NULL, joiner = NULL, join_until = NULL,
                   budget_tokens = coalesce(\(budgetTokens)::bigint, budget_tokens) WHERE id = \(id)
            """)
    }

    /// One run, with its counts; nil when no run has that id.
    public func run(_ id: String) async throws -> StoredRun? {
        try await runs(only: id).first
    }

    /// Every run (newest first), or only `only`, with counts of its shots.
    public func runs(only: String? = nil) async throws -> [StoredRun] {
        let rows = try await query("""
            SELECT row_to_json(x)::text FROM (
              SELECT r.id, r.folder, r.state, r.created_at, r.budget_tokens,
                     count(s.id) FILTER (WHERE s.in_plan) AS shots,
                     count(s.id) FILTER (WHERE s.in_plan AND s.state = 'done') AS done,
                     count(s.id) FILTER (WHERE s.in_plan AND s.state = 'failed') AS failed,
                     count(s.id) FILTER (WHERE s.state IN ('creating', 'unknown', 'queued', 'running', 'downloading')) AS active,
                     coalesce((SELECT sum(tokens) FROM attempt a WHERE a.run_id = r.id), 0)::bigint AS tokens
              FROM run r LEFT JOIN shot s ON s.run_id = r.id
              WHERE \(only)::text IS NULL OR r.id = \(only)
              GROUP BY r.id ORDER BY r.created_at DESC, r.id) x
            """)
        return try PostgresJobStore.decode(StoredRun.self, rows, snakeCase: false)
    }

    /// A run's state (`open`, `finished`, `stopped`) and how many shots are still to be made or being made (nil
    /// when there is no such run): one light read for a worker waiting on others.
    public func runProgress(_ id: String) async throws -> (state: String, unfinished: Int)? {
        try await query("""
            SELECT state, (SELECT count(*) FROM shot WHERE run_id = \(id)
                             AND ((in_plan AND state NOT IN ('done', 'failed'))
                                  OR state IN ('creating', 'unknown', 'queued', 'running', 'downloading')))
            FROM run WHERE id = \(id)
            """).first?.decode((String, Int).self)
    }

    /// Runs that have work a worker may take: open runs with a shot not final, or all final and not joined yet.
    public func openRuns() async throws -> [(id: String, folder: String)] {
        let rows = try await query("SELECT id, folder FROM run WHERE state = 'open' ORDER BY created_at, id")
        return try rows.map { try $0.decode((String, String).self) }
    }

    /// Ends a run: `finished` (joined and reported) or `stopped` (its budget reached).
    public func endRun(_ id: String, state: String) async throws {
        try await query("""
            UPDATE run SET state = \(state), finished_at = \(Date().timeIntervalSince1970), joiner = NULL, join_until = NULL
            WHERE id = \(id)
            """)
    }

    // MARK: leases

    /// Claims up to `limit` shots of run `runID` for `owner` for `ttl` seconds: shots of the edit not final whose
    /// lease is free or ran out (its holder died), a shot that starts from the previous one's last frame only once
    /// that one is final. Shots not sent yet are claimed only as far as the account has room in flight (its limit
    /// less the tasks out and the unsent shots workers hold), so no worker sits on shots it could not send
    /// while another could. `FOR UPDATE SKIP LOCKED`: workers claiming at once take different shots and never wait
    /// on each other. Returns the shots as they are now, each with its create body (so sending it costs no read).
    public func claimShots(runID: String, owner: String, limit: Int, ttl: Double) async throws
        -> [(shot: ShotRecord, body: String?)] {
        guard limit > 0 else { return [] }
        let rows = try await query("""
            WITH going AS (
              SELECT s.run_id, s.id FROM shot s
              WHERE s.run_id = \(runID) AND s.in_plan AND s.state NOT IN ('done', 'failed', 'pending')
                AND (s.lease_owner IS NULL OR s.lease_until < now())
                AND EXISTS (SELECT 1 FROM run WHERE id = \(runID) AND state = 'open')
              ORDER BY s.position LIMIT \(limit)
              FOR UPDATE OF s SKIP LOCKED),
            waiting AS (
              SELECT s.run_id, s.id FROM shot s
              WHERE s.run_id = \(runID) AND s.in_plan AND s.state = 'pending'
                AND (s.lease_owner IS NULL OR s.lease_until < now())
                AND EXISTS (SELECT 1 FROM run WHERE id = \(runID) AND state = 'open')
                AND (NOT s.chained OR NOT EXISTS (
                  SELECT 1 FROM shot p WHERE p.run_id = s.run_id AND p.in_plan AND p.state NOT IN ('done', 'failed')
                    AND p.position = (SELECT max(q.position) FROM shot q
                                      WHERE q.run_id = s.run_id AND q.in_plan AND q.position < s.position)))
              ORDER BY s.position
              LIMIT greatest(0, least(\(limit) - (SELECT count(*) FROM going),
                (SELECT a.max_in_flight
                   - (SELECT count(*) FROM shot WHERE state IN ('creating', 'unknown', 'queued', 'running'))
                   - (SELECT count(*) FROM shot WHERE state = 'pending' AND lease_owner IS NOT NULL
                        AND lease_until > now())
                 FROM account a WHERE a.id = 1)))
              FOR UPDATE OF s SKIP LOCKED)
            UPDATE shot s SET lease_owner = \(owner), lease_until = now() + \(ttl) * interval '1 second'
            FROM (SELECT * FROM going UNION ALL SELECT * FROM waiting) c WHERE s.run_id = c.run_id AND s.id = c.id
            RETURNING row_to_json(s.*)::text,
                      (SELECT body FROM request r WHERE r.run_id = s.run_id AND r.identity = s.request_identity)
            """)
        return try rows.map { row in
            let (json, body) = try row.decode((String, String?).self)
            return (try PostgresJobStore.decoder.decode(ShotRecord.self, from: Data(json.utf8)), body)
        }.sorted { $0.shot.position < $1.shot.position }
    }

    /// Renews `owner`'s leases in run `runID` for `ttl` seconds; returns the shots it still holds (a lease that ran
    /// out and was taken by another worker is not among them).
    public func renewLeases(runID: String, owner: String, ttl: Double) async throws -> Set<String> {
        let rows = try await query("""
            UPDATE shot SET lease_until = now() + \(ttl) * interval '1 second'
            WHERE run_id = \(runID) AND lease_owner = \(owner) RETURNING id
            """)
        return Set(try rows.map { try $0.decode(String.self) })
    }

    /// Gives back `owner`'s leases on the named shots of run `runID` (a worker leaving, or shots it cannot send now).
    public func releaseLeases(runID: String, owner: String, shots: [String]) async throws {
        guard !shots.isEmpty else { return }
        try await query("""
            UPDATE shot SET lease_owner = NULL, lease_until = NULL
            WHERE run_id = \(runID) AND lease_owner = \(owner) AND id = ANY(\(shots))
            """)
    }

    /// Claims the join of run `runID` for `owner` when every shot of its edit is final and nothing is being made:
    /// true for exactly one worker (another takes it over only when that one's claim ran out).
    public func claimJoin(runID: String, owner: String, ttl: Double) async throws -> Bool {
        let rows = try await query("""
            UPDATE run SET joiner = \(owner), join_until = now() + \(ttl) * interval '1 second'
            WHERE id = \(runID) AND state = 'open' AND (joiner IS NULL OR joiner = \(owner) OR join_until < now())
              AND EXISTS (SELECT 1 FROM shot WHERE run_id = \(runID) AND in_plan)
              AND NOT EXISTS (SELECT 1 FROM shot WHERE run_id = \(runID)
                                AND ((in_plan AND state NOT IN ('done', 'failed'))
                                     OR state IN ('creating', 'unknown', 'queued', 'running', 'downloading')))
            RETURNING id
            """)
        return !rows.isEmpty
    }

    // MARK: the account's limits

    /// The account's limits.
    public func limits() async throws -> AccountLimits {
        let rows = try await query("SELECT row_to_json(a)::text FROM (SELECT creates_per_window, window_seconds, max_in_flight FROM account WHERE id = 1) a")
        guard let limits = try PostgresJobStore.decode(AccountLimits.self, rows, snakeCase: false).first else {
            throw StoreError(reason: "\(url.redacted): the account's limits are missing")
        }
        return limits
    }

    /// Changes the account's limits (nil leaves a value as it is).
    public func setLimits(createsPerWindow: Int?, windowSeconds: Double?, maxInFlight: Int?) async throws {
        try await query("""
            UPDATE account SET creates_per_window = coalesce(\(createsPerWindow)::integer, creates_per_window),
                   window_seconds = coalesce(\(windowSeconds)::float8, window_seconds),
                   max_in_flight = coalesce(\(maxInFlight)::integer, max_in_flight) WHERE id = 1
            """)
    }
}
