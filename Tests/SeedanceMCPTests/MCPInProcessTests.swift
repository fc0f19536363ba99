import Foundation
import Logging
import MCP
import Pipeline
import SeedanceAPI
import SeedanceMCP
import Simulator
import Testing
import TestSupport

/// The MCP server driven through the Swift SDK's own client over its in-memory transport, against an in-process
/// simulator: what a Swift program embedding `SeedanceMCPServer` sees, with no process or pipe in between.
@Suite("MCP server in process (Swift SDK client)")
struct MCPInProcessTests {
    static let tools: Set<String> = ["estimate", "generate_clip", "run_plan", "get_run", "resume_run",
                                     "regenerate_shot", "verify_clip", "probe", "thumbnail", "contact_sheet", "concat",
                                     "provenance"]
    static let clip: [String: Value] = ["prompt": "a red kite over a beach", "resolution": "480p", "ratio": "16:9",
                                        "duration": 4]

    @Test("tools/list names every tool, each with an object schema")
    func listsTools() async throws {
        try await MCPHarness.with { harness in
            #expect(harness.initialized.serverInfo.name == "seedance")
            #expect(harness.initialized.capabilities.tools != nil)
            let (tools, _) = try await harness.client.listTools()
            #expect(Set(tools.map(\.name)) == Self.tools)
            for tool in tools {
                #expect(tool.inputSchema.objectValue?["type"]?.stringValue == "object", "\(tool.name)")
                #expect(!(tool.description ?? "").isEmpty, "\(tool.name)")
            }
            let generate = try #require(tools.first { $0.name == "generate_clip" })
            #expect(generate.inputSchema.objectValue?["required"]?.arrayValue == ["prompt"])
        }
    }

    @Test("estimate says the creates and tokens, sends nothing and tells the budget left")
    func estimate() async throws {
        try await MCPHarness.with(budget: 500_000) { harness in
            let result = try await harness.call("estimate", Self.clip)
            #expect(result.isError != true, "\(result.text)")
            let answer = try #require(result.structuredContent?.objectValue)
            #expect(answer["creates"]?.intValue == 1)
            #expect((answer["estimated_tokens"]?.intValue ?? 0) > 0)
            #expect(answer["sent"]?.boolValue == false)
            #expect(answer["budget_remaining_tokens"]?.intValue == 500_000)
            #expect(result.text.contains("nothing was sent"))
            #expect(try await harness.simulator.stats().createsAccepted == 0)
        }
    }

    @Test("a bad argument is a tool error naming the field, and the server answers the next call")
    func badArguments() async throws {
        try await MCPHarness.with { harness in
            let clip = FixturePaths.fixture("qa/good-720p.mp4")
            let typed = try await harness.call("thumbnail", ["file": .string(clip), "output": "t.jpg", "at": "soon"])
            #expect(typed.isError == true)
            #expect(typed.text.hasPrefix("at:"), "\(typed.text)")
            let missing = try await harness.call("generate_clip", ["resolution": "480p", "confirm": true])
            #expect(missing.isError == true)
            #expect(missing.text.hasPrefix("prompt:"), "\(missing.text)")
            let noFile = try await harness.call("probe", ["files": ["/nonexistent/clip.mp4"]])
            #expect(noFile.isError == true)
            #expect(noFile.text.contains("files[0]"), "\(noFile.text)")
            let unknown = try await harness.call("render", [:])
            #expect(unknown.isError == true)
            #expect(unknown.text.contains("no tool named \"render\""), "\(unknown.text)")

            let probe = try await harness.call("probe", ["files": [.string(clip)]])
            #expect(probe.isError != true, "\(probe.text)")
            let video = probe.structuredContent?.objectValue?["files"]?.arrayValue?.first?.objectValue?["video"]
            #expect(video?.objectValue?["width"]?.intValue == 1280)
            #expect(try await harness.simulator.stats().createsAccepted == 0)
        }
    }

