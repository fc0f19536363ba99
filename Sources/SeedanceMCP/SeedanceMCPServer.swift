import Foundation
import Logging
import MCP
import Pipeline
import SeedanceAPI

/// The MCP server of `seedance mcp`: tools over the same libraries as the command line (estimate, generate, runs,
/// verify, probe, frames, joins), with spending guarded by a question to the user (elicitation) or `confirm: true`,
/// and by a lifetime token budget. Logs go to the logger (stderr in the CLI), never to the protocol's stream, and the
/// API key appears in no result, log or notification.
public actor SeedanceMCPServer {
    let configuration: MCPServerConfiguration
    let logger: Logger
    let client: SeedanceAPI.Client
    let spending: SpendingGuard
    let jobs = RunJobs()
    /// The MCP server, once `start` made it.
    var server: Server?
    /// Whether the connected client answers elicitation requests (said in its `initialize`).
    var clientElicits = false
    /// The closing under way, once `shutdown` was called: a second call (a signal while the client's end of input
    /// is being handled) waits for the same one.
    private var closing: Task<Void, Never>?

    /// A server for `configuration`; `logger` must not write to stdout (the protocol's stream).
    public init(configuration: MCPServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.client = SeedanceAPI.Client(configuration: configuration.client, logger: logger)
        self.spending = SpendingGuard(limit: configuration.budgetTokens)
    }

    /// The server's name as the client sees it (its version is the configuration's `softwareVersion`).
    public static let serverName = "seedance"

    /// Serves on `transport` until the client disconnects, then stops the runs going on (their state is kept;
    /// `resume_run` continues them) and closes the API client.
    public func serve(transport: any Transport) async throws {
        let server = try await start(transport: transport)
        await server.waitUntilCompleted()
        await shutdown()
    }

    /// Starts serving on `transport` and returns the MCP server (tests drive it through an in-memory transport and
    /// call `shutdown` when done).
    public func start(transport: any Transport) async throws -> Server {
        try FileManager.default.createDirectory(atPath: configuration.root, withIntermediateDirectories: true)
        let server = Server(name: Self.serverName, version: configuration.softwareVersion,
                            instructions: "Seedance video generation: estimate before generating; every create is "
                                + "confirmed by the user and capped by the server's token budget.",
                            capabilities: .init(logging: .init(), tools: .init(listChanged: false)))
        self.server = server
        await server.withMethodHandler(ListTools.self) { _ in .init(tools: ToolCatalog.tools) }
        await server.withMethodHandler(CallTool.self) { [self] params in
            try await call(params)
        }
        try await server.start(transport: transport) { [self] _, capabilities in
            await setClientElicits(capabilities.elicitation != nil)
        }
        logger.info("serving", metadata: ["root": "\(configuration.root)",
                                          "budget_tokens": "\(configuration.budgetTokens.map(String.init) ?? "none")"])
        return server
    }

    private func setClientElicits(_ value: Bool) { clientElicits = value }

    /// Stops serving, then stops the runs going on (each records its state; `resume_run` continues them) and closes
    /// the API client. Safe to call more than once: later calls wait for the first to finish.
    public func shutdown() async {
        if let closing { return await closing.value }
        let server = self.server
        let jobs = self.jobs
        let client = self.client
        // Serving stops first, so no call starts a run while the runs are being stopped.
        let task = Task {
            await server?.stop()
            await jobs.stopAll()
            try? await client.shutdown()
        }
        closing = task
        await task.value
        // The MCP server's handlers hold this actor; dropping it here ends that cycle, so a stopped server is freed.
        self.server = nil
    }

    /// One tool call: the tool's result, or a tool error with one sentence; never a protocol error, so the server
    /// keeps serving. A call the client cancelled throws `CancellationError`, on which the SDK sends no answer.
    func call(_ params: CallTool.Parameters) async throws -> CallTool.Result {
        let arguments = ToolArguments(params.arguments)
        do {
            var output: ToolOutput
            switch params.name {
            case "estimate": output = try await estimate(arguments)
            case "generate_clip": output = try await generateClip(arguments, meta: params._meta)
            case "run_plan": output = try await runPlan(arguments)
            case "get_run": output = try await getRun(arguments)
            case "resume_run": output = try await resumeRun(arguments)
            case "regenerate_shot": output = try await regenerateShot(arguments)
            case "verify_clip": output = try await verifyClip(arguments)
            case "probe": output = try await probe(arguments)
            case "thumbnail": output = try await thumbnail(arguments)
            case "contact_sheet": output = try await contactSheet(arguments)
            case "concat": output = try await concat(arguments)
            case "provenance": output = try await provenance(arguments)
            default: throw ToolError("no tool named \"\(params.name)\" (tools/list names them)")
            }
            if let remaining = await spending.remaining {
                output.structured["budget_remaining_tokens"] = .int(remaining)
                output.text = Self.closed(output.text) + " Budget left: \(remaining) tokens."
            }
            return output.result
        } catch is CancellationError {
            logger.notice("tool call cancelled", metadata: ["tool": "\(params.name)"])
            throw CancellationError()
        } catch {
            let sentence = Self.sentence(error)
            logger.notice("tool error", metadata: ["tool": "\(params.name)", "error": "\(sentence)"])
            var text = sentence
            if let remaining = await spending.remaining {
                text = Self.closed(text) + " Budget left: \(remaining) tokens."
            }
            return ToolOutput.error(text)
        }
    }

    /// `text` ending with a full stop, so a sentence can follow it.
    static func closed(_ text: String) -> String {
        text.hasSuffix(".") || text.isEmpty ? text : text + "."
    }

    /// One readable sentence for an error of a tool or a library.
    static func sentence(_ error: any Error) -> String {
        switch error {
        case let error as ToolError: error.description
        case let error as PlanError: error.description
        case let error as any CustomStringConvertible: error.description
        default: "\(error)"
        }
    }
}
