import Foundation
import Logging
import Pipeline
import Testing
import TestSupport

/// The events a live status block is drawn from: every shot with its estimate at the start, the check of each clip,
/// and the tokens billed, told before the shot is seen done.
@Suite(.serialized) struct RunEventTests {
    @Test func theEventsCarryEstimatesChecksAndTokensBeforeEachShotIsDone() async throws {
        try await SimulatorHarness.with { harness in
            let plan = try harness.writePlan(PipelineRunTests.smallPlan)
            let events = Locked<[RunEvent]>([])
            var logger = Logger(label: "test.events")
            logger.logLevel = .critical
            let runner = try await PipelineRunner(plan: try PlanLoader.load(path: plan), planFile: plan,
                                                  configuration: harness.configuration("events"),
                                                  service: harness.service, logger: logger,
                                                  observer: { event in events.withLock { $0.append(event) } })
            let summary = try await runner.run()
            let seen = events.withLock { $0 }
            guard case .started(let shots) = try #require(seen.first { if case .started = $0 { true } else { false } }) else {
                return
            }
            #expect(shots.map(\.id) == ["one", "two", "three", "four"])
            #expect(shots.allSatisfy { $0.state == .pending && ($0.estimatedTokens ?? 0) > 0 && $0.tokens == nil })
            var billed: [String: Int] = [:]
            for event in seen {
                switch event {
                case let .tokens(id, tokens, _):
                    billed[id] = tokens
                case .shot(let id, .done, _):
                    #expect(billed[id] ?? 0 > 0, "\(id) is done before its tokens are told")
                default:
                    break
                }
            }
            #expect(billed.values.reduce(0, +) == summary.tokens)
            for id in ["one", "two", "three", "four"] {
                #expect(seen.contains(.shot(id: id, state: .downloading, detail: "checking")), "\(id)")
            }
            #expect(seen.last == .finished(done: 4, failed: 0, creates: 4, tokens: summary.tokens))
        }
    }
}