    @Test("verify_clip reports a failed check as a result, failures first; a good clip passes")
    func verifyClip() async throws {
        try await MCPHarness.with { harness in
            let asked: [String: Value] = ["resolution": "720p", "ratio": "16:9", "duration": 2]
            var arguments = asked
            arguments["file"] = .string(FixturePaths.fixture("qa/v1-size.mp4"))
            let bad = try await harness.call("verify_clip", arguments)
            #expect(bad.isError != true, "\(bad.text)")
            let qa = try #require(bad.structuredContent?.objectValue?["qa"]?.objectValue)
            #expect(qa["passed"]?.boolValue == false)
            #expect(qa["failures"]?.arrayValue == ["geometry"])
            let checks = try #require(qa["checks"]?.arrayValue)
            #expect(checks.first?.objectValue?["verdict"]?.stringValue == "fail")
            #expect(checks.first?.objectValue?["name"]?.stringValue == "geometry")
            #expect(bad.text.contains("FAILED geometry"), "\(bad.text)")

            arguments["file"] = .string(FixturePaths.fixture("qa/good-720p.mp4"))
            let good = try await harness.call("verify_clip", arguments)
            #expect(good.structuredContent?.objectValue?["qa"]?.objectValue?["passed"]?.boolValue == true,
                    "\(good.text)")
        }
    }

    @Test("provenance names the model and signer, trusts only the roots it is given, and says when there is no manifest")
    func provenance() async throws {
        try await MCPHarness.with { harness in
            let signed = FixturePaths.fixture("c2pa/generated-bmffv3-claimv2-es256-testcert-aigen.mp4")
            let unsigned = FixturePaths.fixture("c2pa/c2pars-video1-no-manifest.mp4")
            let plain = try await harness.call("provenance", ["files": [.string(signed), .string(unsigned)]])
            #expect(plain.isError != true, "\(plain.text)")
            let files = try #require(plain.structuredContent?.objectValue?["files"]?.arrayValue)
            #expect(files.map { $0.objectValue?["state"]?.stringValue } == ["valid", "no_manifest"])
            #expect(plain.text.contains("valid, signer not trusted; model example-video-model-1"), "\(plain.text)")
            #expect(plain.text.contains("no C2PA manifest"), "\(plain.text)")

            let roots = FixturePaths.fixture("c2pa/trust/c2pa-rs-test_cert_root_bundle.pem")
            let trusted = try await harness.call("provenance", ["files": [.string(signed)], "trust": [.string(roots)]])
            #expect(trusted.structuredContent?.objectValue?["files"]?.arrayValue?.first?.objectValue?["state"]?
                .stringValue == "trusted", "\(trusted.text)")

            let missing = try await harness.call("provenance", ["files": [.string(signed)],
                                                                "trust": [.string("/nonexistent/roots.pem")]])
            #expect(missing.isError == true)
            #expect(missing.text.contains("trust[0]"), "\(missing.text)")
        }
    }

    @Test("generate_clip makes one clip with one create: verified, with a poster, progress, and the budget charged")
    func generateClip() async throws {
        let budget = 5_000_000
        try await MCPHarness.with(budget: budget) { harness in
            let progress = Locked<[String]>([])
            await harness.client.onNotification(ProgressNotification.self) { message in
                progress.withLock { $0.append(message.params.message ?? "") }
            }
            var arguments = Self.clip
            arguments["run_id"] = "kite"
            arguments["confirm"] = true
            let result = try await harness.call("generate_clip", arguments, progressToken: .unique())
            #expect(result.isError != true, "\(result.text)")
            let answer = try #require(result.structuredContent?.objectValue)
            #expect(answer["state"]?.stringValue == "done")
            let clip = try #require(answer["clip"]?.stringValue)
            #expect(clip == harness.root.appendingPathComponent("kite/clips/shot-01.mp4").path)
            #expect(FileManager.default.fileExists(atPath: clip))
            #expect(FileManager.default.fileExists(atPath: answer["poster"]?.stringValue ?? "/nonexistent"))
            #expect(answer["qa"]?.objectValue?["passed"]?.boolValue == true)
            #expect(answer["task_id"]?.stringValue?.hasPrefix("cgt-") == true)
            let tokens = try #require(answer["tokens"]?.intValue)
            #expect(tokens > 0)
            #expect(answer["budget_remaining_tokens"]?.intValue == budget - tokens)
            #expect(try await harness.simulator.stats().createsAccepted == 1)
            #expect(progress.withLock { $0 }.contains { $0.contains("shot-01 running") }, "\(progress.withLock { $0 })")
            #expect(!result.text.contains(MCPHarness.apiKey))

            // The run is an ordinary run folder: the library's report reads it.
            let report = try await ReportWriter.forRun(directory: harness.root.appendingPathComponent("kite").path)
                .report()
            #expect(report.shots.first?.state == "done")
        }
    }

    @Test("a user who declines the question sends nothing and leaves no run folder")
    func declined() async throws {
        let asked = Locked<[String]>([])
        try await MCPHarness.with(elicitation: { parameters in
            if case .form(let form) = parameters { asked.withLock { $0.append(form.message) } }
            return CreateElicitation.Result(action: .decline)
        }) { harness in
            let result = try await harness.call("generate_clip", Self.clip)
            #expect(result.isError == true)
            #expect(result.text.contains("did not agree"), "\(result.text)")
            #expect(asked.withLock { $0 }.count == 1)
            #expect(asked.withLock { $0 }.first?.contains("tokens") == true)
            #expect(try await harness.simulator.stats().createsAccepted == 0)
            let left = try FileManager.default.contentsOfDirectory(atPath: harness.root.path)
            #expect(left.isEmpty, "\(left)")
        }
    }
}

