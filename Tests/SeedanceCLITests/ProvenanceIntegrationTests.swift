import Foundation
import Media
import Provenance
import SeedanceAPI
import Testing
import TestSupport

/// `verify` and `probe` on clips signed like the simulator signs them: the provenance check against the model
/// asked for, trust, and the probe's provenance line and JSON.
@Suite(.serialized) struct ProvenanceIntegrationTests {
    static let identity: TestSigningIdentity = {
        // Generating in memory cannot fail; a failure here is a bug worth seeing.
        try! TestSigningIdentity.generate()
    }()

    /// A 4 s 480p 16:9 clip packaged like a Seedance 2.0 fast delivery, signed by the test identity with a manifest
    /// naming `model`, in `dir`; and the root as PEM beside it.
    static func signedClip(in dir: URL, model: String = "doubao-seedance-2-0-fast") throws -> (clip: String, root: String) {
        let size = try #require(OutputGeometry.size(family: .v2, resolution: .p480, ratio: .r16x9))
        let clip = dir.appendingPathComponent("clip.mp4").path
        try renderSyntheticClip(SyntheticClipSpec(width: size.width, height: size.height,
                                                  frameCount: OutputGeometry.frameCount(duration: 4), variant: 11,
                                                  delivery: .seedance20(fast: true)), to: clip)
        let agent = SoftwareAgent(name: "seedance simulator", version: "0.1.0")
        let content = ManifestContent(title: "clip.mp4",
                                      action: GenerationAction(softwareAgent: agent,
                                                               when: Date(timeIntervalSince1970: 1_790_000_000),
                                                               modelName: model, logID: "cgt-test-1"),
                                      generator: agent)
        try ManifestSigner(identity: identity).sign(clip, content: content)
        let root = dir.appendingPathComponent("root.pem").path
        try Data(identity.rootCertificatePEM.utf8).write(to: URL(fileURLWithPath: root))
        return (clip, root)
    }

    static let asked = ["--resolution", "480p", "--ratio", "16:9", "--duration", "4", "--audio"]

