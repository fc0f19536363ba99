import Foundation
import Pipeline
import Testing
import TestSupport

/// The run commands through the real binary against the simulator on loopback: Ctrl-C, an unreachable service, a
/// refused key, a damaged state file, identical requests killed mid-create, and re-runs of an edited plan. Each test
/// checks the exit status, the single `seedance: ` line of a failure, the run's store and the simulator's counters.
@Suite(.serialized) struct RunCommandTests {
    // MARK: helpers

    /// A started `seedance` process whose stderr goes to a file.
    struct Launched {
        let process: Process
        let stderrFile: URL

        /// Everything written to stderr so far.
        var stderr: String {
            guard let handle = try? FileHandle(forReadingFrom: stderrFile) else { return "" }
            defer { try? handle.close() }
            return String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        }

        /// Waits for the process to end (SIGKILL and nil past `timeout`); returns its exit status.
        func wait(timeout: Double) async throws -> Int32? {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline {
                try await Task.sleep(nanoseconds: 20_000_000)
            }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return nil
            }
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    static func environment(baseURL: String, key: String = SimulatorHarness.apiKey) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["SEEDANCE_BASE_URL"] = baseURL
        env["SEEDANCE_API_KEY"] = key
        env["ARK_API_KEY"] = nil
        return env
    }

    static func environment(_ harness: SimulatorHarness) -> [String: String] {
        environment(baseURL: harness.simulator.baseURL.absoluteString)
    }

    /// Nothing listens on the discard port of loopback: every connection is refused.
    static let nowhere = "http://127.0.0.1:9/api/v3"

    static func launch(_ arguments: [String], environment: [String: String]) throws -> Launched {
        let stderrFile = try FixturePaths.temporaryDirectory("stderr").appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        let process = Process()
        process.executableURL = FixturePaths.seedanceBinary
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
        return Launched(process: process, stderrFile: stderrFile)
    }