/// An in-process simulator, a `SeedanceMCPServer` on a root folder pointed at it, and an SDK client connected to the
/// server through `InMemoryTransport`.
struct MCPHarness {
    static let apiKey = "test-key-0123456789"
    let simulator: RunningSimulator
    let server: SeedanceMCPServer
    let client: MCP.Client
    let root: URL
    /// The server's answer to the client's `initialize`.
    let initialized: Initialize.Result
    /// The server's API client settings (the simulator's URL and key), for a test that drives a run itself.
    let clientConfiguration: ClientConfiguration

    /// Runs `body` with a started harness and stops everything when `body` ends, by returning or by throwing.
    /// `faults`: the simulator's fault plan (docs/simulator.md); `regenerations`: the server's `--regenerations`.
    static func with<T>(budget: Int? = nil, faults: String? = nil, regenerations: Int? = nil,
                        elicitation: (@Sendable (CreateElicitation.Parameters) async throws
                            -> CreateElicitation.Result)? = nil,
                        _ body: (MCPHarness) async throws -> T) async throws -> T {
        let folder = try FixturePaths.temporaryDirectory("mcp-in-process")
        var logger = Logger(label: "test.mcp")
        logger.logLevel = .critical
        var simulatorConfiguration = SimulatorConfiguration()
        simulatorConfiguration.apiKey = apiKey
        simulatorConfiguration.timeScale = 0.01
        simulatorConfiguration.dataDirectory = folder.appendingPathComponent("simulator")
        let simulator: RunningSimulator
        do {
            if let faults { simulatorConfiguration.faults = try FaultPlan(spec: faults) }
            simulator = try await SimulatorServer(configuration: simulatorConfiguration, logger: logger).start()
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        var clientConfiguration = ClientConfiguration(baseURL: simulator.baseURL, apiKey: APIKey(apiKey))
        clientConfiguration.poll = PollSchedule(initialInterval: 0.05, maxInterval: 0.2)
        clientConfiguration.requestTimeout = 10
        let root = folder.appendingPathComponent("runs")
        var run = RunConfiguration(outputDirectory: root.path)
        run.pollInterval = 0.1
        run.reconcileGrace = 1
        run.timeLimit = 240
        if let regenerations { run.maxRegenerations = regenerations }
        let server = SeedanceMCPServer(configuration: MCPServerConfiguration(
            root: root.path, budgetTokens: budget, client: clientConfiguration, run: run), logger: logger)
        let client = MCP.Client(name: "seedance-tests", version: "1.0.0",
                                capabilities: .init(elicitation: elicitation == nil ? nil : .init()))
        if let elicitation { await client.withElicitationHandler(elicitation) }
        do {
            let (clientTransport, serverTransport) = await InMemoryTransport.createConnectedPair()
            _ = try await server.start(transport: serverTransport)
            let initialized = try await client.connect(transport: clientTransport)
            let harness = MCPHarness(simulator: simulator, server: server, client: client, root: root,
                                     initialized: initialized, clientConfiguration: clientConfiguration)
            let result = try await body(harness)
            await stop(client: client, server: server, simulator: simulator, folder: folder)
            return result
        } catch {
            await stop(client: client, server: server, simulator: simulator, folder: folder)
            throw error
        }
    }

    /// Calls `name` and returns the whole result (structured content included), with progress asked for when
    /// `progressToken` is given.
    func call(_ name: String, _ arguments: [String: Value],
              progressToken: ProgressToken? = nil) async throws -> CallTool.Result {
        let request = CallTool.request(.init(name: name, arguments: arguments,
                                             meta: progressToken.map { Metadata(progressToken: $0) }))
        return try await client.send(request).value
    }

    private static func stop(client: MCP.Client, server: SeedanceMCPServer, simulator: RunningSimulator,
                             folder: URL) async {
        await client.disconnect()
        await server.shutdown()
        await simulator.stop()
        try? FileManager.default.removeItem(at: folder)
    }
}

extension CallTool.Result {
    /// The text content, joined.
    var text: String {
        content.compactMap { if case .text(let text, _, _) = $0 { text } else { nil } }.joined(separator: "\n")
    }
}
