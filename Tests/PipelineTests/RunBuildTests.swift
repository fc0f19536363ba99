import Foundation
import Logging
import Media
import Pipeline
import SeedanceAPI
import Testing
import TestSupport

/// A run is a build of its plan: re-runs keep what did not change, make again what did (and what is chained after
/// it), and record changes made after the plan as overrides that later re-runs keep.
@Suite(.serialized) struct RunBuildTests {
    let logger = SimulatorHarness.quietLogger("test.build")

    func run(_ harness: SimulatorHarness, _ planPath: String, _ configuration: RunConfiguration,
             service: (any GenerationService)? = nil) async throws -> (PlanDiff, RunSummary) {
        let runner = try await PipelineRunner(plan: try PlanLoader.load(path: planPath), planFile: planPath,
                                              configuration: configuration, service: service ?? harness.service,
                                              logger: logger)
        return (runner.difference, try await runner.run())
    }

    func finalShots(_ directory: String) async throws -> [String] {
        let store = try SQLiteJobStore(path: (directory as NSString).appendingPathComponent("state.sqlite"), readOnly: true)
        let json = try #require(try await store.meta("final"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return object["shots"] as? [String] ?? []
    }

    func inode(_ path: String) -> UInt64 {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_ino) : 0
    }

    @Test func reRunsMakeOnlyWhatChanged() async throws {
        try await SimulatorHarness.with { harness in
            let planPath = try harness.writePlan(PipelineRunTests.smallPlan)
            let configuration = harness.configuration("build")
            let dir = configuration.outputDirectory
            let (firstDiff, first) = try await run(harness, planPath, configuration)
            #expect(firstDiff.creates == 4 && first.done == 4 && first.createsNow == 4)

            // The unchanged plan: nothing is sent; the join and the reports are made again.
            try FileManager.default.removeItem(atPath: dir + "/final.mp4")
            let (sameDiff, same) = try await run(harness, planPath, configuration)
            #expect(sameDiff.creates == 0 && sameDiff.entries.allSatisfy { $0.change == .unchanged })
            #expect(same.createsNow == 0 && same.done == 4 && same.finalPassed == true)
            #expect(try await harness.simulator.stats().createsAccepted == 4)
            #expect(FileManager.default.fileExists(atPath: dir + "/final.mp4"))

            // Shot one's prompt edited: one is made again, and two, which starts from one's last frame; three and
            // four are kept. Shot four leaves the plan: out of the edit, its clip kept.
            let edited = PipelineRunTests.smallPlan
                .replacingOccurrences(of: "a puppy walks into a room", with: "a kitten walks into a room")
                .replacingOccurrences(of: "\n  - id: four\n    prompt: the puppy sleeps", with: "")
            #expect(edited != PipelineRunTests.smallPlan)
            let editedPath = try harness.writePlan(edited, name: "edited.yaml")
            let (editDiff, edit) = try await run(harness, editedPath, configuration)
            #expect(editDiff.entries.map(\.change) == [.changed, .downstream, .unchanged])
            #expect(editDiff.removed == ["four"] && editDiff.creates == 2)
            #expect(edit.createsNow == 2 && edit.done == 3 && edit.finalPassed == true)
            #expect(try await harness.simulator.stats().createsAccepted == 6)
            #expect(try await finalShots(dir) == ["one", "two", "three"])
            for kept in ["attempts/one-1.mp4", "attempts/one-2.mp4", "attempts/two-1.mp4", "attempts/two-2.mp4", "clips/four.mp4"] {
                #expect(FileManager.default.fileExists(atPath: dir + "/" + kept), "\(kept) kept")
            }
            #expect(inode(dir + "/clips/one.mp4") == inode(dir + "/attempts/one-2.mp4"), "the edit's clip is the new one")
            // Chained shot two really started from the new shot one's last frame.
            let newLast = try lastFrame(of: dir + "/attempts/one-2.mp4")
            let png = try loadImage(dir + "/thumbs/one-last.png")
            #expect(png.rgb == newLast.rgb)
            let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/report.json")))
            #expect(report.shots.first { $0.id == "four" }?.inEdit == false)
            #expect(report.shots.first { $0.id == "one" }?.attempts.map(\.clip) == ["attempts/one-1.mp4", "attempts/one-2.mp4"])
        }
    }

    /// The simulator's service, except that creates of the garden shot are refused while `refusing` is set.
    final class RefusesTheGarden: WrappedService {
        let inner: ClientService
        let refusing = Locked(true)
        init(inner: ClientService) { self.inner = inner }
        func create(_ request: GenerationRequest) async -> CreateOutcome {
            if refusing.withLock({ $0 }), request.prompt?.contains("garden") == true {
                return .refused("InputTextSensitiveContentDetected (test)")
            }
            return await inner.create(request)
        }
    }

    @Test func failedShotsAreRetriedOnlyWhenAsked() async throws {
        try await SimulatorHarness.with { harness in
            let planPath = try harness.writePlan(PipelineRunTests.smallPlan)
            let configuration = harness.configuration("retry")
            let service = RefusesTheGarden(inner: harness.service)
            let (_, first) = try await run(harness, planPath, configuration, service: service)
            #expect(first.done == 3 && first.failed == 1 && first.finalVideo == nil)

            // Resuming does not touch a failed shot; --retry-failed makes it again with a fresh budget.
            service.refusing.withLock { $0 = false }
            do {
                // (A runner holds the run's lock for its life: each one here lives in its own scope.)
                let plain = try await PipelineRunner.resume(directory: configuration.outputDirectory,
                                                            configuration: configuration, service: service, logger: logger)
                #expect(plain.difference.creates == 0)
                #expect(try await plain.run().failed == 1)
            }
            let retry = try await PipelineRunner.resume(directory: configuration.outputDirectory, configuration: configuration,
                                                        service: service, logger: logger, retryFailed: true)
            #expect(retry.difference.creates == 1)
            let summary = try await retry.run()
            #expect(summary.done == 4 && summary.failed == 0 && summary.finalPassed == true && summary.createsNow == 1)
            #expect(try await harness.simulator.stats().createsAccepted == 4)
        }
    }

    @Test func regenerateRecordsAnOverrideThatReRunsKeep() async throws {
        try await SimulatorHarness.with { harness in
            let planPath = try harness.writePlan(PipelineRunTests.smallPlan)
            let configuration = harness.configuration("regen")
            let dir = configuration.outputDirectory
            _ = try await run(harness, planPath, configuration)

            // Shot one again with a new prompt: shot two starts from its last frame, so it is made again too.
            do {
                let regen = try await PipelineRunner.regenerate(directory: dir, shots: ["one"], prompt: "a kitten walks in",
                                                                reason: "too calm", configuration: configuration,
                                                                service: harness.service, logger: logger)
                #expect(regen.difference.entries.map(\.change) == [.changed, .downstream, .unchanged, .unchanged])
                let summary = try await regen.run()
                #expect(summary.createsNow == 2 && summary.done == 4 && summary.finalPassed == true)
            }

            // The unchanged plan run again keeps the override: nothing is sent, the report shows the new prompt.
            let (sameDiff, same) = try await run(harness, planPath, configuration)
            #expect(sameDiff.creates == 0 && same.createsNow == 0)
            let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/report.json")))
            let one = try #require(report.shots.first { $0.id == "one" })
            #expect(one.prompt == "a kitten walks in" && one.override?.reason == "too calm" && one.attempts.count == 2)

            // Regenerating a shot as it is (no new prompt) makes a new take, with a new seed.
            do {
                let take = try await PipelineRunner.regenerate(directory: dir, shots: ["three"], reason: "again",
                                                               configuration: configuration, service: harness.service,
                                                               logger: logger)
                #expect(take.difference.creates == 1)
                #expect(try await take.run().createsNow == 1)
            }

            // A plan edit of shot one replaces its override, and the difference says so.
            let edited = PipelineRunTests.smallPlan.replacingOccurrences(of: "a puppy walks into a room", with: "a puppy runs in")
            let editedPath = try harness.writePlan(edited, name: "edited.yaml")
            let (editDiff, _) = try await run(harness, editedPath, configuration)
            #expect(editDiff.replacedOverrides == ["one"])
            #expect(editDiff.entries.map(\.change) == [.changed, .downstream, .unchanged, .unchanged])
            #expect(try await harness.simulator.stats().createsAccepted == 4 + 2 + 1 + 2)
        }
    }

    @Test func aJoinOrderAndADroppedShotChangeOnlyTheJoin() async throws {
        try await SimulatorHarness.with { harness in
            let planPath = try harness.writePlan(PipelineRunTests.smallPlan)
            let configuration = harness.configuration("order")
            let dir = configuration.outputDirectory
            _ = try await run(harness, planPath, configuration)
            do {
                let store = try SQLiteJobStore(path: dir + "/state.sqlite")
                let three = try #require(try await store.shot("three"))
                try await store.saveOverride(ShotOverride(shotID: "three", base: three.planRequestIdentity, dropped: true))
                try await store.setMeta("join_order", #"["four","two","one"]"#)
            }
            let (diff, summary) = try await run(harness, planPath, configuration)
            #expect(diff.creates == 0 && summary.createsNow == 0 && summary.finalPassed == true)
            #expect(try await finalShots(dir) == ["four", "two", "one"])
        }
    }
}
