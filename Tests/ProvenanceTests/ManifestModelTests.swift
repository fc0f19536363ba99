import Foundation
import Testing
@testable import Provenance

/// What the reader finds in the fixtures, field by field, against ORACLE.txt's description of them.
@Suite("Manifest model")
struct ManifestModelTests {
    @Test("the AI-generated claim v2 file: generator, action, source type, software agent, model, signer")
    func aigen() async throws {
        let report = try await C2PAFixtures.verify(C2PAFixtures.aigen, trust: try C2PAFixtures.testRoots())
        let manifest = try #require(report.activeManifest)
        #expect(manifest.label == "urn:c2pa:55a7924e-aa9e-4627-a803-0e99c885c700")
        #expect(report.store?.manifests.count == 1)
        #expect(manifest.claim.version == 2)
        #expect(manifest.claimLabel == "c2pa.claim.v2")
        #expect(manifest.claim.claimGenerator == nil)
        #expect(manifest.claim.generator == "swift-c2pa-fixture-generator 1.0")
        #expect(manifest.claim.claimGeneratorInfo.first?.fields["org.contentauth.c2pa_rs"]?.stringValue == "0.91.3")
        #expect(manifest.claim.title == "generated-bmffv3-claimv2-es256-testcert-aigen.mp4")
        #expect(manifest.claim.instanceID == "xmp.iid:a385def5-3207-4f7f-bb7e-588875cd7af5")
        #expect(manifest.claim.createdAssertions.map(\.lastLabel) == ["c2pa.hash.bmff.v3"])
        #expect(manifest.claim.gatheredAssertions.map(\.lastLabel) == ["c2pa.actions.v2"])

        let action = try #require(manifest.actions.first)
        #expect(manifest.actions.count == 1)
        #expect(action.action == "c2pa.created")
        #expect(action.digitalSourceType == "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia")
        #expect(action.digitalSourceTypeName == "trainedAlgorithmicMedia")
        #expect(action.softwareAgent == "ExampleVideoModel 1.0")
        #expect(action.when == "2026-01-01T00:00:00Z")
        #expect(action.parameters?["name"]?.stringValue == "ExampleVideoService")
        #expect(action.parameters?["log_id"]?.stringValue == "FIXTURE0001")
        #expect(action.modelName == "example-video-model-1")

        let summary = report.summary
        #expect(summary.modelName == "example-video-model-1")
        #expect(summary.softwareAgent == "ExampleVideoModel 1.0")
        #expect(summary.digitalSourceTypeName == "trainedAlgorithmicMedia")
        #expect(summary.claimGenerator == "swift-c2pa-fixture-generator 1.0")

        let signer = try #require(report.active?.signer)
        #expect(signer.algorithm == "ES256")
        #expect(signer.chainLength == 2)
        // The whole name, most specific part first (ORACLE.txt shows only CN, O, OU and C).
        #expect(signer.certificate?.subject == "CN=C2PA Signer, OU=FOR TESTING_ONLY, O=C2PA Test Signing Cert, L=Somewhere, ST=CA, C=US")
        #expect(signer.certificate?.issuer
                == "CN=Intermediate CA, OU=FOR TESTING_ONLY, O=C2PA Test Intermediate Root CA, L=Somewhere, ST=CA, C=US")
        #expect(signer.certificate?.commonName == "C2PA Signer")
        #expect(signer.certificate?.notAfter == ISO8601DateFormatter().date(from: "2030-08-26T18:46:40Z"))
        #expect(signer.certificate?.organization == "C2PA Test Signing Cert")
        #expect(signer.timeStamp == nil)
        #expect(manifest.signature?.timeStampTokens.isEmpty == true)

