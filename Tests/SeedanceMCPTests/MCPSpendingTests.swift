import Foundation
import Logging
import MCP
import Pipeline
import SeedanceAPI
import Testing
import TestSupport

/// The spending guard covers regenerations too: a `resume_run` that only collects a task already made, whose clip
/// then fails QA, is asked about (or needs `confirm`) and held to the server's budget for the regeneration that may
/// follow, and the runner's create gate stops the run when the budget has no room for it.
@Suite("MCP spending guard: regenerations of collected clips")
struct MCPSpendingTests {
    /// One 4 s 480p shot; the tests' simulator gives every clip silent audio, so QA fails each one.
    static let plan = """
        defaults: {resolution: 480p, ratio: "16:9", duration: 4, audio: true}
        shots:
          - id: one
            prompt: two friends talk in a kitchen
        """

    @Test("a resumed run whose collected clip fails QA stops at the budget instead of creating again")
    func budgetStopsTheRegeneration() async throws {
        try await MCPHarness.with(budget: 1000, faults: "silent=1", regenerations: 1) { harness in
            let estimate = try await Self.leaveCreated(harness, runID: "talk")
            #expect(estimate > 1000, "the budget must be too small for one regeneration: \(estimate)")
            let resumed = try await harness.call("resume_run", ["run_id": "talk", "confirm": true])
            #expect(resumed.isError != true, "\(resumed.text)")
            let answer = try #require(resumed.structuredContent?.objectValue)
            #expect(answer["creates"]?.intValue == 0)
            #expect(answer["worst_case_tokens"]?.intValue == estimate)
            #expect(answer["reserved_tokens"]?.intValue == 1000, "what was left of the budget is held")
            #expect(answer["budget_remaining_tokens"]?.intValue == 0)

            let run = try await Self.waitForRun(harness, "talk")
            let shot = try #require(run["shots"]?.arrayValue?.first?.objectValue)
            #expect(shot["qa_failures"]?.arrayValue?.contains("audio") == true, "\(shot)")
            #expect(shot["state"]?.stringValue == "pending", "left for a resume: \(shot)")
            let ending = try #require(run["ending"]?.stringValue)
            #expect(ending.contains("budget") && ending.contains("does not fit"), "\(ending)")
            #expect(try await harness.simulator.stats().createsAccepted == 1, "no regeneration was sent")
        }
    }

