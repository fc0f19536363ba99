import Foundation
import Logging
import Pipeline
import SeedanceAPI
import Testing
import TestSupport

/// A clip that fails QA is downloaded once more before the shot is regenerated (a download is free, a regeneration
/// is paid): when the second copy differs, it is the one checked.
@Suite(.serialized) struct RedownloadTests {
    /// The simulator's service, except that the first download of every task delivers other bytes: a clip with
    /// silent audio at another size (what a proxy or CDN serving a stale object with its own length does).
    final class CutFirstDownload: WrappedService {
        let inner: ClientService
        let seen = Locked<Set<String>>([])

        init(inner: ClientService) { self.inner = inner }

        func downloadVideo(of task: GenerationTask, to path: String) async throws {
            try await inner.downloadVideo(of: task, to: path)
            let first = seen.withLock { $0.insert(task.id).inserted }
            if first {
                try replaceWithClipFailingQA(at: path)
            }
        }
    }

    @Test func aDamagedTransferIsFetchedAgainNotRegenerated() async throws {
        try await SimulatorHarness.with { harness in
            let plan = try harness.writePlan(PipelineRunTests.smallPlan)
            let configuration = harness.configuration("cut")
            let logger = SimulatorHarness.quietLogger("test.redownload")
            let runner = try await PipelineRunner(plan: try PlanLoader.load(path: plan), planFile: plan,
                                            configuration: configuration,
                                            service: CutFirstDownload(inner: harness.service), logger: logger)
            let summary = try await runner.run()
            #expect(summary.done == 4 && summary.failed == 0)
            let stats = try await harness.simulator.stats()
            #expect(stats.createsAccepted == 4, "no shot was paid for twice: \(stats)")
            #expect(stats.downloads >= 8, "every clip was fetched twice")
            let store = try SQLiteJobStore(path: RunLayout(directory: configuration.outputDirectory).state)
            for shot in try await store.shots() {
                let details = try await store.events(shotID: shot.id).compactMap(\.detail)
                #expect(details.contains { $0.hasPrefix("downloaded again after failing QA") }, "\(shot.id): \(details)")
                #expect(shot.qaPassed == true && shot.attempts == 1)
            }
        }
    }
}
