import Foundation
import Pipeline
import Testing
import TestSupport

/// The job store protocol's behaviour, the same on SQLite and on PostgreSQL; and what only the shared store does
/// (schema versions, leases, limits, failures that name the server and never the password).
@Suite(.serialized, .enabled(if: try TestConditions.postgres)) struct PostgresJobStoreTests {
    enum Kind: String, CaseIterable, Sendable { case sqlite, postgres }

    /// A store of each kind, and a way to open the same store again (as a new process would).
    func stores(_ kind: Kind) async throws -> (first: any JobStore, reopen: () async throws -> any JobStore) {
        switch kind {
        case .sqlite:
            let dir = try FixturePaths.temporaryDirectory("store")
            let path = dir.appendingPathComponent("state.sqlite").path
            return (try SQLiteJobStore(path: path), { try SQLiteJobStore(path: path) })
        case .postgres:
            let url = try PostgresURL(try SharedPostgres.freshDatabase("conf"))
            let database = try await PostgresDatabase.open(url, logger: SharedPostgres.logger)
            try await database.registerRun(id: "r1", folder: "/tmp/r1", budgetTokens: nil)
            return (PostgresJobStore(database: database, runID: "r1"), {
                PostgresJobStore(database: try await PostgresDatabase.open(url, logger: SharedPostgres.logger), runID: "r1")
            })
        }
    }

    func newShot(_ id: String, _ position: Int, estimate: Int? = nil) -> ShotRecord {
        JobStoreTests().newShot(id, position, estimate: estimate)
    }

    @Test(arguments: Kind.allCases)
    func theStoreProtocolBehavesTheSame(_ kind: Kind) async throws {
        let (store, reopen) = try await stores(kind)
        var changes = PlanChanges()
        changes.meta["plan"] = "plan.yaml"
        changes.requests = ["r-a": "{\"a\":1}", "r-b": "{\"b\":1}", "r-c": "{}"]
        changes.newShots = [newShot("a", 0, estimate: 108_900), newShot("b", 1), newShot("c", 2)]
        changes.savedOverrides = [ShotOverride(shotID: "a", base: "r-a", prompt: "a kitten", take: 1, reason: "too calm")]
        try await store.apply(changes)
        let (attempt, shot) = try await store.beginAttempt(shotID: "a", reason: "first", markerSeed: 1234, echo: "{}")
        #expect(attempt.number == 1 && attempt.state == .creating && attempt.identity == "i-a")
        #expect(shot.state == .creating && shot.attempts == 1)
        try await store.transition("a", .created(attempt: 1, taskID: "cgt-1", reconciled: false))
        _ = try await store.beginAttempt(shotID: "b", reason: "first", markerSeed: 99, echo: "")
        var later = PlanChanges()
        later.removed = ["c"]
        later.placement = ["a": (position: 0, estimatedTokens: 5), "b": (position: 1, estimatedTokens: nil)]
        try await store.apply(later)

        let again = try await reopen()
        #expect(try await again.meta("plan") == "plan.yaml")
        #expect(try await again.meta("missing") == nil)
        #expect(try await again.requestBody(identity: "r-b") == "{\"b\":1}")
        #expect(try await again.shots().map(\.id) == ["a", "b", "c"])
        #expect(try await again.shots().map(\.inPlan) == [true, true, false])
        #expect(try await again.shot("a")?.taskID == "cgt-1")
        #expect(try await again.shot("a")?.estimatedTokens == 5)
        #expect(try await again.shot("zz") == nil)
        let open = try await again.unsettledAttempts()
        #expect(open.map(\.shotID) == ["b"] && open.first?.markerSeed == 99)
        #expect(try await again.recordedTaskIDs() == ["cgt-1"])
        #expect(try await again.events(shotID: "a").map(\.state) == ["pending", "creating", "queued"])
        #expect(try await again.allAttempts().count == 2)
        let some = try await again.attempts(shotIDs: ["a", "b", "zz"])
        #expect(some.keys.sorted() == ["a", "b"] && some["a"]?.first?.taskID == "cgt-1")
        let override = try #require(try await again.overrides().first)
        #expect(override.prompt == "a kitten" && override.take == 1 && override.reason == "too calm")
        var changed = override
        changed.approved = true
        try await again.saveOverride(changed)
        #expect(try await again.overrides() == [changed])
        try await again.transition("b", .turnedAway(attempt: 1, message: "429"))
        #expect(try await again.attempts(shotID: "b").isEmpty)
        let b = try #require(try await again.shot("b"))
        #expect(b.state == .pending && b.attempts == 0)
        await #expect(throws: TransitionError.self) { try await again.transition("b", .succeeded) }
        #expect(try await again.shot("b")?.state == .pending)
        // A poll round's changes in one go: the legal one applies, the refused one changes nothing.
        let round = try await again.transitionAll([("a", .running), ("b", .succeeded)])
        #expect((try? round[0].get())?.state == .running)
        #expect((try? round[1].get()) == nil)
        #expect(try await again.shot("a")?.state == .running)
        #expect(try await again.shot("b")?.state == .pending)
        let history = try await again.allEvents()
        let eventsOfA = try await again.events(shotID: "a")
        #expect(history["a"] == eventsOfA && history.keys.sorted() == ["a", "b", "c"])
    }

    @Test func anOlderSchemaIsMigratedAndANewerOneRefusedWithBothVersions() async throws {
        let url = try PostgresURL(try SharedPostgres.freshDatabase("schema"))
        let database = try await PostgresDatabase.open(url, logger: SharedPostgres.logger)
        #expect(try await database.storedSchemaVersion() == PostgresDatabase.schemaVersion)
        // Back to v1 by hand: what v2 and v3 added is gone.
        let server = try SharedPostgres.server()
        _ = try server.psql("""
            DROP TABLE callback_hint; DROP TABLE run_callback; DROP INDEX IF EXISTS attempt_task;
            DROP TABLE create_log; DROP TABLE account; DROP INDEX IF EXISTS shot_open;
            ALTER TABLE run DROP COLUMN budget_tokens, DROP COLUMN joiner,
            DROP COLUMN join_until; ALTER TABLE shot DROP COLUMN lease_owner, DROP COLUMN lease_until;
            DELETE FROM seedance_schema WHERE version > 1
            """, database: url.database)
        let migrated = try await PostgresDatabase.open(url, logger: SharedPostgres.logger)
        #expect(try await migrated.storedSchemaVersion() == 3)
        #expect(PostgresDatabase.schemaVersion == 3)
        #expect(try await migrated.limits().maxInFlight == 10)
        _ = try server.psql("INSERT INTO seedance_schema (version) VALUES (99)", database: url.database)
        do {
            _ = try await PostgresDatabase.open(url, logger: SharedPostgres.logger)
            Issue.record("a newer schema was opened")
        } catch let error as StoreError {
            #expect(error.reason.contains("version 99") && error.reason.contains("this seedance's 3"))
        }
    }

    @Test func anUnreachableServerAndAWrongPasswordSayWhichServerAndNeverThePassword() async throws {
        let socket = try SharedPostgres.freePort()
        do {
            _ = try await PostgresDatabase.open(try PostgresURL("postgres://u:hunter2@127.0.0.1:\(socket)/db"),
                                                logger: SharedPostgres.logger)
            Issue.record("opened a server that is not there")
        } catch let error as DatabaseUnavailable {
            #expect(error.reason.contains("127.0.0.1:\(socket)") && error.reason.contains("connection refused"))
            #expect(!error.reason.contains("hunter2"))
        }
        let guarded = try PostgresServer.start(password: "s3cret-pw")
        defer { guarded.stop() }
        do {
            _ = try await PostgresDatabase.open(try PostgresURL(guarded.url(database: "postgres", password: "wrong-pw")),
                                                logger: SharedPostgres.logger)
            Issue.record("a wrong password was taken")
        } catch let error as DatabaseUnavailable {
            #expect(error.reason.contains("refused the password") && error.reason.contains("127.0.0.1:\(guarded.port)"))
            #expect(!error.reason.contains("wrong-pw") && !error.reason.contains("s3cret-pw"))
        }
        // The right one works.
        let database = try await PostgresDatabase.open(try PostgresURL(guarded.url), logger: SharedPostgres.logger)
        #expect(try await database.runs().isEmpty)
        // Through the command line: one line, exit 3, no password.
        let result = try runSeedance(["runs", "--store", guarded.url(database: "postgres", password: "wrong-pw")])
        #expect(result.status == 3)
        #expect(result.stderr.hasPrefix("seedance: ") && result.stderr.split(separator: "\n").count == 1)
        #expect(!result.stderr.contains("wrong-pw") && !result.stdout.contains("wrong-pw"))
        let away = try runSeedance(["runs", "--store", "postgres://u:hunter2@127.0.0.1:\(socket)/db"])
        #expect(away.status == 3 && away.stderr.contains("127.0.0.1:\(socket)") && !away.stderr.contains("hunter2"))
    }

    @Test func leasesFenceWritesAndAreTakenOverWhenTheyRunOut() async throws {
        let database = try await SharedPostgres.openFresh("lease")
        try await database.registerRun(id: "r1", folder: "/tmp/r1", budgetTokens: nil)
        let plain = PostgresJobStore(database: database, runID: "r1")
        var changes = PlanChanges()
        changes.requests = ["r-a": "{}", "r-b": "{}", "r-c": "{}"]
        changes.newShots = [newShot("a", 0), newShot("b", 1), newShot("c", 2)]
        changes.newShots[2].chained = true
        try await plain.apply(changes)
        // Two workers claiming at once take different shots; the chained one waits for the shot before it.
        let first = try await database.claimShots(runID: "r1", owner: "w1", limit: 1, ttl: 30)
        let second = try await database.claimShots(runID: "r1", owner: "w2", limit: 5, ttl: 1)
        #expect(first.map(\.shot.id) == ["a"] && second.map(\.shot.id) == ["b"])
        #expect(first.first?.body == "{}")
        // w1 may not create for w2's shot; w2 may.
        let w1 = PostgresJobStore(database: database, runID: "r1", owner: "w1")
        let w2 = PostgresJobStore(database: database, runID: "r1", owner: "w2")
        await #expect(throws: LeaseLost.self) { _ = try await w1.beginAttempt(shotID: "b", reason: "first", markerSeed: 1, echo: "") }
        _ = try await w2.beginAttempt(shotID: "b", reason: "first", markerSeed: 1, echo: "")
        // w2's lease runs out (it died): w1 takes the shot over and w2's writes are refused from then on.
        try await Task.sleep(nanoseconds: 1_200_000_000)
        #expect(try await database.claimShots(runID: "r1", owner: "w1", limit: 5, ttl: 30).map(\.shot.id) == ["b"])
        await #expect(throws: LeaseLost.self) { try await w2.transition("b", .created(attempt: 1, taskID: "t1", reconciled: false)) }
        #expect(try await database.renewLeases(runID: "r1", owner: "w2", ttl: 30).isEmpty)
        #expect(try await database.renewLeases(runID: "r1", owner: "w1", ttl: 30) == ["a", "b"])
        // A shot that reaches a final state is no longer held; the join is claimed once, when all are final.
        #expect(try await database.claimJoin(runID: "r1", owner: "w1", ttl: 30) == false)
        try await w1.transition("b", .created(attempt: 1, taskID: "t1", reconciled: true))
        try await w1.transition("b", .taskFailed(attempt: 1, reason: "x", tokens: 10, retry: false))
        #expect(try await database.renewLeases(runID: "r1", owner: "w1", ttl: 30) == ["a"])
    }

    @Test func theAccountsLimitsAndARunsBudgetAdmitCreates() async throws {
        let database = try await SharedPostgres.openFresh("limits")
        try await database.setLimits(createsPerWindow: 2, windowSeconds: 1, maxInFlight: 3)
        #expect(try await database.limits() == AccountLimits(createsPerWindow: 2, windowSeconds: 1, maxInFlight: 3))
        try await database.registerRun(id: "r1", folder: "/tmp/r1", budgetTokens: 250)
        let store = PostgresJobStore(database: database, runID: "r1")
        var changes = PlanChanges()
        changes.requests = ["r-a": "{}"]
        changes.newShots = (0..<5).map { newShot("s\($0)", $0, estimate: 100) }
        try await store.apply(changes)
        _ = try await store.beginAttempt(shotID: "s0", reason: "first", markerSeed: 1, echo: "")
        _ = try await store.beginAttempt(shotID: "s1", reason: "first", markerSeed: 2, echo: "")
        // A third create in the same second: the rate.
        do {
            _ = try await store.beginAttempt(shotID: "s2", reason: "first", markerSeed: 3, echo: "")
            Issue.record("a third create went in a window of two")
        } catch let deferred as CreateDeferred {
            guard case .rate(let after) = deferred.reason else { Issue.record("\(deferred)"); return }
            #expect(after > 0 && after <= 1.25)
        }
        #expect(try await store.shot("s2")?.state == .pending)
        #expect(try await store.attempts(shotID: "s2").isEmpty)
        // After the window (and its quarter second of slack): 200 tokens are out against a budget of 250, and another shot of 100 would pass it.
        try await Task.sleep(nanoseconds: 1_400_000_000)
        do {
            _ = try await store.beginAttempt(shotID: "s2", reason: "first", markerSeed: 3, echo: "")
            Issue.record("the budget was passed")
        } catch let deferred as CreateDeferred {
            #expect(deferred.reason == .budget(limit: 250, spent: 200))
        }
        try await database.reopenRun(id: "r1", budgetTokens: 10_000)
        _ = try await store.beginAttempt(shotID: "s2", reason: "first", markerSeed: 3, echo: "")
        // Three in flight now, the account's limit.
        try await Task.sleep(nanoseconds: 1_400_000_000)
        do {
            _ = try await store.beginAttempt(shotID: "s3", reason: "first", markerSeed: 4, echo: "")
            Issue.record("a fourth task went in flight")
        } catch let deferred as CreateDeferred {
            #expect(deferred.reason == .inFlight(limit: 3))
        }
        // No room in flight: a worker takes the shots being made (nobody holds them), but no unsent shot it could
        // not send.
        #expect(try await database.claimShots(runID: "r1", owner: "w9", limit: 5, ttl: 30).map(\.shot.id) == ["s0", "s1", "s2"])
        try await database.setLimits(createsPerWindow: nil, windowSeconds: nil, maxInFlight: 4)
        #expect(try await database.claimShots(runID: "r1", owner: "w9", limit: 5, ttl: 30).map(\.shot.id) == ["s3"])
    }
}
