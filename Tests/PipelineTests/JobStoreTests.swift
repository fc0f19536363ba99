import Foundation
import Pipeline
import Testing
import TestSupport

@Suite struct JobStoreTests {
    func newShot(_ id: String, _ position: Int, estimate: Int? = nil) -> ShotRecord {
        var shot = ShotRecord(id: id, position: position, estimatedTokens: estimate)
        shot.requestIdentity = "r-\(id)"
        shot.planRequestIdentity = "r-\(id)"
        shot.identity = "i-\(id)"
        return shot
    }

    @Test func attemptsAreRecordedBeforeAndAfterAndSurviveReopening() async throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.sqlite").path
        do {
            let store = try SQLiteJobStore(path: path)
            var changes = PlanChanges()
            changes.meta["plan"] = "plan.yaml"
            changes.requests = ["r-a": "{\"a\":1}", "r-b": "{\"b\":1}"]
            changes.newShots = [newShot("a", 0, estimate: 108_900), newShot("b", 1)]
            try await store.apply(changes)
            let (attempt, shot) = try await store.beginAttempt(shotID: "a", reason: "first", markerSeed: 1234, echo: "")
            #expect(attempt.number == 1 && attempt.state == .creating && attempt.identity == "i-a")
            #expect(shot.state == .creating)
            try await store.transition("a", .created(attempt: 1, taskID: "cgt-1", reconciled: false))
            _ = try await store.beginAttempt(shotID: "b", reason: "first", markerSeed: 99, echo: "")
        }
        // As after a kill: a new process opens the same file.
        let store = try SQLiteJobStore(path: path)
        #expect(try await store.meta("plan") == "plan.yaml")
        #expect(try await store.requestBody(identity: "r-b") == "{\"b\":1}")
        #expect(try await store.shots().map(\.id) == ["a", "b"])
        #expect(try await store.shot("a")?.taskID == "cgt-1")
        #expect(try await store.shot("a")?.estimatedTokens == 108_900)
        let open = try await store.unsettledAttempts()
        #expect(open.map(\.shotID) == ["b"] && open.first?.markerSeed == 99)
        #expect(try await store.recordedTaskIDs() == ["cgt-1"])
        #expect(try await store.events(shotID: "a").map(\.state) == ["pending", "creating", "queued"])
        // A create turned away leaves no attempt row behind, only a line of history.
        try await store.transition("b", .turnedAway(attempt: 1, message: "429"))
        #expect(try await store.attempts(shotID: "b").isEmpty)
        let b = try #require(try await store.shot("b"))
        #expect(b.state == .pending && b.attempts == 0)
        #expect(try await store.events(shotID: "b").last?.detail?.contains("not accepted") == true)
        // An illegal transition is refused and changes nothing.
        await #expect(throws: TransitionError.self) { try await store.transition("b", .succeeded) }
        #expect(try await store.shot("b")?.state == .pending)
    }

    @Test func aDamagedStateFileSaysSoAndHowToRecover() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.sqlite").path
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: path))
        do {
            _ = try SQLiteJobStore(path: path)
            Issue.record("opened a damaged file")
        } catch let error as StoreError {
            #expect(error.reason.contains("\(path) is damaged"))
            #expect(error.reason.contains(".recover"))
            #expect(!error.reason.contains("\n"))
        }
    }

    @Test func aStoreOfTheFirstReleaseIsMigratedWithItsRequests() async throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.sqlite").path
        // The v1 schema, as the first release wrote it, with one done shot.
        let sql = """
            CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
            INSERT INTO grdb_migrations VALUES ('v1');
            CREATE TABLE run_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE shot (id TEXT PRIMARY KEY, position INTEGER NOT NULL, request TEXT NOT NULL, state TEXT NOT NULL,
              task_id TEXT, attempts INTEGER NOT NULL DEFAULT 0, clip_path TEXT, poster_path TEXT, last_frame_path TEXT,
              sheet_path TEXT, probe TEXT, qa TEXT, qa_passed BOOLEAN, estimated_tokens INTEGER, tokens INTEGER, error TEXT,
              started_at DOUBLE, finished_at DOUBLE);
            CREATE TABLE attempt (id INTEGER PRIMARY KEY AUTOINCREMENT, shot_id TEXT NOT NULL REFERENCES shot(id) ON DELETE CASCADE,
              number INTEGER NOT NULL, reason TEXT NOT NULL, state TEXT NOT NULL, task_id TEXT, marker_seed INTEGER NOT NULL,
              submitted_at DOUBLE NOT NULL, finished_at DOUBLE, tokens INTEGER, error TEXT, UNIQUE(shot_id, number));
            CREATE TABLE event (id INTEGER PRIMARY KEY AUTOINCREMENT, shot_id TEXT NOT NULL REFERENCES shot(id) ON DELETE CASCADE,
              at DOUBLE NOT NULL, state TEXT NOT NULL, detail TEXT);
            INSERT INTO shot (id, position, request, state, task_id, attempts, tokens) VALUES ('a', 0, '{"model":"m"}', 'done', 'cgt-1', 1, 5);
            INSERT INTO attempt (shot_id, number, reason, state, task_id, marker_seed, submitted_at, tokens) VALUES ('a', 1, 'first', 'succeeded', 'cgt-1', 7, 1.0, 5);
            """
        let result = try run("sqlite3", [path, sql])
        try #require(result.status == 0, "\(result.stderr)")
        let store = try SQLiteJobStore(path: path)
        let shot = try #require(try await store.shot("a"))
        #expect(shot.state == .done && shot.tokens == 5 && shot.requestIdentity == ShotIdentity.digest("{\"model\":\"m\"}"))
        #expect(try await store.requestBody(identity: shot.requestIdentity) == "{\"model\":\"m\"}")
        #expect(try await store.attempts(shotID: "a").first?.markerSeed == 7)
    }
}

@Suite struct JobStoreReadOnlyTests {
    @Test func watchersNeverCreateOrMigrate() async throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.sqlite").path
        #expect(throws: (any Error).self) { try SQLiteJobStore(path: path, readOnly: true) }
        #expect(!FileManager.default.fileExists(atPath: path))
        let writer = try SQLiteJobStore(path: path)
        var changes = PlanChanges()
        changes.newShots = [ShotRecord(id: "a", position: 0)]
        try await writer.apply(changes)
        let reader = try SQLiteJobStore(path: path, readOnly: true)
        #expect(try await reader.shots().map(\.id) == ["a"])
        await #expect(throws: (any Error).self) { try await reader.setMeta("k", "v") }
    }
}
