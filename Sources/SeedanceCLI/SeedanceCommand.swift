import ArgumentParser
import Media

/// The `seedance` command: generate, verify and assemble Seedance videos.
public struct SeedanceCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "seedance",
        abstract: "Generate, verify and assemble videos made with ByteDance's Seedance API.",
        discussion: """
            Exit status: 0 success; 1 a file or clip failed its checks; 2 bad input or usage; 3 the API or the \
            network failed; 130 interrupted (Ctrl-C / SIGTERM: the state is kept and `seedance resume DIR` \
            continues). Errors go to stderr as one line; with --json, stdout carries only JSON.
            """,
        version: SeedanceVersion.current,
        groupedSubcommands: [
            CommandGroup(name: "Runs", subcommands: [
                DemoCommand.self, GenerateCommand.self, RunCommand.self, ResumeCommand.self, RegenerateCommand.self,
                ReportCommand.self, ReviewCommand.self,
            ]),
            CommandGroup(name: "Clips", subcommands: [
                ProbeCommand.self, VerifyCommand.self, ProvenanceCommand.self, ThumbnailCommand.self,
                ContactSheetCommand.self, ConcatCommand.self,
            ]),
            CommandGroup(name: "API calls", subcommands: [
                SubmitCommand.self, StatusCommand.self, WaitCommand.self, ListCommand.self, CancelCommand.self,
                DownloadCommand.self,
            ]),
            CommandGroup(name: "Shared runs", subcommands: [WorkerCommand.self, RunsCommand.self, LimitsCommand.self]),
            CommandGroup(name: "Local service", subcommands: [SimulatorCommand.self, MCPCommand.self]),
        ]
    )

    public init() {}

    /// Parses `arguments` (the process's when nil), runs the command, and exits with DESIGN.md's status codes:
    /// every failure is one `seedance: ...` line on stderr (`ErrorVoice`); help and version go to stdout.
    ///
    /// On the main actor, where the program starts: parsing and a synchronous command (`thumbnail`) run on the main
    /// thread without waiting for a thread of Swift's pool to be started (about 2 ms of every such command); an
    /// asynchronous command's `run()` moves to the pool as before.
    @MainActor
    public static func runMain(_ arguments: [String]? = nil) async -> Never {
        // The command owns its process: FFmpeg's own log lines would only repeat, less clearly, the one line each
        // failure gets. (The libraries leave FFmpeg's log alone; this is the program's choice.)
        FFmpegLog.silenceProcessWide()
        let given = arguments ?? Array(CommandLine.arguments.dropFirst())
        if given.isEmpty {
            // No command is a usage error: the overview says what there is, and scripts see exit 2.
            StandardError.write(helpMessage() + "\n")
            exit(withError: ExitCode(ExitStatus.badInput.rawValue))
        }
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exitForUsage(error, arguments: arguments ?? Array(CommandLine.arguments.dropFirst()))
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exitForFailure(error, arguments: arguments ?? Array(CommandLine.arguments.dropFirst()))
        }
        exit(withError: nil)
    }

    /// A parse error: help and version requests as ArgumentParser shows them, usage errors as one line and exit 2.
    static func exitForUsage(_ error: any Error, arguments: [String]) -> Never {
        let code = exitCode(for: error)
        if code == .success || error is CleanExit || error is ExitCode {
            exit(withError: error)
        }
        printError(usageLine(for: error, arguments: arguments))
        exit(withError: ExitCode(ExitStatus.badInput.rawValue))
    }

    /// An error thrown while running: ArgumentParser's own kinds as they mean (`--help` and `help` run a help
    /// command that throws the help request), the rest through `ErrorVoice`.
    static func exitForFailure(_ error: any Error, arguments: [String]) -> Never {
        if error is CleanExit || error is ExitCode || exitCode(for: error) == .success {
            exit(withError: error)
        }
        if error is ValidationError || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") {
            printError(usageLine(for: error, arguments: arguments))
            exit(withError: ExitCode(ExitStatus.badInput.rawValue))
        }
        let failure = ErrorVoice.failure(for: error)
        if let line = ErrorVoice.line(for: failure) { printError(line) }
        exit(withError: ExitCode(failure.status.rawValue))
    }

    /// `seedance: MESSAGE; see 'seedance SUBCOMMAND --help'`: ArgumentParser's first meaningful line, one line.
    static func usageLine(for error: any Error, arguments: [String]) -> String {
        let lines = (message(for: error) + "\n" + fullMessage(for: error))
            .split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var first = lines.first { !$0.isEmpty } ?? "invalid usage"
        for prefix in ["Error: ", "error: "] where first.hasPrefix(prefix) { first = String(first.dropFirst(prefix.count)) }
        if first.hasSuffix(".") { first.removeLast() }
        return "seedance: \(ErrorVoice.oneLine(first)); see '\(helpCommand(for: error, arguments: arguments)) --help'"
    }

    /// The command path whose help fits a usage error (`seedance run`): ArgumentParser's own "See '... --help'"
    /// when it gives one, else the subcommands named in `arguments`.
    static func helpCommand(for error: any Error, arguments: [String]) -> String {
        let full = fullMessage(for: error)
        if let range = full.range(of: #"See '([^']+) --help'"#, options: .regularExpression) {
            let quoted = full[range].dropFirst("See '".count).dropLast(" --help'".count)
            if quoted.hasPrefix("seedance") { return String(quoted) }
        }
        var path = ["seedance"]
        var type: any ParsableCommand.Type = SeedanceCommand.self
        for argument in arguments {
            guard let sub = type.configuration.subcommands.first(where: { $0._commandName == argument }) else { break }
            path.append(argument)
            type = sub
        }
        return path.joined(separator: " ")
    }

    static func printError(_ message: String) {
        let line = ErrorVoice.oneLine(message)
        StandardError.write((line.hasPrefix("seedance: ") ? line : "seedance: " + line) + "\n")
    }
}

/// Version string printed by `seedance --version`.
public enum SeedanceVersion {
    /// The current version.
    public static let current = "0.1.0"
}