        #expect(report.hardBinding?.label == "c2pa.hash.bmff.v3")
        #expect(report.hardBinding?.exclusions == ["/uuid", "/ftyp", "/mfra", "/free", "/skip"])
        #expect(report.hardBinding?.result == .match)
        #expect(report.state == .trusted)
        #expect(report.isIntact == true && report.signatureValid == true && report.signerTrusted == true)
    }

    @Test("video1: claim v1, two manifests, the parent ingredient, a DigiCert time stamp")
    func video1() async throws {
        let report = try await C2PAFixtures.verify(C2PAFixtures.video1, trust: TrustPolicy())
        let manifest = try #require(report.activeManifest)
        #expect(manifest.label == "urn:uuid:8da8ffb6-3de4-430a-8924-5b58b561e647")
        #expect(report.store?.manifests.map(\.label) == ["urn:uuid:54281c07-ad34-430e-bea5-112a18facf0b", manifest.label])
        #expect(manifest.claim.version == 1)
        #expect(manifest.claim.generator == "TestApp c2patool/0.6.2 c2pa-rs/0.28.2")
        #expect(manifest.claim.title == "My Title")
        #expect(manifest.claim.format == "video/mp4")
        #expect(manifest.claim.assertionReferences.map(\.lastLabel)
                == ["c2pa.ingredient", "stds.schema-org.CreativeWork", "c2pa.actions", "my.assertion", "c2pa.hash.bmff.v2"])
        #expect(manifest.actions.map(\.action) == ["c2pa.opened"])
        let ingredient = try #require(manifest.ingredients.first)
        #expect(ingredient.title == "video1.mp4")
        #expect(ingredient.relationship == "parentOf")
        #expect(ingredient.format == "video/mp4")
        #expect(ingredient.manifestLabel == "urn:uuid:54281c07-ad34-430e-bea5-112a18facf0b")
        #expect(report.store?.manifest(labelled: "urn:uuid:54281c07-ad34-430e-bea5-112a18facf0b")?.claim.generator
                == "TestApp c2patool/0.3.0 c2pa-rs/0.12.0")

        let signer = try #require(report.active?.signer)
        #expect(signer.algorithm == "ES256")
        #expect(signer.timeStamp == ISO8601DateFormatter().date(from: "2023-12-02T16:34:19Z"))
        #expect(signer.timeStampTrusted)
        #expect(signer.timeStampAuthority?.subject == "CN=DigiCert Timestamp 2023, O=DigiCert, Inc., C=US")
        #expect(manifest.signature?.timeStampStorage == .sigTst)
        #expect(report.hardBinding?.exclusions == ["/uuid", "/ftyp", "/meta/iloc", "/mfra/tfra", "/moov/trak/mdia/minf/stbl/stco",
                                                   "/moov/trak/mdia/minf/stbl/co64", "/moof/traf/tfhd", "/moof/traf/trun"])
        #expect(report.ingredients.map(\.validation.manifest) == ["urn:uuid:54281c07-ad34-430e-bea5-112a18facf0b"])
        #expect(report.ingredients.first?.validation.signer?.certificate?.organization == "Media Publisher Company")
        #expect(report.ingredients.first?.validation.has(StatusCode.ingredientManifestValidated) == true)
    }

    @Test("legacy: PS256 by an expired personal certificate, covered by its time stamp, v1 BMFF hash")
    func legacy() async throws {
        let report = try await C2PAFixtures.verify(C2PAFixtures.legacy, trust: try C2PAFixtures.testRoots())
        let signer = try #require(report.active?.signer)
        #expect(signer.algorithm == "PS256")
        #expect(signer.certificate?.subject == "E=mauricefisher@nc.rr.com, CN=mauricefisher@nc.rr.com")
        #expect(signer.certificate?.commonName == "mauricefisher@nc.rr.com")
        #expect(signer.certificate?.issuer == "CN=GlobalSign GCC R3 PersonalSign 1 CA 2020, O=GlobalSign nv-sa, C=BE")
        #expect(signer.timeStamp == ISO8601DateFormatter().date(from: "2023-02-21T15:09:04Z"))
        #expect(signer.timeStampAuthority?.subject == "CN=DigiCert Timestamp 2022 - 2, O=DigiCert, C=US")
        #expect(report.hardBinding?.label == "c2pa.hash.bmff")
        #expect(report.hardBinding?.result == .match)
        #expect(report.activeManifest?.claim.generator == "TestApp c2patool/0.3.8 c2pa-rs/0.16.1")
        #expect(report.active?.has(StatusCode.signingCredentialExpired) == false)
        #expect(report.state == .valid)
    }

    @Test("without its time stamp the legacy signer's certificate counts as expired")
    func expiredWithoutTimeStamp() async throws {
        // The same check on a day after the certificate ended, with the time stamp ignored: the profile fails.
        let store = try #require(try ContentCredentials.read(path: C2PAFixtures.path(C2PAFixtures.legacy)))
        let cose = try #require(store.activeManifest?.signature)
        let leaf = try X509Certificate(cose.certificateChain[0])
        let after = ISO8601DateFormatter().date(from: "2024-01-01T00:00:00Z")!
        #expect(CertificateProfile.check(leaf, der: cose.certificateChain[0], at: after,
                                         purposes: TrustPolicy.defaultKeyPurposes) == .notValidAt(after))
        let during = ISO8601DateFormatter().date(from: "2023-02-21T15:09:04Z")!
        #expect(CertificateProfile.check(leaf, der: cose.certificateChain[0], at: during,
                                         purposes: TrustPolicy.defaultKeyPurposes) == nil)
    }

    @Test("the QuickTime file with mdat before moov: boxes in that order, hash over the moved data, trusted")
    func movWithMdatFirst() async throws {
        let source = try FileByteSource(path: C2PAFixtures.path(C2PAFixtures.mov))
        let tree = try BMFFBoxTree(source: source)
        #expect(tree.topLevel.map(\.type) == ["ftyp", "uuid", "wide", "mdat", "moov"])
        #expect(tree.topLevel[1].offset == 20 && tree.topLevel[1].size == 3740)
        #expect(tree.topLevel[3].offset == 3768)
        #expect(tree.topLevel[4].offset == 963_772)
        let report = try await C2PAFixtures.verify(C2PAFixtures.mov, trust: try C2PAFixtures.testRoots())
        #expect(report.state == .trusted)
        #expect(report.hardBinding?.result == .match)
        #expect(report.summary.softwareAgent == "macOS screen recording 14.6.1")
        #expect(report.summary.digitalSourceTypeName == "screenCapture")
        #expect(report.summary.modelName == nil)
    }

    @Test("a manifest whose signature box comes before its claim reads and verifies the same")
    func signatureBeforeClaim() async throws {
        var bytes = try C2PAFixtures.bytes(C2PAFixtures.aigen)
        let source = DataByteSource(bytes)
        let tree = try BMFFBoxTree(source: source)
        let base = Int(try #require(try C2PABox.find(in: tree, source: source).first).dataOffset)
        let manifest = try #require(try ContentCredentials.read(source: source).store?.activeManifest)
        #expect(manifest.box.superBoxes.map(\.label) == ["c2pa.assertions", "c2pa.claim.v2", "c2pa.signature"])
        // Move the signature superbox first among the manifest's children: same bytes, same total size.
        let children = manifest.box.superBoxes
        let signature = try #require(children.first { $0.label == "c2pa.signature" })
        let reordered = [signature] + children.filter { $0.label != "c2pa.signature" }
        let start = base + children[0].offset
        let moved = reordered.flatMap { bytes[(base + $0.offset)..<(base + $0.offset + $0.size)] }
        bytes.replaceSubrange(start..<(start + moved.count), with: moved)

        let report = try await ContentCredentials.verify(source: DataByteSource(bytes), file: "reordered", trust: try C2PAFixtures.testRoots(),
                                                          now: C2PAFixtures.oracleDate)
        #expect(report.activeManifest?.box.superBoxes.map(\.label) == ["c2pa.signature", "c2pa.assertions", "c2pa.claim.v2"])
        #expect(report.state == .trusted, "\(report.validationStatus)")
        #expect(report.summary.modelName == "example-video-model-1")
    }

    @Test("the manifest store box: purpose, place, and the XMP that still names a manifest is not one")
    func manifestBox() throws {
        let source = try FileByteSource(path: C2PAFixtures.path(C2PAFixtures.video1))
        let tree = try BMFFBoxTree(source: source)
        let boxes = try C2PABox.find(in: tree, source: source)
        #expect(boxes.count == 1)
        #expect(boxes.first?.purpose == "manifest")
        #expect(boxes.first?.box.offset == 24 && boxes.first?.box.size == 30662)
        #expect(boxes.first?.box.version == 0)
        #expect(try ContentCredentials.read(path: C2PAFixtures.path(C2PAFixtures.noManifest)) == nil)
        let plain = try BMFFBoxTree(source: FileByteSource(path: C2PAFixtures.path(C2PAFixtures.noManifest)))
        #expect(plain.topLevel.contains { $0.type == "uuid" && $0.userType == BMFFBoxTypes.xmpUUID })
    }

    @Test("trust lists: every certificate read, RSASSA-PSS keys skipped with the reason, EKU configs parsed")
    func trustList() throws {
        let trust = try C2PAFixtures.testRoots()
        #expect(trust.anchors.count + trust.skippedAnchors.count == 8)
        #expect(trust.anchors.count == 5)
        #expect(trust.skippedAnchors.allSatisfy { $0.hasSuffix("RSASSA-PSS public keys are not supported") }, "\(trust.skippedAnchors)")
        #expect(trust.allowedKeyPurposes == TrustPolicy.defaultKeyPurposes)
        #expect(throws: ProvenanceError.self) { try TrustPolicy(pems: ["not PEM"]) }
        #expect(throws: ProvenanceError.self) { try TrustPolicy(pems: ["-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]) }
        let chain = try String(contentsOf: C2PAFixtures.folder.appendingPathComponent("trust/c2pa-rs-es256-chain.pem"), encoding: .utf8)
        #expect(try TrustPolicy(pems: [chain]).anchors.map { CertificateSummary($0).commonName } == ["C2PA Signer", "Intermediate CA"])
    }

    @Test("an intermediate given as a trust anchor is trusted as it is")
    func intermediateAnchor() async throws {
        let chain = try String(contentsOf: C2PAFixtures.folder.appendingPathComponent("trust/c2pa-rs-es256-chain.pem"), encoding: .utf8)
        var trust = try TrustPolicy(pems: [chain])
        trust.anchors.removeFirst()
        let report = try await C2PAFixtures.verify(C2PAFixtures.aigen, trust: trust)
        #expect(report.state == .trusted)
        // The same anchor with an EKU list that allows none of the signer's usages: trusted, but invalid.
        trust.allowedKeyPurposes = ["1.2.3.4"]
        let strict = try await C2PAFixtures.verify(C2PAFixtures.aigen, trust: trust)
        #expect(strict.active?.has(StatusCode.signingCredentialInvalid) == true)
        #expect(strict.state == .invalid)
    }

    @Test("JSON: the stable keys, snake_case, nulls where there is nothing")
    func json() async throws {
        let report = try await C2PAFixtures.verify(C2PAFixtures.aigen, trust: TrustPolicy())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let object = try #require(try JSONSerialization.jsonObject(with: encoder.encode(report)) as? [String: Any])
        #expect(Set(object.keys) == ["file", "state", "intact", "signature_valid", "signer_trusted", "active_manifest",
                                     "manifest_count", "claim_version", "claim_generator", "claim_generator_info", "title",
                                     "format", "instance_id", "software_agent", "model_name", "digital_source_type",
                                     "actions", "ingredients", "signature", "hard_binding", "validation_status", "results"])
        #expect(object["state"] as? String == "valid")
        #expect(object["model_name"] as? String == "example-video-model-1")
        #expect(object["format"] is NSNull)
        let status = try #require(object["validation_status"] as? [[String: Any]])
        #expect(status.map { $0["code"] as? String } == ["signingCredential.untrusted"])
        let signature = try #require(object["signature"] as? [String: Any])
        #expect(signature["algorithm"] as? String == "ES256")
        #expect(signature["time"] is NSNull)
        let none = try #require(try JSONSerialization.jsonObject(with: encoder.encode(ProvenanceReport(file: "x.mp4"))) as? [String: Any])
        #expect(none["state"] as? String == "no_manifest")
        #expect(Set(none.keys) == Set(object.keys))
    }
}

import X509

/// A certificate from DER.
func X509Certificate(_ der: [UInt8]) throws -> Certificate {
    try Certificate(derEncoded: der)
}
