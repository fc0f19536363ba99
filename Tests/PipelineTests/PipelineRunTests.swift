import Foundation
import Logging
import Media
import Pipeline
import QA
import SeedanceAPI
import Testing
import TestSupport

/// Whole runs through the simulator on loopback.
@Suite(.serialized) struct PipelineRunTests {
    static let smallPlan = """
        name: test edit
        defaults: {resolution: 480p, ratio: "16:9", duration: 4, audio: true}
        shots:
          - id: one
            prompt: a puppy walks into a room
            images: [{path: party-room.png, role: first_frame}]
          - id: two
            prompt: the puppy eats cake
            first_frame: previous
          - id: three
            prompt: the puppy runs in the garden
          - id: four
            prompt: the puppy sleeps
        """

    var logger: Logger { var l = Logger(label: "test.pipeline"); l.logLevel = .critical; return l }

    @Test func aPlanBecomesVerifiedClipsAFinalVideoAndReports() async throws {
        try await SimulatorHarness.with { harness in
            let plan = try harness.writePlan(Self.smallPlan)
            let configuration = harness.configuration("run")
            let runner = try await PipelineRunner(plan: try PlanLoader.load(path: plan), planFile: plan,
                                            configuration: configuration, service: harness.service, logger: logger)
            let summary = try await runner.run()
            #expect(summary.done == 4 && summary.failed == 0)
            #expect(summary.creates == 4)
            #expect(summary.finalPassed == true)
            #expect(try await harness.simulator.stats().createsAccepted == 4)
            // 4 clips of 97 frames at 864x496, joined.
            let final = try probe(try #require(summary.finalVideo))
            #expect(final.video?.width == 864 && final.video?.height == 496)
            #expect(abs((final.duration ?? 0) - 4 * 97.0 / 24) < 4.0 / 24)
            #expect(final.audio != nil)
            let layout = try RunLayout(directory: configuration.outputDirectory)
            for id in ["one", "two", "three", "four"] {
                #expect(FileManager.default.fileExists(atPath: layout.absolute(layout.clip(id))))
                let poster = try loadImage(layout.absolute(layout.poster(id)))
                #expect(poster.width == 640)
                #expect(FileManager.default.fileExists(atPath: layout.absolute(layout.sheet(id))))
            }
            // The report says the same, readably.
            let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: layout.absolute("report.json"))))
            #expect(report.shots.map(\.id) == ["one", "two", "three", "four"])
            #expect(report.shots.allSatisfy { $0.qaPassed == true && $0.qa?.passed == true && $0.tokens ?? 0 > 0 })
            #expect(report.totals.tokens == report.totals.estimatedTokens)
            #expect(report.final?.passed == true)
            let html = try String(contentsOfFile: layout.absolute("report.html"), encoding: .utf8)
            #expect(html.contains("<video") && html.contains("thumbs/two-sheet.png") && html.contains("class=\"pass\""))
        }
    }

    @Test func shotTwoStartsFromShotOnesExactLastFrame() async throws {
        try await SimulatorHarness.with { harness in
            let plan = try harness.writePlan(Self.smallPlan)
            let configuration = harness.configuration("chain")
            let runner = try await PipelineRunner(plan: try PlanLoader.load(path: plan), planFile: plan,
                                            configuration: configuration, service: harness.service, logger: logger)
            _ = try await runner.run()
            let layout = try RunLayout(directory: configuration.outputDirectory)
            let store = try SQLiteJobStore(path: layout.state)
            let two = try #require(try await store.shot("two"))
            let one = try #require(try await store.shot("one"))
            // Shot two was submitted only after shot one finished, and its body carried a first frame.
            #expect((two.startedAt ?? 0) >= (one.finishedAt ?? .infinity))
            let last = try loadImage(layout.absolute(try #require(one.lastFramePath)))
            let decodedLast = try lastFrame(of: layout.absolute(try #require(one.clipPath)))
            #expect(last.width == decodedLast.width && last.rgb == decodedLast.rgb)
        }
    }

    @Test func ambiguousCreatesAreReconciledNeverResent() async throws {
        // Half of all calls drop the connection without an answer; a dropped create did make its task.
        try await SimulatorHarness.with(faults: "seed=11,drop=0.5") { harness in
            let plan = try harness.writePlan(Self.smallPlan)
            let configuration = harness.configuration("drops")
            let runner = try await PipelineRunner(plan: try PlanLoader.load(path: plan), planFile: plan,
                                            configuration: configuration, service: harness.service, logger: logger)
            let summary = try await runner.run()
            #expect(summary.done == 4 && summary.failed == 0)
            let stats = try await harness.simulator.stats()
            #expect((stats.faults["drop"] ?? 0) > 0)
            #expect(stats.createsAccepted == 4, "each shot created exactly once: \(stats)")
            let store = try SQLiteJobStore(path: RunLayout(directory: configuration.outputDirectory).state)
            var reconciled: [EventRecord] = []
            for shot in try await store.shots() {
                reconciled += try await store.events(shotID: shot.id).filter { $0.detail?.hasPrefix("reconciled") == true }
            }
            #expect(!reconciled.isEmpty, "some create was ambiguous and reconciled")
        }
    }

    @Test func badClipsAndModerationFailuresAreRegeneratedAndCounted() async throws {
        try await SimulatorHarness.with(faults: "seed=5,black=0.3,fail=0.2,truncate=0.3,expire=0.3") { harness in
            let plan = try harness.writePlan(Self.smallPlan)
            var configuration = harness.configuration("regenerate")
            configuration.maxRegenerations = 4
            let runner = try await PipelineRunner(plan: try PlanLoader.load(path: plan), planFile: plan,
                                            configuration: configuration, service: harness.service, logger: logger)
            let summary = try await runner.run()
            #expect(summary.done + summary.failed == 4, "every shot ends in a definite state")
            let store = try SQLiteJobStore(path: RunLayout(directory: configuration.outputDirectory).state)
            let attempts = try await store.allAttempts()
            let stats = try await harness.simulator.stats()
            #expect(stats.createsAccepted == attempts.filter { $0.taskID != nil }.count)
            #expect(attempts.contains { $0.state == .rejected || $0.state == .failed }, "a fault was met: \(stats.faults)")
            #expect(attempts.count > 4)
            // Every create that made a task is billed and counted in the shot's tokens.
            for shot in try await store.shots() {
                let billed = try await store.attempts(shotID: shot.id).compactMap(\.tokens).reduce(0, +)
                #expect(shot.tokens ?? 0 == billed)
            }
            for shot in try await store.shots() where shot.state == .done {
                #expect(shot.qaPassed == true)
            }
        }
    }
}