    @Test("without elicitation, resuming a run that may regenerate needs confirm: a tool error, nothing created")
    func regenerationNeedsConfirm() async throws {
        try await MCPHarness.with(budget: 5_000_000, faults: "silent=1", regenerations: 1) { harness in
            let estimate = try await Self.leaveCreated(harness, runID: "talk")
            let refused = try await harness.call("resume_run", ["run_id": "talk"])
            #expect(refused.isError == true, "\(refused.text)")
            #expect(refused.text.hasPrefix("confirm:"), "\(refused.text)")
            #expect(refused.text.contains("up to \(estimate) tokens"), "\(refused.text)")
            #expect(refused.text.contains("Budget left: 5000000 tokens"), "\(refused.text)")
            let run = try await harness.call("get_run", ["run_id": "talk"])
            let shot = try #require(run.structuredContent?.objectValue?["shots"]?.arrayValue?.first?.objectValue)
            #expect(shot["state"]?.stringValue != "done" && shot["qa_failures"]?.arrayValue == [],
                    "the refused call collected nothing: \(shot)")
            #expect(run.structuredContent?.objectValue?["running"]?.boolValue == false)
            #expect(try await harness.simulator.stats().createsAccepted == 1)
        }
    }

    @Test("with budget and confirm, the collected clip that fails QA is made again exactly once, held and settled")
    func confirmedRegeneration() async throws {
        let budget = 5_000_000
        try await MCPHarness.with(budget: budget, faults: "silent=1", regenerations: 1) { harness in
            let estimate = try await Self.leaveCreated(harness, runID: "talk")
            let resumed = try await harness.call("resume_run", ["run_id": "talk", "confirm": true])
            #expect(resumed.isError != true, "\(resumed.text)")
            let answer = try #require(resumed.structuredContent?.objectValue)
            #expect(answer["reserved_tokens"]?.intValue == estimate)
            #expect(answer["budget_remaining_tokens"]?.intValue == budget - estimate, "the regeneration is held")
            #expect(resumed.text.contains("up to \(estimate) tokens with regenerations"), "\(resumed.text)")

            let run = try await Self.waitForRun(harness, "talk")
            let shot = try #require(run["shots"]?.arrayValue?.first?.objectValue)
            #expect(shot["state"]?.stringValue == "failed", "both clips fail QA, and one regeneration is allowed")
            #expect(shot["attempts"]?.intValue == 2)
            #expect(run["ending"]?.stringValue == "finished")
            #expect(try await harness.simulator.stats().createsAccepted == 2, "exactly one regeneration")
            // Settled: the hold is released and what the run billed is counted.
            let after = try await harness.call("get_run", ["run_id": "talk"])
            let tokens = try #require(run["tokens"]?.intValue)
            #expect(after.structuredContent?.objectValue?["budget_remaining_tokens"]?.intValue == budget - tokens)
        }
    }

    @Test("with elicitation, the user is asked about the regenerations of a resumed run")
    func regenerationIsAsked() async throws {
        let asked = Locked<[String]>([])
        try await MCPHarness.with(faults: "silent=1", regenerations: 1, elicitation: { parameters in
            if case .form(let form) = parameters { asked.withLock { $0.append(form.message) } }
            return CreateElicitation.Result(action: .decline)
        }) { harness in
            _ = try await Self.leaveCreated(harness, runID: "talk")
            let refused = try await harness.call("resume_run", ["run_id": "talk"])
            #expect(refused.isError == true)
            #expect(refused.text.contains("did not agree"), "\(refused.text)")
            #expect(asked.withLock { $0 }.count == 1)
            #expect(asked.withLock { $0 }.first?.contains("may be made again") == true, "\(asked.withLock { $0 })")
            #expect(try await harness.simulator.stats().createsAccepted == 1)
        }
    }

    /// Runs `plan` with the library in `runID` under the server's root and stops it once its create was accepted:
    /// the shot has a task at the service, not collected (what a cancelled `generate_clip` leaves). Returns the
    /// shot's estimated tokens.
    static func leaveCreated(_ harness: MCPHarness, runID: String) async throws -> Int {
        var logger = Logger(label: "test.mcp.spending")
        logger.logLevel = .critical
        let client = SeedanceAPI.Client(configuration: harness.clientConfiguration, logger: logger)
        do {
            let estimate = try await leaveCreated(harness, runID: runID, client: client, logger: logger)
            try await client.shutdown()
            return estimate
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private static func leaveCreated(_ harness: MCPHarness, runID: String, client: SeedanceAPI.Client,
                                     logger: Logger) async throws -> Int {
        let directory = harness.root.appendingPathComponent(runID).path
        let planFile = harness.root.deletingLastPathComponent().appendingPathComponent("plan.yaml").path
        var configuration = RunConfiguration(outputDirectory: directory)
        configuration.pollInterval = 0.1
        let runner = try await PipelineRunner(plan: try PlanLoader.parse(plan, file: planFile), planFile: planFile,
                                              configuration: configuration, service: ClientService(client: client),
                                              logger: logger)
        let summary = try await withThrowingTaskGroup(of: RunSummary?.self) { group in
            group.addTask { try await runner.run() }
            while try await harness.simulator.stats().createsAccepted < 1 {
                try await Task.sleep(nanoseconds: 5_000_000)
            }
            await runner.stop(.interrupted)
            var summary: RunSummary?
            for try await result in group where result != nil { summary = result }
            return summary
        }
        #expect(summary?.ending == .interrupted)
        let store = try SQLiteJobStore(path: RunLayout(directory: directory).state, readOnly: true)
        let shot = try #require(try await store.shots().first)
        #expect(shot.taskID != nil && shot.state.isActive, "\(shot.state)")
        return try #require(shot.estimatedTokens)
    }

    /// `get_run` of `runID` once it is no longer going on.
    static func waitForRun(_ harness: MCPHarness, _ runID: String) async throws -> [String: Value] {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let run = try #require(try await harness.call("get_run", ["run_id": .string(runID)])
                .structuredContent?.objectValue)
            if run["running"]?.boolValue == false { return run }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        Issue.record("run \(runID) did not end")
        return [:]
    }
}
