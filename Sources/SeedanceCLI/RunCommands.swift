import ArgumentParser
import Foundation
import Logging
import Pipeline
import SeedanceAPI

/// Options every pipeline command shares: limits and checks.
struct RunOptions: ParsableArguments {
    @Option(help: "Tasks queued or running at the service at once.")
    var maxInFlight = 10

    @Option(help: "Create calls per minute (client-side limit).")
    var rpm = 180

    @Option(help: "Seconds between polls (one list call for all tasks in flight).")
    var pollInterval: Double = 10

    @Option(help: "Times a shot is regenerated after its clip fails QA or output moderation (creates turned away do not count).")
    var regenerations = 2

    @Flag(help: "Skip the QA checks of each clip.")
    var noVerify = false

    @Flag(help: "Do not join the clips into final.mp4.")
    var noConcat = false

    @Flag(help: "Print progress as JSON lines on stdout (one event per line).")
    var json = false

    @Option(help: ArgumentHelp("Seconds before a create of unknown outcome that the list call does not show is taken as never made and sent again.", visibility: .hidden))
    var reconcileGrace: Double = 30

    func configuration(directory: String) -> RunConfiguration {
        var configuration = RunConfiguration(outputDirectory: directory)
        configuration.maxInFlight = max(1, maxInFlight)
        configuration.requestsPerMinute = max(1, rpm)
        configuration.pollInterval = max(0.05, pollInterval)
        configuration.maxRegenerations = max(0, regenerations)
        configuration.verify = !noVerify
        configuration.concatenate = !noConcat
        configuration.reconcileGrace = max(0, reconcileGrace)
        return configuration
    }
}

/// `seedance run PLAN -o DIR`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a plan: generate every shot, verify each clip, join them into one video, write a report.",
        discussion: """
            PLAN is a JSON or YAML file: defaults (model, resolution, ratio, duration, audio, watermark, seed) and an \
            ordered list of shots (prompt; images/videos/audios as local paths or URLs with roles; \
            `first_frame: previous` to start from the previous shot's last frame; per-shot overrides). See \
            fixtures/demo/plan.yaml. Everything is recorded in DIR/state.sqlite before and after each API call: if \
            the run is killed, `seedance resume DIR` continues it without creating any task twice.

            Output: DIR/clips/<shot>.mp4, DIR/thumbs/, DIR/final.mp4, DIR/report.json, DIR/report.html.
            Exit status: 0 every shot done and the final video verified; 1 a shot or the final video failed; \
            2 a bad plan (the message names the line and the field); 3 the API could not be reached.

            Example:
              export SEEDANCE_API_KEY=...   # or ARK_API_KEY
              seedance run plan.yaml -o out/edit1
            """
    )

    @Argument(help: "The plan file (.json, .yaml or .yml).")
    var plan: String

    @Option(name: .shortAndLong, help: "The run folder.")
    var output: String

    @OptionGroup var api: APIOptions
    @OptionGroup var options: RunOptions

    func run() async throws {
        let parsed: Plan
        do { parsed = try PlanLoader.load(path: plan) } catch let error as PlanError {
            throw CommandFailure(.badInput, error.description)
        }
        let configuration = try api.configuration()
        try await api.withClient(configuration) { client in
            let runner: PipelineRunner
            do {
                runner = try PipelineRunner(plan: parsed, planFile: plan, configuration: options.configuration(directory: output),
                                            service: ClientService(client: client), logger: api.logger,
                                            observer: ProgressPrinter(json: options.json).observer)
            } catch let error as PlanError {
                throw CommandFailure(.badInput, error.description)
            } catch let error as StoreError {
                throw CommandFailure(.badInput, error.description)
            }
            try await RunOutcome.finish(runner, json: options.json)
        }
    }
}

/// `seedance resume DIR`.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a run that was interrupted (killed, crashed, network down), creating no task twice.",
        discussion: """
            Creates whose answer was never recorded are found again through the list call (each create carries a \
            seed unique to it, which the task object echoes); only creates that surely made nothing are sent again.

            Example:
              seedance resume out/edit1
            """
    )

    @Argument(help: "The run folder given to `seedance run -o`.")
    var directory: String

    @OptionGroup var api: APIOptions
    @OptionGroup var options: RunOptions

    func run() async throws {
        let configuration = try api.configuration()
        try await api.withClient(configuration) { client in
            let runner: PipelineRunner
            do {
                runner = try PipelineRunner.resume(directory: directory, configuration: options.configuration(directory: directory),
                                                   service: ClientService(client: client), logger: api.logger,
                                                   observer: ProgressPrinter(json: options.json).observer)
            } catch let error as StoreError {
                throw CommandFailure(.badInput, error.description)
            }
            try await RunOutcome.finish(runner, json: options.json)
        }
    }
}

/// `seedance report DIR`.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write DIR/report.json and DIR/report.html from a run's state (also done at the end of every run).",
        discussion: "Example:\n  seedance report out/edit1 && xdg-open out/edit1/report.html"
    )

    @Argument(help: "The run folder.")
    var directory: String

    func run() async throws {
        do {
            let paths = try ReportWriter.forRun(directory: directory).write()
            StandardOutput.write("\(paths.html)\n\(paths.json)\n")
        } catch let error as StoreError {
            throw CommandFailure(.badInput, error.description)
        }
    }
}

/// How a run's end is shown and turned into an exit status.
enum RunOutcome {
    static func finish(_ runner: PipelineRunner, json: Bool) async throws {
        let summary = try await runner.run()
        if json {
            StandardOutput.write(try JSONOutput.encode(summary).replacingOccurrences(of: "\n", with: "") + "\n")
        } else {
            var lines = ["\(summary.done) shot(s) done, \(summary.failed) failed, \(summary.creates) create call(s), \(summary.tokens) tokens"]
            if let video = summary.finalVideo {
                lines.append("final video: \(video) (\(summary.finalPassed == true ? "verified" : "FAILED its checks"))")
            }
            lines.append("report: \(summary.report)")
            StandardError.write(lines.joined(separator: "\n") + "\n")
        }
        if !summary.succeeded { throw CommandFailure(.failedChecks) }
    }
}
