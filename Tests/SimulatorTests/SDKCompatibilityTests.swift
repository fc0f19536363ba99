import Foundation
import Simulator
import Testing
import TestSupport

/// The official Volcengine Ark Python SDK drives the simulator unmodified (`Tests/sdk/drive_simulator.py`).
/// Runs when `SEEDANCE_SDK_PYTHON` (or `python3`) can import `volcenginesdkarkruntime`; skipped otherwise.
@Suite struct SDKCompatibilityTests {
    static let python: String? = {
        let candidate = ProcessInfo.processInfo.environment["SEEDANCE_SDK_PYTHON"] ?? "python3"
        let check = try? run(candidate, ["-c", "import volcenginesdkarkruntime"])
        return check?.status == 0 ? candidate : nil
    }()

    @Test(.enabled(if: python != nil, "the Volcengine Ark Python SDK is not installed"))
    func officialPythonSDKCreatesGetsListsAndDeletes() async throws {
        let python = try #require(Self.python)
        try await SimulatorHarness.with({ $0.timeScale = 0.001 }) { h in
            let script = FixturePaths.packageRoot.appendingPathComponent("Tests/sdk/drive_simulator.py").path
            let base = h.simulator.baseURL.absoluteString
            let result = await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(returning: Result { try run(python, [script, base]) })
                }
            }
            let output = try result.get()
            #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
            #expect(output.stdout.contains("10 passed, 0 failed"))
        }
    }
}
