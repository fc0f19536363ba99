import Foundation
import Pipeline
import QA
import SeedanceAPI
import Simulator
import Testing
import TestSupport

/// Runs check every delivered clip's Content Credentials against the model asked for: a manifest naming another
/// model fails the shot without a paid regeneration, and the report lists each clip's manifest and, for the joined
/// video, its ingredients.
@Suite(.serialized) struct ProvenanceRunTests {
    static let plan = """
        defaults: {model: doubao-seedance-2-0-260128, resolution: 480p, ratio: "16:9", duration: 4, audio: true}
        shots:
          - id: open
            prompt: a lighthouse at dusk, waves below
          - id: close
            prompt: the lamp turns and lights the fog
        """

    /// A seed with which exactly one of the first two tasks gets a manifest naming the other model.
    static func oneOfTwoSeed() throws -> UInt64 {
        for seed in UInt64(0)..<500 {
            let plan = try FaultPlan(spec: "seed=\(seed),wrong-model-manifest=0.5")
            if plan.strikes(.wrongModelManifest, ordinal: 0) != plan.strikes(.wrongModelManifest, ordinal: 1) {
                return seed
            }
        }
        throw CancellationError()
    }

    static func report(_ configuration: RunConfiguration) throws -> [String: Any] {
        let path = URL(fileURLWithPath: configuration.outputDirectory).appendingPathComponent("report.json")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any])
    }

    @Test func aManifestNamingAnotherModelFailsTheShotWithoutARegeneration() async throws {
        let seed = try Self.oneOfTwoSeed()
        try await SimulatorHarness.with(faults: "seed=\(seed),wrong-model-manifest=0.5") { harness in
            let planFile = try harness.writePlan(Self.plan)
            var configuration = harness.configuration("wrong-model")
            configuration.maxRegenerations = 2
            let runner = try await PipelineRunner(plan: try PlanLoader.load(path: planFile), planFile: planFile,
                                                  configuration: configuration, service: harness.service,
                                                  logger: SimulatorHarness.quietLogger("test.provenance"))
            let summary = try await runner.run()
            #expect(summary.done == 1 && summary.failed == 1, "\(summary)")
            let stats = try await harness.simulator.stats()
            #expect(stats.faults["wrong-model-manifest"] == 1, "\(stats.faults)")
            #expect(stats.createsAccepted == 2, "no create after the provenance failure: \(stats)")

            let store = try SQLiteJobStore(path: RunLayout(directory: configuration.outputDirectory).state)
            let shots = try await store.shots()
            let failed = try #require(shots.first { $0.state == .failed })
            let good = try #require(shots.first { $0.state == .done })
            #expect(try await store.attempts(shotID: failed.id).map(\.state) == [.rejected])
            let error = try #require(failed.error)
            #expect(error.hasPrefix("QA failed: provenance; not made again (the provenance check failed, which a "
                                    + "regeneration cannot change): the manifest names doubao-seedance-2-0-fast, "
                                    + "not doubao-seedance-2-0"), "\(error)")
            let qa = try JSONDecoder().decode(QAReport.self, from: Data(try #require(failed.qa).utf8))
            #expect(qa.failures.map(\.name) == ["provenance"])
            let goodQA = try JSONDecoder().decode(QAReport.self, from: Data(try #require(good.qa).utf8))
            #expect(goodQA["provenance"]?.verdict == .warn, "the simulator's test signer is untrusted")
            #expect(goodQA.provenance?.modelName == "doubao-seedance-2-0")

            let report = try Self.report(configuration)
            let reportShots = try #require(report["shots"] as? [[String: Any]])
            let byID = Dictionary(uniqueKeysWithValues: reportShots.map { ($0["id"] as? String ?? "", $0) })
            let failedFacts = try #require(byID[failed.id]?["provenance"] as? [String: Any])
            #expect(failedFacts["model_name"] as? String == "doubao-seedance-2-0-fast")
            #expect(failedFacts["test_signer"] as? Bool == true)
            #expect(failedFacts["intact"] as? Bool == true)
            #expect(failedFacts["status_codes"] as? [String] == ["signingCredential.untrusted"])
            let html = try String(contentsOfFile: URL(fileURLWithPath: configuration.outputDirectory)
                .appendingPathComponent("report.html").path, encoding: .utf8)
            #expect(html.contains("<h3>Provenance</h3>"))
            #expect(html.contains("<tr><th>model</th><td>doubao-seedance-2-0-fast</td></tr>"))
        }
    }

    @Test func theReportListsEachClipsManifestAndTheFinalsIngredients() async throws {
        try await SimulatorHarness.with { harness in
            let planFile = try harness.writePlan(Self.plan)
            let configuration = harness.configuration("ingredients")
            let runner = try await PipelineRunner(plan: try PlanLoader.load(path: planFile), planFile: planFile,
                                                  configuration: configuration, service: harness.service,
                                                  logger: SimulatorHarness.quietLogger("test.provenance"))
            let summary = try await runner.run()
            #expect(summary.done == 2 && summary.finalVideo != nil, "\(summary)")
            let report = try Self.report(configuration)
            for shot in try #require(report["shots"] as? [[String: Any]]) {
                let facts = try #require(shot["provenance"] as? [String: Any])
                #expect(facts["model_name"] as? String == "doubao-seedance-2-0")
                #expect(facts["software_agent"] as? String != nil)
                #expect(facts["signer"] as? String == "seedance simulator test signer / seedance simulator")
                #expect(facts["test_signer"] as? Bool == true)
                #expect(facts["state"] as? String == "valid")
            }
            let final = try #require(report["final"] as? [String: Any])
            let ingredients = try #require(final["ingredients"] as? [[String: Any]])
            #expect(ingredients.map { $0["shot"] as? String } == ["open", "close"])
            for item in ingredients {
                #expect(item["model_name"] as? String == "doubao-seedance-2-0")
                #expect(item["intact"] as? Bool == true)
                #expect(item["test_signer"] as? Bool == true)
                #expect((item["file"] as? String)?.hasSuffix(".mp4") == true)
            }
            let html = try String(contentsOfFile: URL(fileURLWithPath: configuration.outputDirectory)
                .appendingPathComponent("report.html").path, encoding: .utf8)
            #expect(html.contains("<h3>Ingredients</h3>"))
        }
    }
}