    @Test func verifyFailsAClipSignedForAnotherModelAndPassesItsOwn() throws {
        let dir = try FixturePaths.temporaryDirectory("verify-provenance")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (clip, root) = try Self.signedClip(in: dir)

        let wrong = try runSeedance(["verify", clip] + Self.asked + ["--model", "doubao-seedance-2-0-260128"])
        #expect(wrong.status == 1, "\(wrong.stdout)\(wrong.stderr)")
        let failures = wrong.stdout.split(separator: "\n").filter { $0.hasPrefix("  FAIL") }
        #expect(failures == ["  FAIL  provenance       the manifest names doubao-seedance-2-0-fast, not "
                             + "doubao-seedance-2-0 (asked for doubao-seedance-2-0-260128): the service made the "
                             + "clip with another model"], "\(wrong.stdout)")

        let right = try runSeedance(["verify", clip] + Self.asked + ["--model", "doubao-seedance-2-0-fast-260128"])
        #expect(right.status == 0, "\(right.stdout)\(right.stderr)")
        #expect(right.stdout.contains("WARN  provenance"), "untrusted test signer: \(right.stdout)")
        #expect(right.stdout.contains("(a test certificate), which does not chain to a trusted root"), "\(right.stdout)")
        // Doubao and Dreamina name one family.
        let regional = try runSeedance(["verify", clip] + Self.asked + ["--model", "dreamina-seedance-2-0-fast-260128"])
        #expect(regional.status == 0, "\(regional.stdout)")

        let required = try runSeedance(["verify", clip] + Self.asked
                                       + ["--model", "doubao-seedance-2-0-fast-260128", "--require-trusted"])
        #expect(required.status == 1)
        #expect(required.stdout.contains("FAIL  provenance"), "\(required.stdout)")
        let trusted = try runSeedance(["verify", clip] + Self.asked
                                      + ["--model", "doubao-seedance-2-0-fast-260128", "--require-trusted",
                                         "--trust", root, "--json"])
        #expect(trusted.status == 0, "\(trusted.stdout)\(trusted.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(trusted.stdout.utf8)) as? [String: Any])
        let checks = try #require(object["checks"] as? [[String: Any]])
        let check = try #require(checks.last)
        #expect(check["name"] as? String == "provenance")
        #expect(check["verdict"] as? String == "pass")
        #expect(check["expected"] as? String
                == "a manifest naming doubao-seedance-2-0-fast, intact and validly signed by a trusted signer")
        #expect((check["actual"] as? String)?.hasPrefix("doubao-seedance-2-0-fast via seedance simulator 0.1.0") == true)
        #expect((object["provenance"] as? [String: Any])?["test_signer"] as? Bool == true)
    }

    @Test func verifyWithoutAModelDoesNotJudgeProvenance() throws {
        let dir = try FixturePaths.temporaryDirectory("verify-provenance")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (clip, root) = try Self.signedClip(in: dir, model: "somebody-elses-model")
        let result = try runSeedance(["verify", clip, "--json"] + Self.asked)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(!result.stdout.contains("\"provenance\""))
        let trust = try runSeedance(["verify", clip, "--trust", root] + Self.asked)
        #expect(trust.status == 2)
        #expect(trust.stderr.hasPrefix("seedance: verify: --trust and --require-trusted judge the provenance check"),
                "\(trust.stderr)")
        #expect(trust.stderr.split(separator: "\n").count == 1)
    }

    @Test func probeSaysWhatTheManifestStatesAndTheAIGCLabel() throws {
        let dir = try FixturePaths.temporaryDirectory("probe-provenance")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (clip, _) = try Self.signedClip(in: dir)
        let wide = ["COLUMNS": "250"]

        let signed = try runSeedance(["probe", clip], environment: wide)
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(signed.stdout.hasSuffix("provenance: doubao-seedance-2-0-fast via seedance simulator 0.1.0, signed by "
                                        + "seedance simulator test signer / seedance simulator (seedance simulator "
                                        + "test root), 2026-09-21, a test signer\n"), "\(signed.stdout)")
        let json = try runSeedance(["probe", clip, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let provenance = try #require(object["provenance"] as? [String: Any])
        #expect(provenance["model_name"] as? String == "doubao-seedance-2-0-fast")
        #expect(provenance["software_agent"] as? String == "seedance simulator 0.1.0")
        #expect(provenance["signer"] as? String == "seedance simulator test signer / seedance simulator")
        #expect(provenance["issuer"] as? String == "seedance simulator test root")
        #expect(provenance["test_signer"] as? Bool == true)
        #expect(provenance["digital_source_type"] as? String == "trainedAlgorithmicMedia")
        #expect(provenance["signed_at"] as? String == "2026-09-21T14:13:20Z")
        #expect(provenance.keys.contains("aigc") && provenance.keys.contains("claim_generator"))
        #expect(!provenance.keys.contains("state"), "probe does not verify")
        #expect(object["video"] != nil && object["faststart"] != nil, "the probe's keys are kept")

        let plain = FixturePaths.fixture("probe/seedance-720p.mp4")
        let unsigned = try runSeedance(["probe", plain], environment: wide)
        #expect(unsigned.stdout.hasSuffix("\nprovenance: none\n"), "\(unsigned.stdout)")
        let unsignedJSON = try runSeedance(["probe", plain, "--json"])
        #expect(unsignedJSON.stdout.contains("\"provenance\" : null"), "\(unsignedJSON.stdout)")

        let labelled = FixturePaths.fixture("probe/aigc-labelled.mp4")
        let aigc = try runSeedance(["probe", labelled], environment: wide)
        #expect(aigc.status == 0)
        #expect(aigc.stdout.contains("provenance: no C2PA manifest; AIGC label: AI-generated"), "\(aigc.stdout)")
        let aigcJSON = try runSeedance(["probe", labelled, "--json"])
        let aigcObject = try #require(try JSONSerialization.jsonObject(with: Data(aigcJSON.stdout.utf8)) as? [String: Any])
        let aigcFacts = try #require(aigcObject["provenance"] as? [String: Any])
        #expect((aigcFacts["aigc"] as? String)?.hasPrefix("AI-generated") == true)
        #expect(aigcFacts["model_name"] is NSNull)

        // Several files at 80 columns: blocks, with a provenance line in each block that has something to say.
        let several = try runSeedance(["probe", clip, plain, labelled])
        #expect(several.status == 0)
        let blocks = several.stdout.components(separatedBy: "\n\n")
        #expect(blocks.count == 3, "\(several.stdout)")
        #expect(blocks[0].contains("\n  provenance: doubao-seedance-2-0-fast via seedance simulator 0.1.0, signed"),
                "\(several.stdout)")
        #expect(!blocks[1].contains("provenance"), "nothing to say about the plain clip: \(blocks[1])")
        #expect(blocks[2].contains("\n  provenance: no C2PA manifest; AIGC label: AI-generated"), "\(blocks[2])")
        for line in several.stdout.split(separator: "\n") { #expect(line.count <= 80, "\(line.count): \(line)") }
        // Wide enough for a table: a line under it for each file with something to say, named.
        let table = try runSeedance(["probe", clip, plain, labelled], environment: ["COLUMNS": "400"])
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 6, "a header, three rows, two provenance lines: \(table.stdout)")
        #expect(lines[4].hasPrefix("\(clip): provenance: doubao-seedance-2-0-fast"), "\(lines[4])")
        #expect(lines[5].hasPrefix("\(labelled): provenance: no C2PA manifest; AIGC label"), "\(lines[5])")
    }
}
