import ArgumentParser

/// The `seedance` command: generate, verify and assemble Seedance videos.
public struct SeedanceCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "seedance",
        abstract: "Generate, verify and assemble videos made with ByteDance's Seedance API.",
        discussion: """
            Exit status: 0 success; 1 a file or clip failed its checks; 2 bad input or usage; 3 the API or the \
            network failed; 130 interrupted (state kept: `seedance resume` continues). Errors go to stderr as one line; with --json, stdout carries only JSON.
            """,
        version: SeedanceVersion.current,
        groupedSubcommands: [
            CommandGroup(name: "Runs", subcommands: [
                DemoCommand.self, GenerateCommand.self, RunCommand.self, ResumeCommand.self, RegenerateCommand.self,
                ReportCommand.self,
            ]),
            CommandGroup(name: "Clips", subcommands: [
                ProbeCommand.self, VerifyCommand.self, ThumbnailCommand.self, ContactSheetCommand.self,
                ConcatCommand.self,
            ]),
            CommandGroup(name: "API calls", subcommands: [
                SubmitCommand.self, StatusCommand.self, WaitCommand.self, ListCommand.self, CancelCommand.self,
                DownloadCommand.self,
            ]),
            CommandGroup(name: "Local service", subcommands: [SimulatorCommand.self]),
        ]
    )

    public init() {}

    /// Parses `arguments` (the process's when nil), runs the command, and exits with DESIGN.md's status codes.
    public static func runMain(_ arguments: [String]? = nil) async -> Never {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(withError: nil)
        } catch let failure as CommandFailure {
            failure.printMessage()
            exit(withError: ExitCode(failure.status.rawValue))
        } catch {
            // ArgumentParser's usage errors would exit 64; the contract says 2.
            let code = exitCode(for: error)
            if code == .validationFailure {
                Self.printError(fullMessage(for: error))
                exit(withError: ExitCode(ExitStatus.badInput.rawValue))
            }
            exit(withError: error)
        }
    }

    static func printError(_ message: String) {
        StandardError.write(message.hasSuffix("\n") ? message : message + "\n")
    }
}

/// Version string printed by `seedance --version`.
public enum SeedanceVersion {
    /// The current version.
    public static let current = "0.1.0"
}
