import Foundation
import Logging
import Media
import Pipeline
import Simulator
import QA
import Testing
import TestSupport

/// In runs, every chained shot is checked against the last frame of the shot before it, with its other QA.
@Suite(.serialized) struct ContinuityRunTests {
    static let plan = """
        name: chained
        defaults: {resolution: 480p, ratio: "16:9", duration: 4, audio: true}
        shots:
          - id: one
            prompt: a puppy walks into a room
            images: [{path: party-room.png, role: first_frame}]
          - id: two
            prompt: the puppy eats cake
            first_frame: previous
        """

    var logger: Logger { var l = Logger(label: "test.continuity"); l.logLevel = .critical; return l }

    static func qa(_ shot: ShotRecord) throws -> QAReport {
        try JSONDecoder().decode(QAReport.self, from: Data(try #require(shot.qa).utf8))
    }

    @Test func aChainedShotThatContinuesPassesItsContinuityCheck() async throws {
        try await SimulatorHarness.with { harness in
            let plan = try harness.writePlan(Self.plan)
            let configuration = harness.configuration("continues")
            let runner = try await PipelineRunner(plan: try PlanLoader.load(path: plan), planFile: plan,
                                                  configuration: configuration, service: harness.service,
                                                  logger: logger)
            let summary = try await runner.run()
            #expect(summary.done == 2 && summary.failed == 0 && summary.creates == 2)
            let layout = try RunLayout(directory: configuration.outputDirectory)
            let store = try SQLiteJobStore(path: layout.state)
            let one = try #require(try await store.shot("one")), two = try #require(try await store.shot("two"))
            #expect(try Self.qa(one)[QA.continuityCheckName] == nil, "only chained shots are checked")
            let check = try #require(try Self.qa(two)[QA.continuityCheckName])
            #expect(check.verdict == .pass, "\(check)")
            // The first shot starts from its image, the second from the first's last frame.
            let first = try extractFrame(from: layout.absolute(try #require(one.clipPath)), at: .seconds(0))
            let room = try coverFittedImage(FixturePaths.fixture("demo/party-room.png"), width: 864, height: 496)
            #expect(try #require(first.lumaPSNR(against: room)) >= 35)
        }
    }

    @Test func aChainedShotThatStartsElsewhereFailsQAAndIsMadeAgain() async throws {
        // A seed whose first wrong-start chance (shot one) misses and the next two (both attempts of shot two) strike.
        let seed = try #require((0..<10_000).first { seed in
            guard let faults = try? FaultPlan(spec: "seed=\(seed),wrong-start=0.5") else { return false }
            return [0, 1, 2].map { faults.strikes(FaultKind.wrongStart, ordinal: $0) } == [false, true, true]
        })
        try await SimulatorHarness.with(faults: "seed=\(seed),wrong-start=0.5") { harness in
            let plan = try harness.writePlan(Self.plan)
            var configuration = harness.configuration("elsewhere")
            configuration.maxRegenerations = 1
            let runner = try await PipelineRunner(plan: try PlanLoader.load(path: plan), planFile: plan,
                                                  configuration: configuration, service: harness.service,
                                                  logger: logger)
            let summary = try await runner.run()
            let layout = try RunLayout(directory: configuration.outputDirectory)
            let store = try SQLiteJobStore(path: layout.state)
            let one = try #require(try await store.shot("one")), two = try #require(try await store.shot("two"))
            #expect(one.state == .done)
            #expect(two.state == .failed && two.attempts == 2, "\(two.state) after \(two.attempts) attempts")
            let check = try #require(try Self.qa(two)[QA.continuityCheckName])
            #expect(check.verdict == .fail, "\(check)")
            #expect(summary.failed == 1)
        }
    }
}
