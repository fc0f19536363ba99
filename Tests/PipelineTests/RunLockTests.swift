import Foundation
import Logging
import Pipeline
import Testing
import TestSupport

/// One process at a time drives a run folder (two would each reconcile and create, paying twice), and a runner
/// that takes a folder over clears what a killed process left half-written.
@Suite(.serialized) struct RunLockTests {
    var logger: Logger { var l = Logger(label: "test.lock"); l.logLevel = .critical; return l }

    @Test func aSecondProcessIsRefusedWhileTheFirstHoldsTheRun() async throws {
        try await SimulatorHarness.with { harness in
            let plan = try harness.writePlan(PipelineRunTests.smallPlan)
            let configuration = harness.configuration("locked")
            let dir = configuration.outputDirectory

            // What a process killed mid-write leaves behind: every temporary name each writer gives each kind of
            // file the run writes (taken from the writers' own naming, so the test plants what they really write).
            let layout = try RunLayout(directory: dir)
            let written = [layout.clip("one"), layout.attemptClip("one", attempt: 1), layout.final, layout.poster("one"),
                           layout.lastFrame("one"), layout.sheet("one"), layout.reportJSON, layout.reportHTML,
                           "edit.otio", "edit.fcpxml", "previews/one.mp4", "inputs/party-room.png"]
            let leftovers = written.flatMap { layout.temporaryNames(of: $0) }
            #expect(leftovers.count == 3 * written.count)
            for path in leftovers {
                #expect(RunLayout.isTemporaryName((path as NSString).lastPathComponent), "\(path) is recognised")
                #expect(FileManager.default.createFile(atPath: path, contents: Data([0, 1, 2])), "\(path)")
            }
            let keep = dir + "/clips/notes.txt"
            #expect(FileManager.default.createFile(atPath: keep, contents: Data("mine".utf8)))

            var first: PipelineRunner? = try await PipelineRunner(plan: try PlanLoader.load(path: plan), planFile: plan,
                                                            configuration: configuration, service: harness.service,
                                                            logger: logger)
            // The claim is real: the lock file names this process, and the kernel refuses another exclusive lock on it
            // (flock locks belong to an open file description, so a second open in this process is refused too).
            let lockFile = dir + "/.lock"
            let holder = String(decoding: try #require(FileManager.default.contents(atPath: lockFile)), as: UTF8.self)
            #expect(holder.trimmingCharacters(in: .whitespacesAndNewlines) == "\(getpid())")
            let other = open(lockFile, O_RDWR | O_CLOEXEC)
            try #require(other >= 0, "open \(lockFile)")
            #expect(flock(other, LOCK_EX | LOCK_NB) != 0, "the run's lock is held while the first runner lives")
            close(other)
            for path in leftovers { #expect(!FileManager.default.fileExists(atPath: path), "\(path) removed") }
            #expect(FileManager.default.fileExists(atPath: keep), "only temporary files are removed")

            // Another runner in this process, and the real binary in another, are both refused.
            await #expect {
                _ = try await PipelineRunner.resume(directory: dir, configuration: configuration, service: harness.service,
                                              logger: logger)
            } throws: { error in
                (error as? StoreError)?.reason.contains("another seedance process (pid \(getpid()))") == true
            }
            var env = ProcessInfo.processInfo.environment
            env["SEEDANCE_BASE_URL"] = harness.simulator.baseURL.absoluteString
            env["SEEDANCE_API_KEY"] = SimulatorHarness.apiKey
            for arguments in [["resume", dir], ["run", plan, "-o", dir]] {
                let refused = try runSeedance(arguments + ["--poll-interval", "0.1"], environment: env)
                #expect(refused.status == 2, "\(arguments[0]): \(refused.stderr)")
                #expect(refused.stderr.contains("another seedance process (pid \(getpid())) is running this run"))
            }
            #expect(try await harness.simulator.stats().createsAccepted == 0, "the refused processes created nothing")

            // Once the holder is gone the run can be taken over and finished.
            withExtendedLifetime(first) {}
            first = nil
            let second = try await PipelineRunner(plan: try PlanLoader.load(path: plan), planFile: plan,
                                                  configuration: configuration, service: harness.service, logger: logger)
            let summary = try await second.run()
            #expect(summary.done == 4)
            #expect(try await harness.simulator.stats().createsAccepted == 4)
        }
    }
}
