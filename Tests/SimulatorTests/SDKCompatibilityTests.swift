import Foundation
import Simulator
import Testing
import TestSupport

/// The official Ark Python SDKs (Volcengine `volcenginesdkarkruntime`, BytePlus `byteplussdkarkruntime`) drive the
/// simulator unmodified (`Tests/sdk/drive_simulator.py`): create (with the request id and `safety_identifier` read
/// back), get, list (status, task ids, service tier), delete, a refusal. The SDKs come from PyPI through
/// `scripts/install-test-tools.sh`; without them the tests skip (with `SEEDANCE_REQUIRE_ALL_TESTS=1` they fail).
@Suite struct SDKCompatibilityTests {
    /// `SEEDANCE_SDK_PYTHON`, else the venv the install script makes, else `python3`: the first that has both SDKs.
    static let python: String? = {
        let venv = FixturePaths.packageRoot.appendingPathComponent(".build/test-tools/sdk/bin/python").path
        let candidates = [ProcessInfo.processInfo.environment["SEEDANCE_SDK_PYTHON"], venv, "python3"].compactMap { $0 }
        return candidates.first { candidate in
            (try? run(candidate, ["-c", "import volcenginesdkarkruntime, byteplussdkarkruntime"]))?.status == 0
        }
    }()

    static var available: Bool {
        get throws { try TestConditions.need("the Ark Python SDKs (scripts/install-test-tools.sh)", python != nil) }
    }

    @Test(.enabled(if: try available, "the Ark Python SDKs are not installed (scripts/install-test-tools.sh)"),
          arguments: ["volcengine", "byteplus"])
    func officialPythonSDKDrivesTheSimulator(sdk: String) async throws {
        let python = try #require(Self.python, "the Ark Python SDKs are not installed")
        try await SimulatorHarness.with({ $0.timeScale = 0.001 }) { h in
            let script = FixturePaths.packageRoot.appendingPathComponent("Tests/sdk/drive_simulator.py").path
            let base = h.simulator.baseURL.absoluteString
            let result = await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(returning: Result { try run(python, [script, base, sdk]) })
                }
            }
            let output = try result.get()
            #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
            #expect(output.stdout.contains("14 passed, 0 failed"), "\(output.stdout)")
        }
    }
}
