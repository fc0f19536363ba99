import Foundation
import Logging
import Media
import Pipeline
import QA
import SeedanceAPI
import Testing
import TestSupport

/// In a run, a QA failure pays for a regeneration (within the budget); a warning is reported and the clip kept.
/// The simulator renders clips shaped like real Seedance 2.0 deliveries: moov at the end, speech with pauses.
@Suite(.serialized) struct OnlyFailuresCostMoneyTests {
    static let plan = """
        defaults: {model: doubao-seedance-2-0-260128, resolution: 480p, ratio: "16:9", duration: 8, audio: true}
        shots:
          - id: talk
            prompt: two friends talk on a bench, pausing between lines
          - id: reply
            prompt: one of them laughs and answers
        """

    @Test func aClipWithOnlyWarningsIsKeptAndNotMadeAgain() async throws {
        try await SimulatorHarness.with(realDeliveries: true) { harness in
            let planFile = try harness.writePlan(Self.plan)
            let configuration = harness.configuration("warnings")
            let runner = try await PipelineRunner(plan: try PlanLoader.load(path: planFile), planFile: planFile,
                                                  configuration: configuration, service: harness.service,
                                                  logger: SimulatorHarness.quietLogger("test.warnings"))
            let summary = try await runner.run()
            #expect(summary.done == 2 && summary.failed == 0, "\(summary)")
            let stats = try await harness.simulator.stats()
            #expect(stats.createsAccepted == 2, "one task a shot: warnings cost nothing: \(stats)")
            let store = try SQLiteJobStore(path: RunLayout(directory: configuration.outputDirectory).state)
            for shot in try await store.shots() {
                let report = try JSONDecoder().decode(QAReport.self, from: Data(try #require(shot.qa).utf8))
                #expect(report.passed && report.verdict == .warn, "\(shot.id): \(report.failures)")
                #expect(report["faststart"]?.verdict == .warn, "the delivery's moov is at the end")
                #expect(report["silence"]?.verdict != .fail)
                #expect(report["audio"]?.actual.hasPrefix("aac 44100 Hz") == true, "\(report["audio"]?.actual ?? "")")
                #expect(try await store.attempts(shotID: shot.id).map(\.state) == [.succeeded])
            }
        }
    }

    @Test func aClipWithAFailureIsMadeAgainWithinTheBudget() async throws {
        try await SimulatorHarness.with(faults: "silent=1", realDeliveries: true) { harness in
            let planFile = try harness.writePlan(Self.plan)
            var configuration = harness.configuration("failures")
            configuration.maxRegenerations = 1
            let runner = try await PipelineRunner(plan: try PlanLoader.load(path: planFile), planFile: planFile,
                                                  configuration: configuration, service: harness.service,
                                                  logger: SimulatorHarness.quietLogger("test.failures"))
            let summary = try await runner.run()
            #expect(summary.done == 0 && summary.failed == 2, "\(summary)")
            let stats = try await harness.simulator.stats()
            #expect(stats.createsAccepted == 4, "each failed clip paid for one regeneration: \(stats)")
            let store = try SQLiteJobStore(path: RunLayout(directory: configuration.outputDirectory).state)
            for shot in try await store.shots() {
                let report = try JSONDecoder().decode(QAReport.self, from: Data(try #require(shot.qa).utf8))
                #expect(report.failures.map(\.name) == ["audio"], "\(shot.id)")
                #expect(try await store.attempts(shotID: shot.id).map(\.state) == [.rejected, .rejected])
            }
        }
    }

    @Test func thePlansThresholdsDecideWhatFails() async throws {
        // The same warning-only deliveries fail when the plan refuses any track difference at all.
        try await SimulatorHarness.with(realDeliveries: true) { harness in
            let planFile = try harness.writePlan("qa: {track-tolerance: 0, track-limit: 0.001}\n" + Self.plan)
            var configuration = harness.configuration("strict")
            configuration.maxRegenerations = 0
            do {
                let runner = try await PipelineRunner(plan: try PlanLoader.load(path: planFile), planFile: planFile,
                                                      configuration: configuration, service: harness.service,
                                                      logger: SimulatorHarness.quietLogger("test.strict"))
                let summary = try await runner.run()
                #expect(summary.failed == 2, "\(summary)")
                let store = try SQLiteJobStore(path: RunLayout(directory: configuration.outputDirectory).state)
                for shot in try await store.shots() {
                    let report = try JSONDecoder().decode(QAReport.self, from: Data(try #require(shot.qa).utf8))
                    #expect(report.failures.map(\.name) == ["track_durations"], "\(shot.id)")
                }
            }  // the first runner lets go of the folder here
            // --threshold over the plan's: the same folder, resumed with the failed shots retried, passes.
            var lenient = harness.configuration("strict")
            lenient.thresholdChanges = ["track-limit=0.5", "track-tolerance=0.1"]
            let resumed = try await PipelineRunner.resume(directory: configuration.outputDirectory,
                                                          configuration: lenient, service: harness.service,
                                                          logger: SimulatorHarness.quietLogger("test.strict"),
                                                          retryFailed: true)
            let again = try await resumed.run()
            #expect(again.done == 2 && again.failed == 0, "\(again)")
        }
    }

    @Test func generateSaysWhichWarningsItKeptAndTakesThresholds() async throws {
        try await SimulatorHarness.with(realDeliveries: true) { harness in
            var env = ProcessInfo.processInfo.environment
            env["SEEDANCE_BASE_URL"] = harness.simulator.baseURL.absoluteString
            env["SEEDANCE_API_KEY"] = SimulatorHarness.apiKey
            let dir = harness.directory.appendingPathComponent("generated").path
            let result = try runSeedance(["generate", "--prompt", "two friends talk", "--resolution", "480p",
                                          "--duration", "4", "--poll-interval", "0.1", "-o", dir], environment: env)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("verified, with warnings: faststart"), "\(result.stderr)")
            #expect(try await harness.simulator.stats().createsAccepted == 1)
            // A threshold that turns the delivery's longer audio into a failure pays for the one regeneration asked.
            let strict = try runSeedance(["generate", "--prompt", "two friends talk", "--resolution", "480p",
                                          "--duration", "4", "--poll-interval", "0.1", "--regenerations", "1",
                                          "--threshold", "track-tolerance=0", "--threshold", "track-limit=0.001",
                                          "-o", dir + "-strict"], environment: env)
            #expect(strict.status == 1, "\(strict.stdout)\(strict.stderr)")
            #expect(strict.stderr.contains("QA failed: track_durations"), "\(strict.stderr)")
            #expect(try await harness.simulator.stats().createsAccepted == 3)
            let bad = try runSeedance(["generate", "--prompt", "x", "--threshold", "pause=soon", "-o", dir + "-bad"],
                                      environment: env)
            #expect(bad.status == 2)
            #expect(bad.stderr.hasPrefix("seedance: --threshold pause: expected a number"), "\(bad.stderr)")
            #expect(try await harness.simulator.stats().createsAccepted == 3)
        }
    }

    @Test func aPlansLoudnessTargetSetsTheFinalVideosLevel() async throws {
        try await SimulatorHarness.with(realDeliveries: true) { harness in
            let planFile = try harness.writePlan("loudness: -23\n" + Self.plan)
            let configuration = harness.configuration("loudness")
            let runner = try await PipelineRunner(plan: try PlanLoader.load(path: planFile), planFile: planFile,
                                                  configuration: configuration, service: harness.service,
                                                  logger: SimulatorHarness.quietLogger("test.loudness"))
            let summary = try await runner.run()
            #expect(summary.done == 2)
            let final = try RunLayout(directory: configuration.outputDirectory).absolute("final.mp4")
            let level = try #require(try measureLoudness(final))
            #expect(abs(level + 23) <= 1, "final.mp4 at \(level) LUFS")
            // The edit for editing software lies beside it, the shots' clips in edit order.
            for ext in ["otio", "fcpxml", "xml"] {
                let text = try String(contentsOfFile: (final as NSString).deletingLastPathComponent + "/edit.\(ext)",
                                      encoding: .utf8)
                let talk = try #require(text.range(of: "clips/talk.mp4"), "edit.\(ext)")
                let reply = try #require(text.range(of: "clips/reply.mp4"), "edit.\(ext)")
                #expect(talk.lowerBound < reply.lowerBound, "edit.\(ext) keeps the edit order")
            }
        }
    }
}
