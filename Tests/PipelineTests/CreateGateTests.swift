import Foundation
import Pipeline
import Testing
import TestSupport

/// `RunConfiguration.createGate` is asked before every create, first attempts and regenerations alike: a refused
/// create is never sent, its shot stays pending, the run collects what is out and ends with `.budget`, and a resume
/// with a gate that allows it finishes the run.
@Suite(.serialized) struct CreateGateTests {
    /// Lets the first `allowed` creates through (nil: all), and remembers every create it was asked about.
    final class CountingGate: CreateGate {
        let allowed: Int?
        let asked = Locked<[String]>([])
        let passed = Locked<Int>(0)

        init(allowed: Int?) { self.allowed = allowed }

        func authorize(shot: String, attempt: Int, estimatedTokens: Int?) async -> CreateAuthorization {
            asked.withLock { $0.append("\(shot)#\(attempt)") }
            return passed.withLock { count in
                if let allowed, count >= allowed { return .refused("the test gate allows \(allowed) creates") }
                count += 1
                return .go
            }
        }
    }

    @Test func aGateAllowingTwoCreatesSendsTwoAndTheResumeFinishes() async throws {
        try await SimulatorHarness.with { harness in
            let plan = try harness.writePlan(PipelineRunTests.smallPlan)
            var configuration = harness.configuration("gated")
            let gate = CountingGate(allowed: 2)
            configuration.createGate = gate
            let logger = SimulatorHarness.quietLogger("test.gate")
            let summary = try await PipelineRunner(plan: try PlanLoader.load(path: plan), planFile: plan,
                                                   configuration: configuration, service: harness.service,
                                                   logger: logger).run()
            #expect(summary.ending == .budget("the test gate allows 2 creates"), "\(summary)")
            #expect(try await harness.simulator.stats().createsAccepted == 2)
            // "two" starts from "one"'s last frame, so "one" and "three" go first; "four" is refused.
            #expect(gate.asked.withLock { $0 } == ["one#1", "three#1", "four#1"])
            #expect(summary.done == 2 && summary.failed == 0, "what was created is collected: \(summary)")
            #expect(summary.finalVideo == nil)
            let store = try SQLiteJobStore(path: RunLayout(directory: configuration.outputDirectory).state)
            let states = Dictionary(uniqueKeysWithValues: try await store.shots().map { ($0.id, $0.state) })
            #expect(states == ["one": .done, "two": .pending, "three": .done, "four": .pending])
            #expect(try await store.attempts(shotID: "four").isEmpty, "a refused create leaves no attempt")

            var open = configuration
            open.createGate = CountingGate(allowed: nil)
            let resumed = try await PipelineRunner.resume(directory: configuration.outputDirectory,
                                                          configuration: open, service: harness.service,
                                                          logger: logger).run()
            #expect(resumed.ending == .finished, "\(resumed)")
            #expect(resumed.done == 4 && resumed.failed == 0, "\(resumed)")
            #expect(resumed.finalVideo != nil)
            #expect(try await harness.simulator.stats().createsAccepted == 4)
        }
    }

    @Test func aRegenerationAfterAFailedClipIsGatedToo() async throws {
        // Every clip has silent audio: QA fails it, and the shot is to be made again.
        try await SimulatorHarness.with(faults: "silent=1") { harness in
            let plan = try harness.writePlan("""
                defaults: {resolution: 480p, ratio: "16:9", duration: 4, audio: true}
                shots:
                  - id: one
                    prompt: two friends talk in a kitchen
                """)
            var configuration = harness.configuration("regenerate")
            configuration.maxRegenerations = 1
            let gate = CountingGate(allowed: 1)
            configuration.createGate = gate
            let logger = SimulatorHarness.quietLogger("test.gate")
            let summary = try await PipelineRunner(plan: try PlanLoader.load(path: plan), planFile: plan,
                                                   configuration: configuration, service: harness.service,
                                                   logger: logger).run()
            #expect(summary.ending == .budget("the test gate allows 1 creates"), "\(summary)")
            #expect(gate.asked.withLock { $0 } == ["one#1", "one#2"])
            #expect(try await harness.simulator.stats().createsAccepted == 1, "the regeneration was not sent")
            let store = try SQLiteJobStore(path: RunLayout(directory: configuration.outputDirectory).state)
            let shot = try #require(try await store.shots().first)
            #expect(shot.state == .pending, "the shot waits for a resume: \(shot.state)")
            #expect(try await store.attempts(shotID: "one").map(\.state) == [.rejected])

            var open = configuration
            open.createGate = CountingGate(allowed: nil)
            let resumed = try await PipelineRunner.resume(directory: configuration.outputDirectory,
                                                          configuration: open, service: harness.service,
                                                          logger: logger).run()
            #expect(resumed.ending == .finished, "\(resumed)")
            #expect(resumed.failed == 1, "the regeneration failed QA too, and there is no other: \(resumed)")
            #expect(try await harness.simulator.stats().createsAccepted == 2)
        }
    }
}
