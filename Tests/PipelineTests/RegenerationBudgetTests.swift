import Foundation
import Logging
import Pipeline
import SeedanceAPI
import Testing
import TestSupport

/// `maxRegenerations` counts tasks made, not create calls: creates the service turned away (429, or found never
/// created) cost nothing and must not use up a shot's regenerations.
@Suite(.serialized) struct RegenerationBudgetTests {
    /// The simulator's service, except that the first three creates of every shot are turned away, and the first
    /// task made for every shot delivers a clip with silent audio (fails QA however often it is fetched).
    final class BusyThenBadFirstClip: WrappedService {
        let inner: ClientService
        let turnedAway = Locked<[String: Int]>([:])
        let badTasks = Locked<Set<String>>([])
        let shotsWithATask = Locked<Set<String>>([])

        init(inner: ClientService) { self.inner = inner }

        func create(_ request: GenerationRequest) async -> CreateOutcome {
            let prompt = request.prompt ?? ""
            let busy = turnedAway.withLock { counts in
                counts[prompt, default: 0] += 1
                return counts[prompt]! <= 3
            }
            if busy { return .notAccepted("ServerOverloaded (test)") }
            let outcome = await inner.create(request)
            if case .created(let id) = outcome, shotsWithATask.withLock({ $0.insert(prompt).inserted }) {
                badTasks.withLock { _ = $0.insert(id) }
            }
            return outcome
        }
        func downloadVideo(of task: GenerationTask, to path: String) async throws {
            try await inner.downloadVideo(of: task, to: path)
            if badTasks.withLock({ $0.contains(task.id) }) {
                try replaceWithClipFailingQA(at: path)
            }
        }
    }

    @Test func turnedAwayCreatesDoNotUseUpRegenerations() async throws {
        try await SimulatorHarness.with { harness in
            let plan = try harness.writePlan(PipelineRunTests.smallPlan)
            var configuration = harness.configuration("budget")
            configuration.maxRegenerations = 1
            let logger = SimulatorHarness.quietLogger("test.budget")
            let runner = try await PipelineRunner(plan: try PlanLoader.load(path: plan), planFile: plan,
                                            configuration: configuration,
                                            service: BusyThenBadFirstClip(inner: harness.service), logger: logger)
            let summary = try await runner.run()
            #expect(summary.done == 4 && summary.failed == 0, "one regeneration each is enough: \(summary)")
            let stats = try await harness.simulator.stats()
            #expect(stats.createsAccepted == 8, "two tasks a shot: the bad one and its regeneration: \(stats)")
            let store = try SQLiteJobStore(path: RunLayout(directory: configuration.outputDirectory).state)
            for shot in try await store.shots() {
                let states = try await store.attempts(shotID: shot.id).map(\.state)
                #expect(states == [.rejected, .succeeded], "\(shot.id): \(states)")
            }
        }
    }
}
