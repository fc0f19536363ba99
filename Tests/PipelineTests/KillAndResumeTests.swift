import Foundation
import Media
import Pipeline
import Testing
import TestSupport

/// `seedance run` killed with SIGKILL at several points and resumed: every shot is created exactly once.
@Suite(.serialized) struct KillAndResumeTests {
    enum KillPoint: String, CaseIterable {
        /// Right after the first create was recorded as being sent (its answer may not be recorded).
        case firstCreateSent
        /// After some shot is queued at the service.
        case someShotQueued
        /// After the first clip was verified.
        case firstShotDone
    }

    func environment(_ harness: SimulatorHarness) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["SEEDANCE_BASE_URL"] = harness.simulator.baseURL.absoluteString
        env["SEEDANCE_API_KEY"] = SimulatorHarness.apiKey
        return env
    }

    /// Starts the binary; returns the process (output to /dev/null).
    func launch(_ arguments: [String], environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = FixturePaths.seedanceBinary
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits until `condition` holds for the run's store (read-only, by the same helper as the run commands' tests).
    func waitFor(_ state: String, _ condition: (SQLiteJobStore) async throws -> Bool, timeout: Double = 60) async throws -> Bool {
        try await RunCommandTests.waitFor(state, timeout: timeout, condition)
    }

    @Test(arguments: KillPoint.allCases)
    func killedRunsResumeWithoutCreatingAnyTaskTwice(_ point: KillPoint) async throws {
        // Slow answers widen the window between sending a create and recording its answer.
        try await SimulatorHarness.with(faults: "seed=3,slow=0.3,slow-seconds=0.4", timeScale: 0.01) { harness in
            let plan = try harness.writePlan(PipelineRunTests.smallPlan)
            let dir = harness.directory.appendingPathComponent("killed").path
            let state = (dir as NSString).appendingPathComponent("state.sqlite")
            let env = environment(harness)
            let common = ["--poll-interval", "0.1", "--reconcile-grace", "2"]

            let first = try launch(["run", plan, "-o", dir] + common, environment: env)
            let reached = try await waitFor(state) { store in
                switch point {
                case .firstCreateSent: return try await !store.allAttempts().isEmpty
                case .someShotQueued: return try await store.shots().contains { $0.state == .queued || $0.state == .running }
                case .firstShotDone: return try await store.shots().contains { $0.state == .done }
                }
            }
            #expect(reached, "the run reached \(point)")
            kill(first.processIdentifier, SIGKILL)
            first.waitUntilExit()
            #expect(first.terminationReason == .uncaughtSignal)

            // Resume, kill once more a moment later, then resume to the end.
            let second = try launch(["resume", dir] + common, environment: env)
            try await Task.sleep(nanoseconds: 400_000_000)
            kill(second.processIdentifier, SIGKILL)
            second.waitUntilExit()

            let last = try runSeedance(["resume", dir] + common, environment: env)
            #expect(last.status == 0, "resume finished: \(last.stderr)")

            let store = try SQLiteJobStore(path: state)
            #expect(try await store.shots().allSatisfy { $0.state == .done })
            let stats = try await harness.simulator.stats()
            #expect(stats.createsAccepted == 4, "each shot created exactly once after kills at \(point): \(stats)")
            let madeTasks = Set(try await store.allAttempts().compactMap(\.taskID))
            #expect(madeTasks.count == 4)
            #expect(FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("final.mp4")))
            #expect(FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("report.html")))
        }
    }

    @Test func generateMakesOneVerifiedClipAndNamesBadFlags() async throws {
        try await SimulatorHarness.with { harness in
            let env = environment(harness)
            let dir = harness.directory.appendingPathComponent("one").path
            let image = FixturePaths.fixture("demo/garden.png")
            let result = try runSeedance(["generate", "--prompt", "a kite", "--image", "\(image):first_frame",
                                          "--resolution", "480p", "--duration", "4", "--poll-interval", "0.1", "-o", dir],
                                         environment: env)
            #expect(result.status == 0, "\(result.stderr)")
            let info = try probe((dir as NSString).appendingPathComponent("clips/shot-01.mp4"))
            #expect(info.video?.width == 864 && info.video?.frameCount == 97)
            let store = try SQLiteJobStore(path: (dir as NSString).appendingPathComponent("state.sqlite"), readOnly: true)
            #expect(try await store.shots().first?.qaPassed == true)

            let bad = try runSeedance(["generate", "--prompt", "x", "--image", "missing.png", "-o", dir + "2"], environment: env)
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("--image: missing.png: cannot read the file"))
            #expect(try await harness.simulator.stats().createsAccepted == 1)
        }
    }

    @Test func aBrokenPlanNamesTheLineAndTheField() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = dir.appendingPathComponent("plan.yaml")
        try "defaults:\n  resolution: 720p\nshots:\n  - prompt: a\n  - prompt: b\n    duration: ten\n"
            .write(to: plan, atomically: true, encoding: .utf8)
        let result = try runSeedance(["run", plan.path, "-o", dir.appendingPathComponent("out").path],
                                     environment: ["SEEDANCE_API_KEY": "x", "SEEDANCE_BASE_URL": "http://127.0.0.1:9/api/v3"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(plan.path):6: shots[1].duration: expected a whole number of seconds"))
    }
}