    /// Waits until `condition` holds for the run's store, read-only (the run owns the file).
    static func waitFor(_ state: String, timeout: Double = 60,
                        _ condition: (SQLiteJobStore) async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: state), let store = try? SQLiteJobStore(path: state, readOnly: true),
               (try? await condition(store)) == true {
                return true
            }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        return false
    }

    /// The run stopped having made nothing: creates turned away leave no attempt and every shot is still to make;
    /// then `resume` makes each shot once.
    static func expectNothingMadeThenResume(_ dir: String, _ harness: SimulatorHarness,
                                            sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let store = try SQLiteJobStore(path: state(dir), readOnly: true)
        #expect(try await store.allAttempts().isEmpty, sourceLocation: sourceLocation)
        let shots = try await store.shots()
        #expect(shots.count == 4 && shots.allSatisfy { $0.state == .pending }, "\(shots.map { ($0.id, $0.state) })",
                sourceLocation: sourceLocation)
        #expect(try await harness.simulator.stats().createsAccepted == 0, sourceLocation: sourceLocation)
        try await resumeToTheEnd(dir, harness, shots: 4)
    }

    /// The stderr lines that start `seedance: ` (a failure says itself in exactly one).
    static func failureLines(_ stderr: String) -> [String] {
        stderr.split(whereSeparator: \.isNewline).map(String.init).filter { $0.hasPrefix("seedance: ") }
    }

    static func state(_ dir: String) -> String { (dir as NSString).appendingPathComponent("state.sqlite") }

    static func exists(_ dir: String, _ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent(relative))
    }

    /// `resume DIR` to the end against `harness`; expects every shot done, each created once.
    static func resumeToTheEnd(_ dir: String, _ harness: SimulatorHarness, shots: Int,
                               extra: [String] = []) async throws {
        let result = try runSeedance(["resume", dir, "--poll-interval", "0.1", "--reconcile-grace", "2"] + extra,
                                     environment: environment(harness))
        #expect(result.status == 0, "resume finished: \(result.stderr)")
        #expect(failureLines(result.stderr).isEmpty, "no failure line: \(result.stderr)")
        let store = try SQLiteJobStore(path: state(dir), readOnly: true)
        let stored = try await store.shots()
        #expect(stored.count == shots && stored.allSatisfy { $0.state == .done }, "\(stored.map { ($0.id, $0.state) })")
        let stats = try await harness.simulator.stats()
        #expect(stats.createsAccepted == shots, "each shot created exactly once: \(stats)")
        let taskIDs = try await store.allAttempts().compactMap(\.taskID)
        #expect(taskIDs.count == shots && Set(taskIDs).count == shots, "one task per shot: \(taskIDs)")
        #expect(exists(dir, "final.mp4") && exists(dir, "report.html"))
    }

    // MARK: 1. Ctrl-C

    @Test func sigintStopsCleanlyWithOneLineAndResumeCollectsWithoutPayingAgain() async throws {
        // timeScale 0.05: a task queues 0.25 s and runs a few seconds, so the run is surely mid-way when stopped.
        try await SimulatorHarness.with(timeScale: 0.05) { harness in
            let plan = try harness.writePlan(PipelineRunTests.smallPlan)
            let dir = harness.directory.appendingPathComponent("interrupted").path

            let run = try Self.launch(["run", plan, "-o", dir, "--poll-interval", "0.1"], environment: Self.environment(harness))
            let reached = try await Self.waitFor(Self.state(dir)) { store in
                try await store.shots().contains { $0.state == .queued || $0.state == .running }
            }
            #expect(reached, "some shot reached the service")
            kill(run.process.processIdentifier, SIGINT)
            let status = try await run.wait(timeout: 30)
            #expect(run.process.terminationReason == .exit)
            #expect(status == 130, "exit status after SIGINT: \(String(describing: status)); \(run.stderr)")

            let stderr = run.stderr
            let failures = Self.failureLines(stderr)
            #expect(failures.count == 1, "exactly one seedance: line: \(stderr)")
            let last = stderr.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
            #expect(last.hasPrefix("seedance: interrupted:"), "last line: \(last)")
            #expect(last.contains("seedance resume"), "says how to continue: \(last)")
            #expect(Self.exists(dir, "report.json") && Self.exists(dir, "report.html"))

            // Nothing is left half-recorded: every create got its answer before the process ended.
            let store = try SQLiteJobStore(path: Self.state(dir), readOnly: true)
            let attempts = try await store.allAttempts()
            #expect(!attempts.isEmpty)
            #expect(attempts.allSatisfy { !$0.state.isUnsettled }, "\(attempts.map { ($0.shotID, $0.state) })")
            let statsAtStop = try await harness.simulator.stats()
            let taskIDs = attempts.compactMap(\.taskID)
            #expect(taskIDs.count == statsAtStop.createsAccepted, "every task made is recorded: \(taskIDs) \(statsAtStop)")
            #expect(try await store.shots().contains { $0.state != .done }, "the run was stopped before its end")

            try await Self.resumeToTheEnd(dir, harness, shots: 4)
        }
    }

    // MARK: 2. the service unreachable

    @Test func anUnreachableServiceStopsTheRunResumably() async throws {
        try await SimulatorHarness.with { harness in
            let plan = try harness.writePlan(PipelineRunTests.smallPlan)
            let dir = harness.directory.appendingPathComponent("offline").path

            let started = Date()
            let result = try runSeedance(["run", plan, "-o", dir, "--offline-timeout", "3", "--poll-interval", "0.1"],
                                         environment: Self.environment(baseURL: Self.nowhere))
            let elapsed = Date().timeIntervalSince(started)
            #expect(result.status == 3, "exit status: \(result.status); \(result.stderr)")
            // The offline bound (3 s) starts counting when a request has failed for good, after the client's own
            // retries, which `run` cuts to what fits in the bound (3 attempts, 1 and 2 s apart with 20% jitter: up
            // to 3.6 s); the bound is passed at the end of the next failed call (about 6 s in all). A debug binary
            // on a loaded CI machine adds seconds of its own. The full retry schedule alone (5 attempts: up to
            // 18 s) would take more than this, and a run that hangs far more.
            #expect(elapsed < 3 + 17, "stopped within the offline bound and the client's retries: \(elapsed) s")
            let failures = Self.failureLines(result.stderr)
            #expect(failures.count == 1, "exactly one seedance: line: \(result.stderr)")
            let line = failures.first ?? ""
            #expect(line.contains("could not be reached") && line.contains("seedance resume"), "\(line)")
            #expect(line.contains("127.0.0.1:9"), "names the service: \(line)")

            try await Self.expectNothingMadeThenResume(dir, harness)
        }
    }

    @Test func ctrlCWhileCreatesRetryAnUnreachableServiceStillEndsWithTheReport() async throws {
        // The creates are in the client's back-off (about 15 s) when Ctrl-C comes: the stop's drain (10 s) ends
        // before they do and cancels them. Their outcome must still be recorded and the run end as interrupted,
        // with its report and the line that says how to continue.
        try await SimulatorHarness.with { harness in
            let plan = try harness.writePlan(PipelineRunTests.smallPlan)
            let dir = harness.directory.appendingPathComponent("offline-interrupted").path

            let run = try Self.launch(["run", plan, "-o", dir, "--offline-timeout", "120", "--poll-interval", "0.1"],
                                      environment: Self.environment(baseURL: Self.nowhere))
            let sending = try await Self.waitFor(Self.state(dir)) { store in
                try await store.allAttempts().contains { $0.state == .creating }
            }
            #expect(sending, "creates are being sent")
            try await Task.sleep(nanoseconds: 500_000_000)
            let signalled = Date()
            kill(run.process.processIdentifier, SIGINT)
            let status = try await run.wait(timeout: 30)
            #expect(Date().timeIntervalSince(signalled) < 10 + 5, "the drain is bounded")
            #expect(status == 130, "exit status: \(String(describing: status)); \(run.stderr)")
            let failures = Self.failureLines(run.stderr)
            #expect(failures.count == 1, "exactly one seedance: line: \(run.stderr)")
            let line = failures.first ?? ""
            #expect(line.hasPrefix("seedance: interrupted: 0 tasks still running") && line.contains("seedance resume"),
                    "\(line)")
            #expect(Self.exists(dir, "report.json") && Self.exists(dir, "report.html"), "the report is written")

            // The cancelled creates never connected: turned away, they leave no attempt.
            try await Self.expectNothingMadeThenResume(dir, harness)
        }
    }

    // MARK: 3. a refused key

    @Test func aRefusedKeyStopsTheRunAndTheRightKeyResumesIt() async throws {
        try await SimulatorHarness.with { harness in
            let plan = try harness.writePlan(PipelineRunTests.smallPlan)
            let dir = harness.directory.appendingPathComponent("wrong-key").path

            let result = try runSeedance(["run", plan, "-o", dir, "--poll-interval", "0.1"],
                                         environment: Self.environment(baseURL: harness.simulator.baseURL.absoluteString,
                                                                       key: "wrong-key-9876543210"))
            #expect(result.status == 3, "exit status: \(result.status); \(result.stderr)")
            let failures = Self.failureLines(result.stderr)
            #expect(failures.count == 1, "exactly one seedance: line: \(result.stderr)")
            let line = failures.first ?? ""
            #expect(line.contains("API key") && line.contains("seedance resume"), "\(line)")
            #expect(!result.stderr.contains("wrong-key-9876543210"), "the key is never printed")

            try await Self.expectNothingMadeThenResume(dir, harness)
        }
    }

    // MARK: 4. a damaged state file

    @Test func aDamagedStateFileIsNamedWithHowToRecover() async throws {
        let dir = try FixturePaths.temporaryDirectory("damaged")
        defer { try? FileManager.default.removeItem(at: dir) }
        let garbage = Data((0..<16384).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) })
        try garbage.write(to: dir.appendingPathComponent("state.sqlite"))

        let result = try runSeedance(["resume", dir.path], environment: Self.environment(baseURL: Self.nowhere))
        #expect(result.status == 2, "exit status: \(result.status); \(result.stderr)")
        let failures = Self.failureLines(result.stderr)
        #expect(failures.count == 1, "exactly one seedance: line: \(result.stderr)")
        let line = failures.first ?? ""
        #expect(line.contains("is damaged") && line.contains(".recover"), "\(line)")
        #expect(!result.stderr.contains("SQLite error"), "\(result.stderr)")
        // The damaged file is kept as it was, for recovery.
        #expect(try Data(contentsOf: dir.appendingPathComponent("state.sqlite")) == garbage)
    }

    // MARK: 5. identical requests with a plan seed, killed mid-create

    static let identicalPlan = """
        name: identical
        defaults: {seed: 42, resolution: 480p, ratio: "16:9", duration: 4}
        shots:
          - id: a
            prompt: a red kite over a green hill
          - id: b
            prompt: a red kite over a green hill
          - id: c
            prompt: a red kite over a green hill
        """

    @Test func identicalSeededRequestsKilledMidCreateAreEachPaidOnce() async throws {
        // Every answer comes 1.5 s late: the kill lands while a create is out, its answer never recorded.
        try await SimulatorHarness.with(faults: "seed=3,slow=1.0,slow-seconds=1.5") { harness in
            let plan = try harness.writePlan(Self.identicalPlan)
            let dir = harness.directory.appendingPathComponent("identical").path

            let run = try Self.launch(["run", plan, "-o", dir, "--poll-interval", "0.1", "--reconcile-grace", "2"],
                                      environment: Self.environment(harness))
            let reached = try await Self.waitFor(Self.state(dir)) { store in
                try await store.allAttempts().contains { $0.state == .creating }
            }
            #expect(reached, "a create was recorded as being sent")
            kill(run.process.processIdentifier, SIGKILL)
            _ = try await run.wait(timeout: 10)
            #expect(run.process.terminationReason == .uncaughtSignal)

            let result = try runSeedance(["resume", dir, "--reconcile-grace", "2", "--poll-interval", "0.1"],
                                         environment: Self.environment(harness))
            #expect(result.status == 0, "resume finished: \(result.stderr)")
            let store = try SQLiteJobStore(path: Self.state(dir), readOnly: true)
            let shots = try await store.shots()
            #expect(shots.map(\.id).sorted() == ["a", "b", "c"] && shots.allSatisfy { $0.state == .done },
                    "\(shots.map { ($0.id, $0.state) })")
            let attempts = try await store.allAttempts()
            var taskIDs: [String] = []
            for id in ["a", "b", "c"] {
                let made = attempts.filter { $0.shotID == id && $0.taskID != nil }
                #expect(made.count == 1, "shot \(id) has one attempt with a task: \(attempts.filter { $0.shotID == id })")
                taskIDs += made.compactMap(\.taskID)
            }
            #expect(Set(taskIDs).count == 3, "three distinct tasks: \(taskIDs)")
            let everyTaskID = attempts.compactMap(\.taskID)
            #expect(Set(everyTaskID).count == everyTaskID.count, "no two attempts share a task: \(everyTaskID)")
            #expect(shots.compactMap(\.taskID).sorted() == taskIDs.sorted(), "each shot holds its own task")
            let stats = try await harness.simulator.stats()
            #expect(stats.createsAccepted == 3, "no task paid twice: \(stats)")
        }
    }

    // MARK: 6. re-runs and edits

    @Test func reRunningAPlanKeepsItAndAnEditMakesTheShotAndItsChainAgain() async throws {
        try await SimulatorHarness.with { harness in
            let plan = try harness.writePlan(PipelineRunTests.smallPlan)
            let dir = harness.directory.appendingPathComponent("rebuild").path
            let env = Self.environment(harness)
            let common = ["--poll-interval", "0.1", "--yes"]

            let first = try runSeedance(["run", plan, "-o", dir] + common, environment: env)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(try await harness.simulator.stats().createsAccepted == 4)

            // The same plan again: nothing to make.
            let again = try runSeedance(["run", plan, "-o", dir] + common, environment: env)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stderr.contains("4 unchanged"), "\(again.stderr)")
            #expect(Self.failureLines(again.stderr).isEmpty, "\(again.stderr)")
            #expect(try await harness.simulator.stats().createsAccepted == 4)

            // Shot one's prompt edited: one changed, and shot two (which starts from its last frame) downstream.
            let edited = PipelineRunTests.smallPlan.replacingOccurrences(of: "a puppy walks into a room",
                                                                         with: "a puppy tiptoes into a room")
            #expect(edited != PipelineRunTests.smallPlan)
            _ = try harness.writePlan(edited)
            let preview = try runSeedance(["run", plan, "-o", dir, "--dry-run"], environment: env)
            #expect(preview.status == 0, "\(preview.stderr)")
            #expect(preview.stderr.contains("1 changed") && preview.stderr.contains("1 downstream"), "\(preview.stderr)")
            #expect(preview.stderr.contains("2 unchanged"), "\(preview.stderr)")
            #expect(preview.stderr.contains("to create: 2 tasks"), "\(preview.stderr)")
            #expect(try await harness.simulator.stats().createsAccepted == 4, "a dry run sends nothing")
            let beforeEdit = try await SQLiteJobStore(path: Self.state(dir), readOnly: true).shots()
            #expect(beforeEdit.allSatisfy { $0.state == .done && $0.attempts == 1 }, "a dry run changes nothing")

            let rebuilt = try runSeedance(["run", plan, "-o", dir] + common, environment: env)
            #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
            #expect(try await harness.simulator.stats().createsAccepted == 6, "exactly the changed shot and its chained shot")
            let store = try SQLiteJobStore(path: Self.state(dir), readOnly: true)
            let shots = Dictionary(uniqueKeysWithValues: try await store.shots().map { ($0.id, $0) })
            #expect(shots.values.allSatisfy { $0.state == .done })
            #expect(shots["one"]?.attempts == 2 && shots["two"]?.attempts == 2)
            #expect(shots["three"]?.attempts == 1 && shots["four"]?.attempts == 1)
            // The earlier clips stay, beside the new ones; the edit's clip names the new take.
            for clip in ["one-1", "one-2", "two-1", "two-2", "three-1", "four-1"] {
                #expect(Self.exists(dir, "attempts/\(clip).mp4"), "attempts/\(clip).mp4 kept")
            }
            #expect(!Self.exists(dir, "attempts/three-2.mp4") && !Self.exists(dir, "attempts/four-2.mp4"))
            #expect(try Self.sameFile(dir, "clips/one.mp4", "attempts/one-2.mp4"))
            #expect(try Self.sameFile(dir, "clips/two.mp4", "attempts/two-2.mp4"))
        }
    }

    /// Whether two paths in the run are the same file (a hard link) or byte-identical copies.
    static func sameFile(_ dir: String, _ a: String, _ b: String) throws -> Bool {
        let pa = (dir as NSString).appendingPathComponent(a), pb = (dir as NSString).appendingPathComponent(b)
        var sa = stat(), sb = stat()
        if stat(pa, &sa) == 0, stat(pb, &sb) == 0, sa.st_ino == sb.st_ino, sa.st_dev == sb.st_dev { return true }
        return try Data(contentsOf: URL(fileURLWithPath: pa)) == Data(contentsOf: URL(fileURLWithPath: pb))
    }
}
