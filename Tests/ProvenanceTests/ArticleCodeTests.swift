import Foundation
import Provenance
import Testing

/// The code of Provenance.docc/VerifyingContentCredentials.md and docs/provenance.md, run for real on the fixtures
/// (`roots.pem` is the c2pa-rs test root bundle, `clip.mp4` the AI-generated fixture).
@Suite("Article code")
struct ArticleCodeTests {
    @Test("VerifyingContentCredentials: verify, switch on the state, read the summary")
    func article() async throws {
        let rootsPath = C2PAFixtures.path("trust/c2pa-rs-test_cert_root_bundle.pem")
        let clipPath = C2PAFixtures.path(C2PAFixtures.aigen)

        let roots = try String(contentsOfFile: rootsPath, encoding: .utf8)
        let report = try await ContentCredentials.verify(path: clipPath, trust: try TrustPolicy(pems: [roots]))

        var said = ""
        switch report.state {
        case .noManifest: said = "no Content Credentials"
        case .invalid: said = "changed after signing: \(report.validationStatus.map(\.code))"
        case .valid: said = "intact and validly signed; the signer is not trusted"
        case .trusted: said = "intact, signed by a trusted signer"
        }
        #expect(said == "intact, signed by a trusted signer")
        let summary = report.summary
        #expect([summary.softwareAgent, summary.modelName, summary.digitalSourceTypeName]
                == ["ExampleVideoModel 1.0", "example-video-model-1", "trainedAlgorithmicMedia"])

        let store = try #require(try ContentCredentials.read(path: clipPath))
        #expect(store.activeManifest?.claim.version == 2)
        #expect(store.activeManifest?.actions.first?.action == "c2pa.created")
        #expect(store.activeManifest?.signature?.algorithm == .es256)
        #expect(try JSONEncoder().encode(report).count > 1000)
    }

    @Test("docs/provenance.md: state, model, intact, and the failures listed")
    func guide() async throws {
        let trust = try TrustPolicy(pems: [String(contentsOfFile: C2PAFixtures.path("trust/c2pa-rs-test_cert_root_bundle.pem"),
                                                  encoding: .utf8)])
        let report = try await ContentCredentials.verify(path: C2PAFixtures.path(C2PAFixtures.video1), trust: trust)
        #expect(report.state == .valid)
        #expect(report.summary.modelName == nil)
        #expect(report.isIntact == true)
        #expect(report.validationStatus.map(\.code) == ["signingCredential.untrusted"])
        #expect(report.validationStatus.first?.url.hasSuffix("urn:uuid:54281c07-ad34-430e-bea5-112a18facf0b/c2pa.signature") == true)
    }
}
