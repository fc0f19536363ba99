import Foundation
import PostgresNIO

extension PostgresDatabase {
    /// The schema version this build writes. Each step is applied once, in order, in one transaction, under an
    /// advisory lock so workers starting together do not race; a database of a later version is refused.
    public static let schemaVersion = migrations.count

    /// The schema, versioned. v1 holds the SQLite store's tables (schema v2 there) for many runs at once, keyed by
    /// run; v2 adds what several workers share: shot leases, the account's limits and its create log, and the claim
    /// on each run's join; v3 the callbacks of shared runs (each run's secret, and the hints received).
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE run (
                id text PRIMARY KEY,
                folder text NOT NULL,
                state text NOT NULL DEFAULT 'open',
                created_at double precision NOT NULL,
                finished_at double precision
            )
            """,
            """
            CREATE TABLE run_meta (
                run_id text NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                key text NOT NULL,
                value text NOT NULL,
                PRIMARY KEY (run_id, key)
            )
            """,
            """
            CREATE TABLE request (
                run_id text NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                identity text NOT NULL,
                body text NOT NULL,
                PRIMARY KEY (run_id, identity)
            )
            """,
            """
            CREATE TABLE shot (
                run_id text NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                id text NOT NULL,
                position integer NOT NULL,
                state text NOT NULL,
                task_id text,
                attempts integer NOT NULL DEFAULT 0,
                clip_path text,
                poster_path text,
                last_frame_path text,
                sheet_path text,
                probe text,
                qa text,
                qa_passed boolean,
                estimated_tokens bigint,
                tokens bigint,
                error text,
                started_at double precision,
                finished_at double precision,
                in_plan boolean NOT NULL DEFAULT true,
                chained boolean NOT NULL DEFAULT false,
                plan_request_identity text NOT NULL DEFAULT '',
                request_identity text NOT NULL DEFAULT '',
                identity text NOT NULL DEFAULT '',
                budget_floor integer NOT NULL DEFAULT 0,
                PRIMARY KEY (run_id, id)
            )
            """,
            """
            CREATE TABLE attempt (
                id bigserial PRIMARY KEY,
                run_id text NOT NULL,
                shot_id text NOT NULL,
                number integer NOT NULL,
                reason text NOT NULL,
                state text NOT NULL,
                task_id text,
                marker_seed bigint NOT NULL,
                submitted_at double precision NOT NULL,
                finished_at double precision,
                tokens bigint,
                error text,
                identity text NOT NULL DEFAULT '',
                echo text NOT NULL DEFAULT '',
                clip_path text,
                UNIQUE (run_id, shot_id, number),
                FOREIGN KEY (run_id, shot_id) REFERENCES shot(run_id, id) ON DELETE CASCADE
            )
            """,
            "CREATE INDEX attempt_state ON attempt(state)",
            """
            CREATE TABLE event (
                id bigserial PRIMARY KEY,
                run_id text NOT NULL,
                shot_id text NOT NULL,
                at double precision NOT NULL,
                state text NOT NULL,
                detail text,
                FOREIGN KEY (run_id, shot_id) REFERENCES shot(run_id, id) ON DELETE CASCADE
            )
            """,
            "CREATE INDEX event_shot ON event(run_id, shot_id)",
            """
            CREATE TABLE shot_override (
                run_id text NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                shot_id text NOT NULL,
                base text NOT NULL,
                prompt text,
                seed bigint,
                take integer NOT NULL DEFAULT 0,
                approved boolean,
                dropped boolean NOT NULL DEFAULT false,
                reason text,
                updated_at double precision NOT NULL,
                PRIMARY KEY (run_id, shot_id)
            )
            """,
        ],
        [
            "ALTER TABLE shot ADD COLUMN lease_owner text",
            "ALTER TABLE shot ADD COLUMN lease_until timestamptz",
            "CREATE INDEX shot_open ON shot(run_id, position) WHERE state NOT IN ('done', 'failed')",
            "CREATE INDEX shot_lease ON shot(lease_owner) WHERE lease_owner IS NOT NULL",
            "ALTER TABLE run ADD COLUMN budget_tokens bigint",
            "ALTER TABLE run ADD COLUMN joiner text",
            "ALTER TABLE run ADD COLUMN join_until timestamptz",
            """
            CREATE TABLE account (
                id integer PRIMARY KEY CHECK (id = 1),
                creates_per_window integer NOT NULL DEFAULT 180,
                window_seconds double precision NOT NULL DEFAULT 60,
                max_in_flight integer NOT NULL DEFAULT 10
            )
            """,
            "INSERT INTO account (id) VALUES (1)",
            "CREATE TABLE create_log (at timestamptz NOT NULL)",
            "CREATE INDEX create_log_at ON create_log(at)",
        ],
        [
            // v3: callbacks of shared runs. Each run's callback secret (the same for every worker, so a callback may
            // reach any worker's receiver), and the hints the receivers recorded, which every worker of the run reads.
            """
            CREATE TABLE run_callback (
                run_id text PRIMARY KEY REFERENCES run(id) ON DELETE CASCADE,
                secret text NOT NULL
            )
            """,
            """
            CREATE TABLE callback_hint (
                id bigserial PRIMARY KEY,
                run_id text NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                task_id text NOT NULL,
                status text NOT NULL,
                received_at double precision NOT NULL,
                UNIQUE (run_id, task_id, status)
            )
            """,
            "CREATE INDEX attempt_task ON attempt(run_id, task_id) WHERE task_id IS NOT NULL",
        ],
    ]

    /// Brings the schema to `schemaVersion`, or refuses a database a later seedance wrote.
    func migrate() async throws {
        let target = Self.schemaVersion
        let url = self.url
        try await transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7305553252)", logger: self.logger)
            try await connection.query("CREATE TABLE IF NOT EXISTS seedance_schema (version integer NOT NULL)",
                                       logger: self.logger)
            var version = 0
            for try await value in try await connection.query("SELECT max(version) FROM seedance_schema",
                                                                logger: self.logger).decode(Int?.self) {
                version = value ?? 0
            }
            guard version <= target else {
                throw StoreError(reason: "\(url.redacted): the database holds seedance schema version \(version), "
                    + "newer than this seedance's \(target); use a newer seedance with it")
            }
            for step in version..<target {
                for statement in Self.migrations[step] {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                }
                try await connection.query("INSERT INTO seedance_schema (version) VALUES (\(step + 1))",
                                           logger: self.logger)
            }
        }
    }

    /// The schema version the database holds (0: none yet).
    public func storedSchemaVersion() async throws -> Int {
        let rows = try await query("SELECT max(version) FROM seedance_schema")
        return try rows.first?.decode(Int?.self) ?? 0
    }
}
