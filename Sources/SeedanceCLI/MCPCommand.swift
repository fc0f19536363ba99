import ArgumentParser
import Foundation
import Logging
import MCP
import Pipeline
import SeedanceMCP

/// `seedance mcp [--root DIR] [--budget-tokens N]`: the MCP server on stdin and stdout.
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the Model Context Protocol on stdin/stdout: estimate, generate, runs, verify, frames, joins.",
        discussion: """
            An MCP client (Claude Desktop, an IDE, an agent) starts this command and speaks JSON-RPC over its stdin \
            and stdout; logs go to stderr only. Tools: estimate, generate_clip, run_plan, get_run, resume_run, \
            regenerate_shot, verify_clip, probe, thumbnail, contact_sheet, concat (see docs/mcp.md).

            Runs are ordinary run folders under --root (default $XDG_DATA_HOME/seedance/runs, else \
            ~/.local/share/seedance/runs): `seedance resume` and `seedance report` open them, and they outlive the \
            server. Before a call that may create anything (the regenerations of clips it collects included) the \
            user is asked through the client (elicitation), or the call must carry confirm: true; --budget-tokens \
            caps what the server may spend in its life: a run stops before a create past what the user agreed to \
            or what is left (resume_run continues it), and every answer says what is left. The key comes from SEEDANCE_API_KEY (or ARK_API_KEY) and never appears in a result or a log.

            Examples:
              seedance mcp --root ~/videos/runs --budget-tokens 2000000
              seedance mcp --base-url http://127.0.0.1:8123/api/v3 --root out/mcp
            """
    )

    @Option(help: ArgumentHelp("The folder under which run folders are made.", valueName: "dir"))
    var root: String?

    @Option(help: ArgumentHelp("Tokens this server may spend in its life; a call whose creates do not fit is "
                                   + "refused before any create, and a run that reaches it stops before its next one.",
                               valueName: "tokens"))
    var budgetTokens: Int?

    @OptionGroup var api: APIOptions
    @OptionGroup var options: RunOptions

    func validate() throws {
        if let budgetTokens, budgetTokens <= 0 { throw ValidationError("--budget-tokens must be a positive number") }
        // The run options come as a group; these two print progress, and stdout here carries only the protocol
        // (progress reaches the client as notifications).
        if options.json || options.plain {
            throw ValidationError("--json and --plain do not apply to mcp: stdout carries the protocol, and progress "
                + "goes to the client as notifications")
        }
    }

    func run() async throws {
        // The key may be missing: the file tools work without it, and the tools that spend say what to set.
        let client = try api.configuration(requireKey: false)
        for warning in client.warnings { StandardError.write("seedance: warning: \(warning)\n") }
        var logger = Logger(label: "seedance.mcp") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = api.verbose ? .debug : .notice
        let root = self.root ?? MCPServerConfiguration.defaultRoot(environment: APIOptions.environment)
        var configuration = MCPServerConfiguration(root: root, budgetTokens: budgetTokens, client: client,
                                                   run: options.configuration(directory: root))
        configuration.softwareVersion = SeedanceVersion.current
        let server = SeedanceMCPServer(configuration: configuration, logger: logger)
        // SIGINT or SIGTERM (a client that stops the server) closes it as the end of input does: the runs going
        // on record their state first, so a restarted server's resume_run collects them.
        let interrupts = InterruptHandler { await server.shutdown() }
        try await server.serve(transport: StdioTransport(logger: logger))
        withExtendedLifetime(interrupts) {}
    }
}
