import Crypto
import Foundation
@testable import Provenance
import TestSupport

/// The C2PA fixtures of `fixtures/c2pa` (see its SOURCES.md), the three derived files made from the video1 copy by
/// changing one documented byte, and the expected results of `ORACLE.txt` (c2pa-rs 0.91.3 through c2pa-python).
enum C2PAFixtures {
    static let folder = FixturePaths.fixtures.appendingPathComponent("c2pa")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    static let video1 = "c2pars-video1-bmffv2-claimv1-2manifests.mp4"
    static let legacy = "c2pars-legacy-bmffv1-ps256-2manifests.mp4"
    static let noManifest = "c2pars-video1-no-manifest.mp4"
    static let aigen = "generated-bmffv3-claimv2-es256-testcert-aigen.mp4"
    static let mov = "generated-mov-qt-bmffv3-claimv2-es256-testcert.mov"

    /// One derived file: the change to make and the sha256 prefix documented for the result.
    struct Derived: Sendable {
        var name: String
        var offset: Int
        var change: @Sendable (UInt8) -> UInt8
        var sha256Prefix: String
    }

    static let derived: [Derived] = [
        Derived(name: "derived-video1-mdat-byteflip.mp4", offset: 460_364, change: { $0 ^ 0xff }, sha256Prefix: "0576c510e0b6ebba"),
        Derived(name: "derived-video1-assertion-byteflip.mp4", offset: 16227, change: { $0 == UInt8(ascii: "w") ? UInt8(ascii: "W") : $0 },
                sha256Prefix: "90d390580b57d65f"),
        Derived(name: "derived-video1-cose-signature-byteflip.mp4", offset: 30632, change: { $0 ^ 0xff },
                sha256Prefix: "94ba9e030b700d3a"),
    ]

    /// Every file the oracle covers.
    static let all = [video1, legacy, noManifest, aigen, mov] + derived.map(\.name)

    /// The bytes of a fixture or of a derived file.
    static func bytes(_ name: String) throws -> [UInt8] {
        if let recipe = derived.first(where: { $0.name == name }) {
            var bytes = try bytes(video1)
            bytes[recipe.offset] = recipe.change(bytes[recipe.offset])
            return bytes
        }
        return [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    static func sha256Prefix(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined().prefix(16).description
    }

    /// The test roots trusted with c2pa-rs's EKU list (the oracle's `--test-anchors`).
    static func testRoots() throws -> TrustPolicy {
        let pem = try String(contentsOf: folder.appendingPathComponent("trust/c2pa-rs-test_cert_root_bundle.pem"), encoding: .utf8)
        let config = try String(contentsOf: folder.appendingPathComponent("trust/c2pa-rs-store.cfg"), encoding: .utf8)
        return try TrustPolicy(pems: [pem], allowedKeyPurposes: TrustPolicy.keyPurposes(config: config))
    }

    /// The day the oracle was produced: certificate validity without a time stamp is checked at this time.
    static let oracleDate = ISO8601DateFormatter().date(from: "2026-11-27T12:00:00Z")!

    static func verify(_ name: String, trust: TrustPolicy) async throws -> ProvenanceReport {
        try await ContentCredentials.verify(source: DataByteSource(try bytes(name)), file: name, trust: trust, now: oracleDate)
    }
}

/// What ORACLE.txt expects of one file in one trust mode.
struct OracleExpectation: Sendable, CustomStringConvertible {
    /// `(code, url suffix)` of each `validation_status` entry, in order.
    var validationStatus: [(code: String, urlSuffix: String)] = []
    /// The active manifest's code sets (test-anchor mode only).
    var success: Set<String>?
    var failure: Set<String>?
    var informational: Set<String>?
    var noManifest = false
    var state: String?

    var description: String {
        noManifest ? "no manifest" : "\(state ?? "?") \(validationStatus.map { "\($0.code)@\($0.urlSuffix)" })"
    }

    /// Parses ORACLE.txt: part 1 (test anchors) and part 2 (no anchors), by file name.
    static func parse() throws -> (testAnchors: [String: OracleExpectation], noAnchors: [String: OracleExpectation]) {
        let text = try String(contentsOf: C2PAFixtures.folder.appendingPathComponent("ORACLE.txt"), encoding: .utf8)
        var parts: [[String: OracleExpectation]] = [[:], [:]]
        var part = 0
        var current: String?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.hasPrefix("########## Part 2") { part = 1; current = nil; continue }
            if line.hasPrefix("== ") {
                let path = line.dropFirst(3).split(separator: " ")[0]
                current = String(path.split(separator: "/").last!)
                parts[part][current!] = OracleExpectation()
                continue
            }
            guard let file = current else { continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("no C2PA manifest") { parts[part][file]!.noManifest = true }
            if trimmed.hasPrefix("validation_state:") {
                parts[part][file]!.state = trimmed.split(separator: " ")[1].description
            }
            if let at = trimmed.range(of: "  @.."), !trimmed.hasPrefix("activeManifest"), !trimmed.hasPrefix("ingredientDelta") {
                let code = trimmed[..<at.lowerBound].trimmingCharacters(in: .whitespaces)
                let suffix = trimmed[at.upperBound...].split(separator: " ")[0]
                parts[part][file]!.validationStatus.append((code, String(suffix)))
            }
            for kind in ["success", "failure", "informational"] where trimmed.hasPrefix("activeManifest.\(kind):") {
                let codes = trimmed.dropFirst("activeManifest.\(kind):".count).split(separator: ",")
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                switch kind {
                case "success": parts[part][file]!.success = Set(codes)
                case "failure": parts[part][file]!.failure = Set(codes)
                default: parts[part][file]!.informational = Set(codes)
                }
            }
        }
        for (file, var expectation) in parts[0] where !expectation.noManifest && expectation.failure == nil {
            expectation.failure = []
            parts[0][file] = expectation
        }
        return (parts[0], parts[1])
    }
}
