import Foundation
import GRDB

extension SQLiteJobStore {
    /// The schema, versioned: v1 is the first release's; v2 moves request bodies out of the shot rows (keyed by
    /// identity), and adds identities, overrides and per-attempt clips.
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
        migrator.registerMigration("v2") { db in
            try db.create(table: "request") { t in
                t.primaryKey("identity", .text)
                t.column("body", .text).notNull()
            }
            try db.alter(table: "shot") { t in
                t.add(column: "in_plan", .boolean).notNull().defaults(to: true)
                t.add(column: "chained", .boolean).notNull().defaults(to: false)
                t.add(column: "plan_request_identity", .text).notNull().defaults(to: "")
                t.add(column: "request_identity", .text).notNull().defaults(to: "")
                t.add(column: "identity", .text).notNull().defaults(to: "")
                t.add(column: "budget_floor", .integer).notNull().defaults(to: 0)
            }
            // A run of the first release: its bodies move to the request table under their identity; the shot's
            // full identity (chaining) is unknown and is taken from the plan the next time it is synced.
            for row in try Row.fetchAll(db, sql: "SELECT id, request FROM shot") {
                let id: String = row["id"], body: String = row["request"]
                let identity = ShotIdentity.digest(body)
                try db.execute(sql: "INSERT INTO request(identity, body) VALUES (?, ?) ON CONFLICT(identity) DO NOTHING",
                               arguments: [identity, body])
                try db.execute(sql: "UPDATE shot SET plan_request_identity = ?, request_identity = ? WHERE id = ?",
                               arguments: [identity, identity, id])
            }
            try db.alter(table: "shot") { t in t.drop(column: "request") }
            try db.alter(table: "attempt") { t in
                t.add(column: "identity", .text).notNull().defaults(to: "")
                t.add(column: "echo", .text).notNull().defaults(to: "")
                t.add(column: "clip_path", .text)
            }
            try db.create(index: "attempt_state", on: "attempt", columns: ["state"])
            try db.create(index: "event_shot", on: "event", columns: ["shot_id"])
            try db.create(table: "shot_override") { t in
                t.primaryKey("shot_id", .text)
                t.column("base", .text).notNull()
                t.column("prompt", .text)
                t.column("seed", .integer)
                t.column("take", .integer).notNull().defaults(to: 0)
                t.column("approved", .boolean)
                t.column("dropped", .boolean).notNull().defaults(to: false)
                t.column("reason", .text)
                t.column("updated_at", .double).notNull()
            }
        }
        return migrator
    }
}
