import Foundation
import Testing
@testable import Provenance

/// Every fixture, in both trust modes, gives exactly the status codes c2pa-rs gave (ORACLE.txt): the
/// `validation_status` list in order with the manifest each entry is about, and with the test roots trusted the
/// active manifest's success, failure and informational sets.
@Suite("Status codes agree with the c2pa-rs oracle")
struct OracleAgreementTests {
    static let oracle = try! OracleExpectation.parse()

    @Test("the oracle covers every fixture in both modes")
    func oracleIsComplete() {
        #expect(Set(Self.oracle.testAnchors.keys) == Set(C2PAFixtures.all))
        #expect(Set(Self.oracle.noAnchors.keys) == Set(C2PAFixtures.all))
        #expect(Self.oracle.testAnchors[C2PAFixtures.video1]?.success?.contains("signingCredential.trusted") == true)
    }

    @Test("derived files are the documented one-byte changes of video1", arguments: C2PAFixtures.derived.map(\.name))
    func derivedFiles(_ name: String) throws {
        let recipe = try #require(C2PAFixtures.derived.first { $0.name == name })
        let original = try C2PAFixtures.bytes(C2PAFixtures.video1)
        let changed = try C2PAFixtures.bytes(name)
        #expect(C2PAFixtures.sha256Prefix(original) == "b310ba339ca89950")
        #expect(C2PAFixtures.sha256Prefix(changed) == recipe.sha256Prefix)
        #expect(zip(original, changed).filter { $0 != $1 }.count == 1)
    }

    static func compare(_ report: ProvenanceReport, _ expected: OracleExpectation, activeSets: Bool) {
        if expected.noManifest {
            #expect(report.state == .noManifest, "\(report.file)")
            #expect(report.store == nil)
            return
        }
        let got = report.validationStatus.map { ($0.code, $0.url) }
        let summary = "\(report.file): got \(got.map { "\($0.0)@\($0.1)" }), expected \(expected)"
        #expect(got.count == expected.validationStatus.count, "\(summary)")
        for (mine, theirs) in zip(got, expected.validationStatus) {
            #expect(mine.0 == theirs.code && mine.1.hasSuffix(theirs.urlSuffix), "\(summary)")
        }
        if let state = expected.state {
            #expect(report.state.rawValue.lowercased() == state.lowercased(), "\(report.file): \(report.state)")
        }
        guard activeSets, let active = report.active else { return }
        #expect(Set(active.codes(.success)) == expected.success, "\(report.file) success")
        #expect(Set(active.codes(.failure)) == expected.failure, "\(report.file) failure")
        #expect(Set(active.codes(.informational)) == expected.informational, "\(report.file) informational")
    }

    @Test("with the c2pa-rs test roots trusted", arguments: C2PAFixtures.all)
    func testAnchors(_ name: String) async throws {
        let expected = try #require(Self.oracle.testAnchors[name])
        let report = try await C2PAFixtures.verify(name, trust: try C2PAFixtures.testRoots())
        Self.compare(report, expected, activeSets: true)
    }

    @Test("with no trust anchors", arguments: C2PAFixtures.all)
    func noAnchors(_ name: String) async throws {
        let expected = try #require(Self.oracle.noAnchors[name])
        let report = try await C2PAFixtures.verify(name, trust: TrustPolicy())
        Self.compare(report, expected, activeSets: false)
        if !expected.noManifest {
            #expect(report.signerTrusted == false)
        }
    }
}
