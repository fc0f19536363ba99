import ArgumentParser
import Foundation
import Logging
import Pipeline
import QA
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

    @Option(help: "Seconds the service may stay unreachable (refused, DNS, TLS, timeouts) before the run stops; `resume` continues it.")
    var offlineTimeout: Double = 120

    @Flag(help: "Skip the QA checks of each clip.")
    var noVerify = false

    @Option(name: .customLong("threshold"),
            help: ArgumentHelp("Change a QA threshold, NAME=VALUE (repeatable; over the plan's qa: mapping; names in "
                               + "`seedance verify --help`). Only failures are regenerated.", valueName: "name=value"))
    var thresholdChanges: [String] = []

    @Flag(help: "Do not join the clips into final.mp4.")
    var noConcat = false

    @Flag(help: "Print progress as JSON lines on stdout (one event per line).")
    var json = false

    @Option(help: ArgumentHelp("Seconds before a create of unknown outcome that the list call does not show is taken as never made and sent again.", visibility: .hidden))
    var reconcileGrace: Double = 30

    func validate() throws {
        guard offlineTimeout > 0 else { throw ValidationError("--offline-timeout must be a positive number of seconds") }
        var thresholds = QAThresholds()
        for change in thresholdChanges {
            do { try thresholds.apply(change) } catch { throw ValidationError("--\(error.description)") }
        }
    }

    func configuration(directory: String) -> RunConfiguration {
        var configuration = RunConfiguration(outputDirectory: directory)
        configuration.maxInFlight = max(1, maxInFlight)
        configuration.requestsPerMinute = max(1, rpm)
        configuration.pollInterval = max(0.05, pollInterval)
        configuration.maxRegenerations = max(0, regenerations)
        configuration.verify = !noVerify
        configuration.thresholdChanges = thresholdChanges
        configuration.concatenate = !noConcat
        configuration.reconcileGrace = max(0, reconcileGrace)
        configuration.offlineTimeout = offlineTimeout
        return configuration
    }
}

/// `--yes` and `--dry-run`: the question before spending.
struct SpendOptions: ParsableArguments {
    @Flag(help: "Do not ask before spending (without a terminal nothing is asked anyway).")
    var yes = false

    @Flag(help: "Only print what would be created and its estimated cost; send nothing, change nothing.")
    var dryRun = false
}

/// `seedance run PLAN -o DIR`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a plan: generate every shot, verify each clip, join them into one video, write a report.",
        discussion: """
            PLAN is a JSON or YAML file: defaults and an ordered list of shots (see docs/plans.md). A run is a build \
            of its plan: run it again into the same folder after editing it and only the shots that changed, and \
            the shots that start from their last frame, are made again; unchanged shots are kept and shots removed \
            from the plan leave the edit (their clips stay). Before spending, the difference and its estimated cost \
            are printed, and on a terminal you are asked (--yes skips the question, --dry-run only prints it).

            Everything is recorded in DIR/state.sqlite before and after each API call. Ctrl-C stops starting new \
            tasks, writes the report and says how to collect the tasks still running: `seedance resume DIR`.

            Output: DIR/clips/<shot>.mp4, DIR/attempts/ (every attempt's clip), DIR/thumbs/, DIR/final.mp4, \
            DIR/report.json, DIR/report.html.
            Exit status: 0 every shot done and the final video verified; 1 a shot or the final video failed; \
            2 a bad plan or folder; 3 the API could not be reached or refused the key; 130 interrupted.

            Examples:
              export SEEDANCE_API_KEY=...   # or ARK_API_KEY
              seedance run plan.yaml -o out/edit1
              seedance run plan.yaml -o out/edit1 --dry-run
            """
    )

    @Argument(help: "The plan file (.json, .yaml or .yml).")
    var plan: String

    @Option(name: .shortAndLong, help: "The run folder.")
    var output: String

    @OptionGroup var api: APIOptions
    @OptionGroup var options: RunOptions
    @OptionGroup var spend: SpendOptions

    func run() async throws {
        let parsed = try PlanLoader.load(path: plan)
        if spend.dryRun {
            return try await RunOutcome.preview(plan: parsed, planFile: plan, directory: output, json: options.json)
        }
        let configuration = try api.configuration()
        try await api.withClient(configuration) { client in
            let runner = try await PipelineRunner(plan: parsed, planFile: plan,
                                                  configuration: options.configuration(directory: output),
                                                  service: ClientService(client: client), logger: api.logger,
                                                  observer: ProgressPrinter(json: options.json).observer)
            try await RunOutcome.finish(runner, options: options, spend: spend, baseURL: configuration.baseURL)
        }
    }
}

