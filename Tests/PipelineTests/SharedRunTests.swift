import AsyncHTTPClient
import Foundation
import Media
import Pipeline
import Simulator
import Testing
import TestSupport

/// Several `seedance` processes working on shared runs through one PostgreSQL database, against the simulator:
/// each shot created once, a killed worker's shots taken over, the account's rate held across workers, two runs at
/// once, and the worker's metrics served.
@Suite(.serialized, .enabled(if: try TestConditions.postgres)) struct SharedRunTests {
    /// A plan of `count` shots (the second starts from the first's last frame).
    static func plan(_ count: Int, name: String = "edit") -> String {
        var lines = ["name: \(name)", "defaults: {resolution: 480p, ratio: \"16:9\", duration: 4, audio: true}", "shots:"]
        for index in 1...count {
            lines.append("  - id: s\(String(format: "%02d", index))")
            lines.append("    prompt: shot \(index) of \(name), a puppy in a garden")
            if index == 2 { lines.append("    first_frame: previous") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func environment(_ harness: SimulatorHarness, store: String) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["SEEDANCE_BASE_URL"] = harness.simulator.baseURL.absoluteString
        env["SEEDANCE_API_KEY"] = SimulatorHarness.apiKey
        env["SEEDANCE_STORE"] = store
        return env
    }

    /// A started `seedance` process whose stderr goes to `log`.
    func launch(_ arguments: [String], environment: [String: String], log: URL) throws -> Process {
        let process = Process()
        process.executableURL = FixturePaths.seedanceBinary
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        return process
    }

    /// Waits for `process` to exit (at most `timeout` seconds; killed after that) and returns its status.
    func finish(_ process: Process, timeout: Double = 240) async throws -> Int32 {
        let end = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < end { try await Task.sleep(nanoseconds: 50_000_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    static let fast = ["--poll-interval", "0.1", "--reconcile-grace", "2", "--yes"]

    @Test func threeWorkersMakeEveryShotOfAThirtyShotPlanOnceAndServeTheirCounters() async throws {
        try await SimulatorHarness.with(timeScale: 0.005) { harness in
            let store = try SharedPostgres.freshDatabase("three")
            let env = environment(harness, store: store)
            let plan = try harness.writePlan(Self.plan(30))
            let root = harness.directory.appendingPathComponent("runs").path
            let metricsPort = try SharedPostgres.freePort()
            let logs = harness.directory
            let run = try launch(["run", plan, "--root", root, "--run", "thirty", "--concurrency", "4"] + Self.fast,
                                 environment: env, log: logs.appendingPathComponent("run.log"))
            let workers = try (1...2).map { index in
                try launch(["worker", "--concurrency", "4", "--poll-interval", "0.1", "--idle-exit", "4"]
                           + (index == 1 ? ["--metrics-listen", "127.0.0.1:\(metricsPort)"] : []),
                           environment: env, log: logs.appendingPathComponent("worker\(index).log"))
            }
            let status = try await finish(run)
            let runLog = (try? String(contentsOf: logs.appendingPathComponent("run.log"), encoding: .utf8)) ?? ""
            #expect(status == 0, "run: \(runLog.suffix(600))")
            // The counters, while the first worker waits for more work.
            let response = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(metricsPort)/metrics"), timeout: .seconds(5))
            let metrics = String(buffer: try await response.body.collect(upTo: 1 << 20))
            #expect(metrics.contains("seedance_worker_claims_total"))
            #expect(metrics.contains("seedance_worker_creates_total"))
            for worker in workers { #expect(try await finish(worker, timeout: 30) == 0) }
            let stats = try await harness.simulator.stats()
            #expect(stats.createsAccepted == 30 && stats.createsRefused == 0)
            let database = try await PostgresDatabase.open(try PostgresURL(store), logger: SharedPostgres.logger)
            let shots = try await PostgresJobStore(database: database, runID: "thirty").shots()
            #expect(shots.count == 30 && shots.allSatisfy { $0.state == .done && $0.attempts == 1 })
            #expect(try await database.run("thirty")?.state == "finished")
            // Every worker took part: each wrote shot events for claims of its own.
            let claims = try (1...2).map { try String(contentsOf: logs.appendingPathComponent("worker\($0).log"), encoding: .utf8) }
                .map { $0.components(separatedBy: "claimed").count - 1 }
            #expect(claims.allSatisfy { $0 > 0 }, "claims per worker: \(claims)")
            let final = root + "/thirty/final.mp4"
            #expect(abs((try Media.probe(final).duration ?? 0) - 30 * 97.0 / 24) < 30.0 / 24)
        }
    }

    @Test func aWorkerKilledMidRunLosesItsLeasesAndTheOthersFinishWithNoDuplicateCreate() async throws {
        try await SimulatorHarness.with(faults: "seed=5,slow=0.3,slow-seconds=0.3", timeScale: 0.02) { harness in
            let store = try SharedPostgres.freshDatabase("kill")
            let env = environment(harness, store: store)
            let plan = try harness.writePlan(Self.plan(12))
            let root = harness.directory.appendingPathComponent("runs").path
            let lease = ["--lease-seconds", "2"]
            let victim = try launch(["worker", "--concurrency", "8", "--poll-interval", "0.1"] + lease,
                                    environment: env, log: harness.directory.appendingPathComponent("victim.log"))
            let run = try launch(["run", plan, "--root", root, "--run", "killed", "--concurrency", "2", "--no-verify"]
                                 + Self.fast + lease,
                                 environment: env, log: harness.directory.appendingPathComponent("run.log"))
            // Kill the worker once it has sent some creates (its shots are then in every state).
            let deadline = Date().addingTimeInterval(60)
            while try await harness.simulator.stats().createsAccepted < 4, Date() < deadline {
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            kill(victim.processIdentifier, SIGKILL)
            victim.waitUntilExit()
            #expect(victim.terminationReason == .uncaughtSignal)
            let rescuer = try launch(["worker", "--concurrency", "8", "--poll-interval", "0.1", "--idle-exit", "3",
                                      "--reconcile-grace", "2"] + lease,
                                     environment: env, log: harness.directory.appendingPathComponent("rescuer.log"))
            #expect(try await finish(run) == 0)
            #expect(try await finish(rescuer, timeout: 30) == 0)
            let stats = try await harness.simulator.stats()
            #expect(stats.createsAccepted == 12, "each of the 12 shots created once")
            let database = try await PostgresDatabase.open(try PostgresURL(store), logger: SharedPostgres.logger)
            let shots = try await PostgresJobStore(database: database, runID: "killed").shots()
            #expect(shots.allSatisfy { $0.state == .done })
            for shot in shots {
                #expect(FileManager.default.fileExists(atPath: root + "/killed/" + (shot.clipPath ?? "missing")))
            }
        }
    }

    @Test func theAccountsRateHoldsAcrossWorkersAndTwoRunsGoAtOnce() async throws {
        try await SimulatorHarness.with(timeScale: 0.005, rateLimit: (creates: 3, window: 1)) { harness in
            let store = try SharedPostgres.freshDatabase("rate")
            let env = environment(harness, store: store)
            // 3 creates per 1.5 s in the store against the simulator's 3 per second: the half second covers a create
            // admitted by a worker and reaching the simulator a moment later on a loaded machine.
            #expect(try runSeedance(["limits", "--rpm", "3", "--window", "1.5", "--in-flight", "20"], environment: env).status == 0)
            let root = harness.directory.appendingPathComponent("runs").path
            let first = try harness.writePlan(Self.plan(6, name: "first"), name: "first.yaml")
            let second = try harness.writePlan(Self.plan(6, name: "second"), name: "second.yaml")
            let runs = try [("first", first), ("second", second)].map { name, plan in
                try launch(["run", plan, "--root", root, "--run", name, "--concurrency", "3", "--no-verify"] + Self.fast,
                           environment: env, log: harness.directory.appendingPathComponent("\(name).log"))
            }
            let worker = try launch(["worker", "--concurrency", "6", "--poll-interval", "0.1", "--idle-exit", "3"],
                                    environment: env, log: harness.directory.appendingPathComponent("worker.log"))
            for run in runs { #expect(try await finish(run) == 0) }
            #expect(try await finish(worker, timeout: 30) == 0)
            let stats = try await harness.simulator.stats()
            // 12 shots over two runs and two processes, each created once; the store admitted at most 3 creates in
            // any 1.5 s (its log of admitted creates, read back), and the simulator accepted at most 3 in any second.
            // (On a loaded machine a create can reach the simulator long after its admission; a 429 then is sent
            // again and is not a second task.)
            #expect(stats.createsAccepted == 12, "\(stats)")
            #expect(stats.maxCreatesPerWindow <= 3)
            let busiest = try SharedPostgres.server().psql("""
                SELECT coalesce(max(c), 0) FROM (SELECT count(*) OVER (ORDER BY at RANGE BETWEEN interval '1.5 seconds'
                PRECEDING AND CURRENT ROW) AS c FROM create_log) x
                """, database: try PostgresURL(store).database)
            #expect(Int(busiest.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 99 <= 3, "busiest 1.5 s: \(busiest)")
            let listing = try runSeedance(["runs", "--json"], environment: env)
            #expect(listing.status == 0)
            #expect(listing.stdout.contains("\"first\"") && listing.stdout.contains("\"second\""))
            #expect(listing.stdout.components(separatedBy: "\"finished\"").count - 1 == 2)
            // From any machine: a stored run's report, a shot made again (one more create), a resume with nothing
            // left to make (none).
            let report = try runSeedance(["report", "first"], environment: env)
            #expect(report.status == 0 && FileManager.default.fileExists(atPath: root + "/first/report.html"))
            let again = try runSeedance(["regenerate", "first", "s03", "--prompt", "a kitten"] + Self.fast, environment: env)
            #expect(again.status == 0, "\(again.stderr.suffix(400))")
            let resumed = try runSeedance(["resume", "first"] + Self.fast, environment: env)
            #expect(resumed.status == 0, "\(resumed.stderr.suffix(400))")
            #expect(try await harness.simulator.stats().createsAccepted == 13)
            let shots = try runSeedance(["runs", "first"], environment: env)
            let line = shots.stdout.split(separator: "\n").first { $0.hasPrefix("s03 ") }?.split(separator: " ").map(String.init)
            #expect(shots.status == 0 && line?.prefix(3) == ["s03", "done", "2"], "\(shots.stdout)")
        }
    }

    @Test func aRunStopsAtItsTokenBudgetAndResumesWithALargerOne() async throws {
        try await SimulatorHarness.with(timeScale: 0.005) { harness in
            let store = try SharedPostgres.freshDatabase("budget")
            let env = environment(harness, store: store)
            let plan = try harness.writePlan(Self.plan(5, name: "budget"))
            let root = harness.directory.appendingPathComponent("runs").path
            // A 4 s 480p shot is estimated at about 40,600 tokens: a budget of 100,000 admits two.
            let first = try runSeedance(["run", plan, "--root", root, "--run", "budget", "--budget-tokens", "100000",
                                         "--no-verify"] + Self.fast, environment: env)
            #expect(first.status == 1)
            #expect(first.stderr.contains("token budget is reached") && first.stderr.contains("seedance resume budget"),
                    "\(first.stderr.suffix(400))")
            #expect(try await harness.simulator.stats().createsAccepted == 2)
            let stopped = try runSeedance(["runs", "--json"], environment: env)
            #expect(stopped.stdout.contains("\"stopped\""))
            let resumed = try runSeedance(["resume", "budget", "--budget-tokens", "10000000"] + Self.fast, environment: env)
            #expect(resumed.status == 0, "\(resumed.stderr.suffix(400))")
            #expect(try await harness.simulator.stats().createsAccepted == 5)
            #expect(FileManager.default.fileExists(atPath: root + "/budget/final.mp4"))
        }
    }
}
