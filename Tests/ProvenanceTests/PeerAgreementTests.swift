import Foundation
import Testing
@testable import Provenance
import TestSupport

/// The same files read here and by c2pa-python (c2pa-rs) installed from PyPI (scripts/install-test-tools.sh):
/// the same verdicts and status codes, live rather than from the recorded oracle. Skipped when c2pa-python is not
/// installed.
@Suite("Agreement with c2pa-python",
       .enabled(if: TestConditions.available("c2pa-python (scripts/install-test-tools.sh)", C2PAPython.path != nil)))
struct PeerAgreementTests {

    /// c2pa-python's answer for each of `files`, by path.
    static func peer(_ files: [String], anchors: Bool) throws -> [String: [String: Any]] {
        let python = try #require(C2PAPython.path)
        let script = FixturePaths.packageRoot.appendingPathComponent("Tests/c2pa/read_c2pa.py").path
        let trust = anchors ? ["--anchors", C2PAFixtures.path("trust/c2pa-rs-test_cert_root_bundle.pem"),
                               "--eku", C2PAFixtures.path("trust/c2pa-rs-store.cfg")] : []
        let result = try run(python, [script] + trust + files)
        try #require(result.status == 0, "\(result.stderr)")
        var answers: [String: [String: Any]] = [:]
        for line in result.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            answers[try #require(object["file"] as? String)] = object
        }
        return answers
    }

    @Test("every fixture and derived file, in both trust modes", arguments: [true, false])
    func agree(_ anchors: Bool) async throws {
        let dir = try FixturePaths.temporaryDirectory("c2pa-peer")
        defer { try? FileManager.default.removeItem(at: dir) }
        var files: [String] = []
        for name in C2PAFixtures.all {
            let path = dir.appendingPathComponent(name).path
            try Data(try C2PAFixtures.bytes(name)).write(to: URL(fileURLWithPath: path))
            files.append(path)
        }
        let answers = try Self.peer(files, anchors: anchors)
        let trust = anchors ? try C2PAFixtures.testRoots() : TrustPolicy()
        for path in files {
            let theirs = try #require(answers[path])
            let report = try await ContentCredentials.verify(path: path, trust: trust, now: C2PAFixtures.oracleDate)
            if theirs["error"] != nil {
                #expect(report.state == .noManifest, "\(path): \(String(describing: theirs["error"]))")
                continue
            }
            #expect(report.state.rawValue == (theirs["state"] as? String)?.lowercased(), "\(path)")
            let status = (theirs["status"] as? [[String]] ?? []).map { $0.joined(separator: " ") }
            #expect(report.validationStatus.map { "\($0.code) \($0.url)" } == status, "\(path)")
            if anchors, let active = report.active {
                #expect(active.codes(.success).sorted() == theirs["success"] as? [String], "\(path)")
                #expect(active.codes(.failure).sorted() == theirs["failure"] as? [String], "\(path)")
                #expect(active.codes(.informational).sorted() == theirs["informational"] as? [String], "\(path)")
            }
        }
    }
}

/// The Python with c2pa-python that scripts/install-test-tools.sh sets up.
enum C2PAPython {
    static let path: String? = {
        let path = FixturePaths.packageRoot.appendingPathComponent(".build/test-tools/c2pa/bin/python").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }()
}
