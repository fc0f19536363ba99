import Foundation
import Testing
import TestSupport

/// `seedance mcp` driven by the official MCP Python SDK over stdio, against `seedance simulator` (Tests/mcp/client.py):
/// tools listed, estimate, generate_clip (one create, verified), run_plan and get_run, a QA failure as a result, bad
/// arguments as tool errors, the spending guard (elicitation, confirm, budget) and a cancelled call resumed.
@Suite("MCP server through the Python SDK")
struct MCPPythonClientTests {
    /// The Python with the `mcp` package that `scripts/install-test-tools.sh` sets up.
    static var python: String? { TestConditions.mcpPython }

    @Test("a real MCP client generates, runs, verifies, is refused over budget and resumes a cancelled clip",
          .enabled(if: try TestConditions.mcp),
          .timeLimit(.minutes(10)))
    func pythonClient() throws {
        let work = try FixturePaths.temporaryDirectory("mcp-client")
        defer { try? FileManager.default.removeItem(at: work) }
        let script = FixturePaths.packageRoot.appendingPathComponent("Tests/mcp/client.py").path
        let result = try run(try #require(Self.python),
                             [script, FixturePaths.seedanceBinary.path, work.path, FixturePaths.fixtures.path])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("every check held"), "\(result.stdout)")
    }
}
