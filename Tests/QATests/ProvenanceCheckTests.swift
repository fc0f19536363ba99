import Foundation
import Provenance
import QA
import Testing
import TestSupport

/// The `provenance` QA check on the C2PA fixtures: the model named against the model asked for, a file changed
/// after signing, no manifest, and trust.
@Suite struct ProvenanceCheckTests {
    /// Signed with the c2pa-rs test certificate; its manifest names `example-video-model-1`.
    let aigen = FixturePaths.fixture("c2pa/generated-bmffv3-claimv2-es256-testcert-aigen.mp4")
    let unsigned = FixturePaths.fixture("c2pa/c2pars-video1-no-manifest.mp4")
    let roots = FixturePaths.fixture("c2pa/trust/c2pa-rs-test_cert_root_bundle.pem")

    func trust() throws -> TrustPolicy {
        try TrustPolicy(pems: [String(contentsOfFile: roots, encoding: .utf8)])
    }

    @Test func theModelNamedMustBeTheModelAskedFor() async throws {
        let (matching, facts) = await QA.checkProvenance(of: aigen, model: "example-video-model-1", trust: try trust())
        #expect(matching.name == "provenance")
        #expect(matching.verdict == .pass, "\(matching.message)")
        #expect(matching.message.contains("made by example-video-model-1"), "\(matching.message)")
        #expect(facts?.modelName == "example-video-model-1")
        #expect(facts?.trusted == true && facts?.intact == true && facts?.testSigner == false)
        #expect(facts?.signer == "C2PA Signer / C2PA Test Signing Cert", "\(facts?.signer ?? "nil")")

        let (other, _) = await QA.checkProvenance(of: aigen, model: "doubao-seedance-2-0-260128", trust: try trust())
        #expect(other.verdict == .fail)
        #expect(other.message.hasPrefix("the manifest names example-video-model-1, not doubao-seedance-2-0 "
                                        + "(asked for doubao-seedance-2-0-260128)"), "\(other.message)")
        #expect(other.expected == "a manifest naming doubao-seedance-2-0, intact and validly signed")
        #expect(other.actual.hasPrefix("example-video-model-1 via ExampleVideoModel 1.0, signed by C2PA Signer"),
                "\(other.actual)")
    }

    @Test func anUntrustedSignerIsAWarningUnlessTrustIsRequired() async throws {
        let (warned, facts) = await QA.checkProvenance(of: aigen, model: "example-video-model-1")
        #expect(warned.verdict == .warn, "\(warned.message)")
        #expect(warned.message.contains("does not chain to a trusted root"))
        #expect(facts?.statusCodes == [StatusCode.signingCredentialUntrusted])
        let (failed, _) = await QA.checkProvenance(of: aigen, model: "example-video-model-1", requireTrusted: true)
        #expect(failed.verdict == .fail)
        #expect(failed.expected.hasSuffix("by a trusted signer"))
    }

    @Test(arguments: [
        // A byte of the video data, and one of the claim (which the signature covers).
        ("mdat", StatusCode.bmffHashMismatch),
        ("claim", StatusCode.claimSignatureMismatch),
    ])
    func aFileChangedAfterSigningFails(_ part: String, _ code: String) async throws {
        let dir = try FixturePaths.temporaryDirectory("qa-provenance")
        defer { try? FileManager.default.removeItem(at: dir) }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: aigen))
        let offset: Int
        if part == "mdat" {
            // Inside the video data, which the hard binding covers.
            offset = try #require(bytes.range(of: Data("mdat".utf8))).upperBound + 100
        } else {
            // The claim's `dc:title` text, which the claim signature covers.
            let needle = Data("dc:title".utf8)
            let range = try #require(bytes.range(of: needle))
            offset = range.upperBound + 2
        }
        bytes[offset] ^= 0x01
        let changed = dir.appendingPathComponent("changed.mp4").path
        try bytes.write(to: URL(fileURLWithPath: changed))
        let (check, facts) = await QA.checkProvenance(of: changed, model: "example-video-model-1", trust: try trust())
        #expect(check.verdict == .fail)
        #expect(check.message.hasPrefix("the file changed after signing: "), "\(check.message)")
        #expect(facts?.statusCodes?.contains(code) == true, "\(facts?.statusCodes ?? [])")
        #expect(facts?.state == "invalid")
    }

    @Test func noManifestIsANoteNotAFailure() async throws {
        let (check, facts) = await QA.checkProvenance(of: unsigned, model: "doubao-seedance-2-0-260128")
        #expect(check.verdict == .pass)
        #expect(check.actual == "no manifest")
        #expect(check.message.hasPrefix("no C2PA manifest"))
        #expect(facts == nil)
    }

    @Test func regionalNamesOfOneFamilyMatchAndSpeedsDoNot() {
        #expect(QA.regionlessFamily("doubao-seedance-2-0-260128") == QA.regionlessFamily("dreamina-seedance-2-0-260128"))
        #expect(QA.regionlessFamily("doubao-seedance-2-0-260128") == QA.regionlessFamily("doubao-seedance-2-0"))
        #expect(QA.regionlessFamily("dreamina-seedance-2-0-fast") == QA.regionlessFamily("doubao-seedance-2-0-fast-260128"))
        #expect(QA.regionlessFamily("dreamina-seedance-2-0-fast-260128") == "seedance-2-0-fast")
        #expect(QA.regionlessFamily("doubao-seedance-2-0-260128") != QA.regionlessFamily("dreamina-seedance-2-0-fast"))
    }

    @Test func theReportCarriesTheCheckAndTheFactsThroughJSON() async throws {
        var report = QAReport(file: aigen, checks: [], expectation: "x", notes: [])
        let (check, facts) = await QA.checkProvenance(of: aigen, model: "example-video-model-1")
        report.add(provenance: check, facts)
        let data = try JSONEncoder().encode(report)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let provenance = try #require(object["provenance"] as? [String: Any])
        #expect(provenance["model_name"] as? String == "example-video-model-1")
        #expect(provenance["state"] as? String == "valid")
        #expect(provenance["status_codes"] as? [String] == ["signingCredential.untrusted"])
        let decoded = try JSONDecoder().decode(QAReport.self, from: data)
        #expect(decoded.provenance == facts)
        #expect(decoded["provenance"]?.verdict == .warn)
        // A report written before the check existed still reads.
        let old = try JSONDecoder().decode(QAReport.self, from: Data(#"{"file":"a","passed":true,"checks":[],"expectation":"x","notes":[]}"#.utf8))
        #expect(old.provenance == nil)
    }
}
