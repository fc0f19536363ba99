import Foundation
import Logging
import Pipeline
import SeedanceAPI
import Testing
import TestSupport

/// A paid task whose clip cannot be fetched is never lost: after the allowed rounds the shot fails for this run with
/// its tokens counted, and resuming the run fetches the clip again instead of paying for a new task.
@Suite(.serialized) struct UndeliveredTests {
    /// The simulator's service, except that every download fails while `broken` is set (a CDN that is down).
    final class BrokenDownloads: WrappedService {
        let inner: ClientService
        let broken = Locked(true)
        let failures = Locked(0)

        init(inner: ClientService) { self.inner = inner }

        func downloadVideo(of task: GenerationTask, to path: String) async throws {
            if broken.withLock({ $0 }) {
                failures.withLock { $0 += 1 }
                throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the CDN is down"])
            }
            try await inner.downloadVideo(of: task, to: path)
        }
    }

    @Test func aClipThatCannotBeFetchedIsCountedAndFetchedAgainOnResume() async throws {
        try await SimulatorHarness.with { harness in
            let plan = try harness.writePlan(PipelineRunTests.smallPlan)
            var configuration = harness.configuration("undelivered")
            configuration.maxDownloadRounds = 3
            let logger = SimulatorHarness.quietLogger("test.undelivered")
            let service = BrokenDownloads(inner: harness.service)

            // First run: nothing can be downloaded. Shot two starts from shot one's last frame, so it fails unsent.
            let first = try await PipelineRunner(plan: try PlanLoader.load(path: plan), planFile: plan,
                                                 configuration: configuration, service: service, logger: logger).run()
            #expect(first.done == 0 && first.failed == 4)
            #expect(first.creates == 3, "one, three and four were sent; two waits on one's last frame")
            #expect(service.failures.withLock { $0 } == 9, "three rounds for each of the three clips")
            let store = try SQLiteJobStore(path: RunLayout(directory: configuration.outputDirectory).state)
            let billed = try await harness.service.tasks(ids: try await store.allAttempts().compactMap(\.taskID))
                .compactMap { $0.usage?.totalTokens }.reduce(0, +)
            #expect(billed > 0 && first.tokens == billed, "every paid task is counted: \(first.tokens) vs \(billed)")
            let undelivered = try await store.allAttempts().filter { $0.state == .undelivered }
            #expect(undelivered.count == 3 && undelivered.allSatisfy { $0.tokens != nil })
            #expect(try await store.shot("one")?.error?.contains("resume the run to fetch it again") == true)

            // Resume with the CDN back: the three clips are fetched, not paid for again; shot two, never sent because
            // shot one had failed, is sent now that shot one's last frame exists.
            service.broken.withLock { $0 = false }
            let second = try await PipelineRunner.resume(directory: configuration.outputDirectory,
                                                         configuration: configuration, service: service,
                                                         logger: logger).run()
            #expect(second.done == 4 && second.failed == 0 && second.finalPassed == true)
            let stats = try await harness.simulator.stats()
            #expect(stats.createsAccepted == 4, "only shot two was sent on resume: \(stats)")
            let allBilled = try await harness.service.tasks(ids: try await store.allAttempts().compactMap(\.taskID))
                .compactMap { $0.usage?.totalTokens }.reduce(0, +)
            #expect(second.tokens == allBilled, "tokens are counted once: \(second.tokens) vs \(allBilled)")
            for id in ["one", "two", "three", "four"] {
                let shot = try #require(try await store.shot(id))
                #expect(shot.state == .done && shot.qaPassed == true && shot.attempts == 1, "\(id): \(shot)")
                #expect(try await store.attempts(shotID: id).map(\.state) == [.succeeded], "\(id)")
            }
        }
    }
}