/// `seedance resume DIR [--retry-failed]`.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a run that was interrupted (killed, Ctrl-C, network down, key refused), creating no task twice.",
        discussion: """
            Creates whose answer was never recorded are found again through the list call, matched on every field \
            the task echoes; only creates that surely made nothing are sent again. Clips already paid for are \
            fetched, not made again. --retry-failed gives every failed shot a fresh regeneration budget (that \
            spends: the cost is printed and, on a terminal, asked for).

            Examples:
              seedance resume out/edit1
              seedance resume out/edit1 --retry-failed --regenerations 5
            """
    )

    @Argument(help: "The run folder given to `seedance run -o`.")
    var directory: String

    @Flag(help: "Make every failed shot again, with a fresh regeneration budget.")
    var retryFailed = false

    @OptionGroup var api: APIOptions
    @OptionGroup var options: RunOptions
    @OptionGroup var spend: SpendOptions

    func run() async throws {
        let configuration = try api.configuration()
        try await api.withClient(configuration) { client in
            let runner = try await PipelineRunner.resume(
                directory: directory, configuration: options.configuration(directory: directory),
                service: ClientService(client: client), logger: api.logger,
                observer: ProgressPrinter(json: options.json).observer, retryFailed: retryFailed)
            try await RunOutcome.finish(runner, options: options, spend: spend, baseURL: configuration.baseURL,
                                        ask: retryFailed)
        }
    }
}

/// `seedance regenerate DIR SHOT... [--prompt TEXT] [--seed N]`.
struct RegenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regenerate",
        abstract: "Make shots of a run again (a clip you do not like), optionally with a new prompt or seed, then re-join.",
        discussion: """
            The change is recorded in the run as an override on top of the plan: running the unchanged plan again \
            keeps it, and an edit of that shot in the plan replaces it. Shots that start from a regenerated shot's \
            last frame are made again too. Every earlier clip stays in DIR/attempts/ and in the report.

            Examples:
              seedance regenerate out/edit1 shot-02
              seedance regenerate out/edit1 shot-02 --prompt "a kitten" --reason "too calm"
            """
    )

    @Argument(help: "The run folder.")
    var directory: String

    @Argument(help: "The shots to make again, by id.")
    var shots: [String]

    @Option(help: "A new prompt for the shots.")
    var prompt: String?

    @Option(help: "A new seed for the shots (0 ... 4294967295).")
    var seed: Int64?

    @Option(help: "Why, in words (kept in the run and the report).")
    var reason = "asked again"

    @OptionGroup var api: APIOptions
    @OptionGroup var options: RunOptions
    @OptionGroup var spend: SpendOptions

    func validate() throws {
        guard !shots.isEmpty else { throw ValidationError("name at least one shot to make again") }
        if let prompt, prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--prompt is empty")
        }
        if let seed, !(0...4_294_967_295).contains(seed) {
            throw ValidationError("--seed must be within 0 ... 4294967295")
        }
    }

    func run() async throws {
        let configuration = try api.configuration()
        try await api.withClient(configuration) { client in
            let runner = try await PipelineRunner.regenerate(
                directory: directory, shots: shots, prompt: prompt, seed: seed, reason: reason,
                configuration: options.configuration(directory: directory), service: ClientService(client: client),
                logger: api.logger, observer: ProgressPrinter(json: options.json).observer)
            try await RunOutcome.finish(runner, options: options, spend: spend, baseURL: configuration.baseURL)
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
        let paths = try await ReportWriter.forRun(directory: directory).write()
        StandardOutput.write("\(paths.html)\n\(paths.json)\n")
    }
}
