import Foundation
import Pipeline
import Testing
import TestSupport

/// The question before spending, on a real terminal: `script` gives the binary a pseudo-terminal, and the answer is
/// typed on it.
@Suite(.serialized, .enabled(if: try TestConditions.need("script(1)",
                                                            FileManager.default.isExecutableFile(atPath: "/usr/bin/script")),
                             "needs script(1) from util-linux for a pseudo-terminal"))
struct RunQuestionTests {
    /// Runs `seedance ARGUMENTS` on a pseudo-terminal with `answer` typed in.
    func onTerminal(_ arguments: [String], answer: String, environment: [String: String]) throws -> RunResult {
        let command = ([FixturePaths.seedanceBinary.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let dir = try FixturePaths.temporaryDirectory("question")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("answer")
        try answer.write(to: input, atomically: true, encoding: .utf8)
        return try run("/bin/sh", ["-c", "/usr/bin/script -qec \"$0\" /dev/null < \"$1\"", command, input.path],
                       environment: environment)
    }

    @Test func noSendsNothingAndYesSpends() async throws {
        try await SimulatorHarness.with { harness in
            let plan = try harness.writePlan(PipelineRunTests.smallPlan)
            let dir = harness.directory.appendingPathComponent("asked").path
            let env = RunCommandTests.environment(harness)

            let declined = try onTerminal(["run", plan, "-o", dir, "--poll-interval", "0.1"], answer: "n\n", environment: env)
            #expect(declined.status == 0, "\(declined.stdout)")
            #expect(declined.stdout.contains("to create: 4 tasks") && declined.stdout.contains("Go ahead and create 4 tasks?"))
            #expect(declined.stdout.contains("nothing was sent"))
            #expect(try await harness.simulator.stats().createsAccepted == 0)

            let accepted = try onTerminal(["run", plan, "-o", dir, "--poll-interval", "0.1"], answer: "y\n", environment: env)
            #expect(accepted.status == 0, "\(accepted.stdout)")
            #expect(try await harness.simulator.stats().createsAccepted == 4)

            // Nothing to create: nothing is asked.
            let again = try onTerminal(["run", plan, "-o", dir, "--poll-interval", "0.1"], answer: "", environment: env)
            #expect(again.status == 0 && !again.stdout.contains("Go ahead"), "\(again.stdout)")
            #expect(try await harness.simulator.stats().createsAccepted == 4)
        }
    }
}
