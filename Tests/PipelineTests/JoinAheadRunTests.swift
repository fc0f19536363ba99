import Foundation
import Logging
import Media
import Pipeline
import Testing
import TestSupport

/// The final join made ahead: the clips at the head of the edit are joined while later shots are made, and
/// `final.mp4` is the same file a join of every clip at the end makes.
@Suite(.serialized) struct JoinAheadRunTests {
    /// Chained shots are made one after another, so the first ones are done (and joined ahead) long before the last.
    static let chainedPlan = """
        name: joined ahead
        defaults: {resolution: 480p, ratio: "16:9", duration: 4, audio: true}
        shots:
          - id: one
            prompt: a kite rises over a beach
          - id: two
            prompt: the kite loops
            first_frame: previous
          - id: three
            prompt: the kite dives
            first_frame: previous
          - id: four
            prompt: the kite lands on the sand
            first_frame: previous
        """

    var logger: Logger { var l = Logger(label: "test.join-ahead"); l.logLevel = .critical; return l }

    /// The "joining N clips" note of a run's events.
    static func joiningNote(_ events: [RunEvent]) -> String? {
        events.compactMap { if case .note(let text) = $0, text.hasPrefix("joining") { text } else { nil } }.first
    }

    @Test func theFinalVideoIsJoinedAheadAndIsTheSameAsAJoinAtTheEnd() async throws {
        try await SimulatorHarness.with { harness in
            let plan = try harness.writePlan(Self.chainedPlan)
            let events = Locked<[RunEvent]>([])
            let configuration = harness.configuration("ahead")
            let runner = try await PipelineRunner(plan: try PlanLoader.load(path: plan), planFile: plan,
                                                  configuration: configuration, service: harness.service,
                                                  logger: logger, observer: { e in events.withLock { $0.append(e) } })
            let summary = try await runner.run()
            #expect(summary.done == 4 && summary.finalPassed == true)
            let note = try #require(Self.joiningNote(events.withLock { $0 }))
            // Shot four starts only after three is done: at least the first three were joined while it was made.
            let ahead = note.split(separator: "(").last.flatMap { Int($0.prefix { $0.isNumber }) } ?? 0
            #expect(note.contains("joined ahead") && ahead >= 3, "\(note)")

            let layout = try RunLayout(directory: configuration.outputDirectory)
            let clips = ["one", "two", "three", "four"].map { layout.absolute(layout.clip($0)) }
            let atTheEnd = configuration.outputDirectory + "-at-the-end.mp4"
            _ = try await concatenate(clips, to: atTheEnd)
            let final = try Data(contentsOf: URL(fileURLWithPath: try #require(summary.finalVideo)))
            #expect(final == (try Data(contentsOf: URL(fileURLWithPath: atTheEnd))), "final.mp4 differs from a join at the end")
            let left = try FileManager.default.contentsOfDirectory(atPath: configuration.outputDirectory)
            #expect(!left.contains { $0.contains(".part") }, "\(left)")
        }
    }

    @Test func withoutJoiningAheadEverythingIsJoinedAtTheEnd() async throws {
        try await SimulatorHarness.with { harness in
            let plan = try harness.writePlan(Self.chainedPlan)
            let events = Locked<[RunEvent]>([])
            var configuration = harness.configuration("at-end")
            configuration.joinAhead = false
            let runner = try await PipelineRunner(plan: try PlanLoader.load(path: plan), planFile: plan,
                                                  configuration: configuration, service: harness.service,
                                                  logger: logger, observer: { e in events.withLock { $0.append(e) } })
            let summary = try await runner.run()
            #expect(summary.done == 4 && summary.finalPassed == true)
            #expect(Self.joiningNote(events.withLock { $0 }) == "joining 4 clips into final.mp4")
        }
    }

    @Test func aStoppedRunLeavesNoHalfJoinBehind() async throws {
        try await SimulatorHarness.with(timeScale: 0.05) { harness in
            let plan = try harness.writePlan(Self.chainedPlan)
            let configuration = harness.configuration("stopped")
            let runner = try await PipelineRunner(plan: try PlanLoader.load(path: plan), planFile: plan,
                                                  configuration: configuration, service: harness.service,
                                                  logger: logger, observer: { event in
                                                      // Stop once two shots are done: the join ahead holds them.
                                                      if case .shot("two", .done, _) = event {
                                                          Task { await runnerBox.value?.stop(.interrupted) }
                                                      }
                                                  })
            runnerBox.value = runner
            let summary = try await runner.run()
            #expect(summary.ending == .interrupted)
            #expect(summary.finalVideo == nil)
            let left = try FileManager.default.contentsOfDirectory(atPath: configuration.outputDirectory)
            #expect(!left.contains { $0.contains(".part") || $0 == "final.mp4" }, "\(left)")
        }
    }
}

/// The runner of `aStoppedRunLeavesNoHalfJoinBehind`, for its observer to stop.
private let runnerBox = Locked<PipelineRunner?>(nil)

private extension Locked where Value == PipelineRunner? {
    var value: PipelineRunner? {
        get { withLock { $0 } }
        set { withLock { $0 = newValue } }
    }
}
