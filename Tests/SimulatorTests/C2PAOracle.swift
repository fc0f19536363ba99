import Foundation
import Testing
import TestSupport

/// c2pa-python (c2pa-rs inside), installed by `scripts/install-test-tools.sh`, reading a file's manifest through
/// `Tests/provenance/read_manifest.py`: the independent judge of what the signer writes.
enum C2PAOracle {
    /// The venv's Python, when installed.
    static var python: String? { TestConditions.c2paPython }

    /// What the reader said about a file.
    struct Reading {
        var json: [String: Any]
        var state: String? { json["validation_state"] as? String }
        var statusCodes: [String] { json["status_codes"] as? [String] ?? [] }
        var successCodes: [String] { json["success_codes"] as? [String] ?? [] }
        var failureCodes: [String] { json["failure_codes"] as? [String] ?? [] }
        var action: [String: Any] { json["action"] as? [String: Any] ?? [:] }
        var parameters: [String: Any] { action["parameters"] as? [String: Any] ?? [:] }
        var softwareAgent: [String: Any] { action["softwareAgent"] as? [String: Any] ?? [:] }
        var error: String? { json["error"] as? String }
    }

    /// Reads `file`, trusting the PEM file `anchors` when given.
    static func read(_ file: String, anchors: String? = nil) throws -> Reading {
        let python = try #require(python, "c2pa-python is not installed")
        let script = FixturePaths.packageRoot.appendingPathComponent("Tests/provenance/read_manifest.py").path
        let result = try run(python, [script, file] + (anchors.map { ["--anchors", $0] } ?? []))
        try #require(result.status == 0, "read_manifest.py failed: \(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return Reading(json: try #require(json, "not a JSON object: \(result.stdout)"))
    }
}
