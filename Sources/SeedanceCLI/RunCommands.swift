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

    @Flag(inversion: .prefixedNo, help: "Check each clip (QA); --no-verify skips the checks.")
    var verify = true

    @Option(name: .customLong("threshold"),
            help: ArgumentHelp("Change a QA threshold, NAME=VALUE (repeatable; over the plan's qa: mapping; names in "
                               + "`seedance verify --help`). Only failures are regenerated.", valueName: "name=value"))
    var thresholdChanges: [String] = []

    @Flag(inversion: .prefixedNo, help: "Join the clips into final.mp4; --no-concat leaves them apart.")
    var concat = true

    @Flag(help: "Print progress as JSON lines on stdout (one event per line).")
    var json = false

    @Flag(help: "Print progress as plain lines, not the live status block a terminal gets.")
    var plain = false

    @Option(help: ArgumentHelp("Seconds before a create of unknown outcome that the list call does not show is taken as never made and sent again.", visibility: .hidden))
    var reconcileGrace: Double = 30

    @OptionGroup var prices: PriceOptions

    @OptionGroup(title: "Callbacks") var callbacks: CallbackOptions

    func validate() throws {
        guard offlineTimeout > 0 else { throw ValidationError("--offline-timeout must be a positive number of seconds") }
        var thresholds = QAThresholds()
        for change in thresholdChanges {
            do { try thresholds.apply(change) } catch { throw ValidationError("--\(error.description)") }
        }
    }

    /// The client's configuration for a run: `api`'s, with retries that fit in the offline timeout (a call's own
    /// retries must not keep an unreachable service's run going past `--offline-timeout`).
    func clientConfiguration(_ api: APIOptions, download: DownloadOptions) throws -> ClientConfiguration {
        var configuration = try api.configuration(download: download)
        configuration.retry = configuration.retry.fitting(within: offlineTimeout)
        return configuration
    }

    func configuration(directory: String) -> RunConfiguration {
        var configuration = RunConfiguration(outputDirectory: directory)
        configuration.maxInFlight = max(1, maxInFlight)
        configuration.requestsPerMinute = max(1, rpm)
        configuration.pollInterval = max(0.05, pollInterval)
        configuration.maxRegenerations = max(0, regenerations)
        configuration.verify = verify
        configuration.thresholdChanges = thresholdChanges
        configuration.concatenate = concat
        configuration.reconcileGrace = max(0, reconcileGrace)
        configuration.offlineTimeout = offlineTimeout
        configuration.prices = prices.validated
        configuration.callbacks = callbacks.inbox()
        configuration.safetyPollInterval = callbacks.safetyPollInterval
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

            With --store postgres://... the run is registered in a database that several machines share: this \
            process works on it with any `seedance worker` on the same store, the account's limits are the \
            database's (`seedance limits`), and its folder is ROOT/RUN (or -o) on storage every worker sees. \
            See docs/workers.md.

            With --listen (and --callback-url, the public URL that reaches it through a reverse proxy or tunnel) \
            the run hears the service's callbacks: a callback is a hint, confirmed with one list call for all the \
            tasks that called back, and polls drop to a safety net every --safety-poll-interval seconds that \
            finishes the run if callbacks never come. See docs/callbacks.md.

            Examples:
              export SEEDANCE_API_KEY=...   # or ARK_API_KEY
              seedance run plan.yaml -o out/edit1
              seedance run plan.yaml -o out/edit1 --dry-run
              seedance run plan.yaml -o out/edit1 --listen 127.0.0.1:8700 \\
                --callback-url https://hooks.example.com/seedance
              export SEEDANCE_STORE=postgres://seedance@db.local/seedance
              seedance run plan.yaml --root /mnt/shared/runs --budget-tokens 5000000
            """
    )

    @Argument(help: "The plan file (.json, .yaml or .yml).")
    var plan: String

    @Option(name: .shortAndLong, help: "The run folder (with --store: default ROOT/RUN).")
    var output: String?

    @Option(help: ArgumentHelp("With --store: the folder under which run folders are made, on storage every worker "
                               + "sees (default: the current folder).", valueName: "dir"))
    var root: String?

    @Option(name: .customLong("run"), help: ArgumentHelp("With --store: the run's id; name an existing run to run an "
                                                         + "edited plan into it (default: a new id from the plan's name).",
                                                         valueName: "id"))
    var runID: String?

    @Option(help: ArgumentHelp("With --store: stop starting creates once the run has spent this many tokens "
                               + "(estimates of tasks in flight included).", valueName: "tokens"))
    var budgetTokens: Int?

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var downloadLimit: DownloadOptions
    @OptionGroup var options: RunOptions
    @OptionGroup var worker: WorkerOptions
    @OptionGroup var spend: SpendOptions

    func validate() throws {
        if let runID, !RunName.isValid(runID) {
            throw ValidationError("--run: \"\(runID)\" cannot name a run (letters, digits, - _ . only)")
        }
        if let budgetTokens, budgetTokens <= 0 { throw ValidationError("--budget-tokens must be a positive number") }
    }

    func run() async throws {
        let parsed = try PlanLoader.load(path: plan)
        if let url = try storeOptions.postgresURL() {
            return try await runShared(parsed, url: url)
        }
        if root != nil || runID != nil || budgetTokens != nil {
            throw CommandFailure(.badInput, "--root, --run and --budget-tokens are for shared runs: add --store postgres://...")
        }
        guard let output else {
            throw CommandFailure(.badInput, "name the run folder with -o DIR (or give --store for a shared run)")
        }
        if spend.dryRun {
            return try await RunOutcome.preview(plan: parsed, planFile: plan, directory: output, json: options.json)
        }
        let configuration = try options.clientConfiguration(api, download: downloadLimit)
        try await api.withClient(configuration) { client in
            let runner = try await PipelineRunner(plan: parsed, planFile: plan,
                                                  configuration: options.configuration(directory: output),
                                                  service: ClientService(client: client), logger: api.logger,
                                                  observer: ProgressPrinter(json: options.json, plain: options.plain).observer)
            try await RunOutcome.finish(runner, options: options, spend: spend, baseURL: configuration.baseURL)
        }
    }

    /// Registers the run in the shared database and works on it until it is joined.
    private func runShared(_ parsed: Plan, url: PostgresURL) async throws {
        let id = runID ?? RunName.make(planFile: plan)
        let folder = URL(fileURLWithPath: output ?? ((root ?? ".") as NSString).appendingPathComponent(id)).standardizedFileURL.path
        let configuration = try options.clientConfiguration(api, download: downloadLimit)
        try await StoreOptions.withDatabase(url, logger: api.logger) { database in
            let owner = SharedRun.workerName()
            var shared = worker.shared(database, runID: id, owner: owner, capacity: ClaimCapacity(limit: worker.concurrency))
            shared.untilJoined = true
            if spend.dryRun {
                return try await RunOutcome.preview(plan: parsed, planFile: plan, directory: folder, json: options.json,
                                                    shared: shared)
            }
            if let existing = try await database.run(id), existing.folder != folder, output != nil {
                throw CommandFailure(.badInput, "run \(id) lives in \(existing.folder), not \(folder); leave out -o")
            }
            try await database.registerRun(id: id, folder: folder, budgetTokens: budgetTokens)
            let runFolder = try await database.run(id)?.folder ?? folder
            StandardError.write("run \(id) in \(runFolder) (store \(url.redacted))\n")
            try await api.withClient(configuration) { client in
                let runner = try await PipelineRunner(plan: parsed, planFile: plan,
                                                      configuration: options.configuration(directory: runFolder).sharedLimits(),
                                                      service: ClientService(client: client), logger: api.logger,
                                                      observer: ProgressPrinter(json: options.json, plain: options.plain).observer, shared: shared)
                try await RunOutcome.finish(runner, options: options, spend: spend, baseURL: configuration.baseURL,
                                            resumeCommand: "seedance resume \(id) --store \(url.redacted)")
            }
        }
    }
}

/// Opens a shared run named on the command line: its folder, and a `SharedRun` that works on it until it is joined.
struct SharedRunOpening {
    let runID: String
    let folder: String
    let shared: SharedRun

    static func open(_ runID: String, database: PostgresDatabase, worker: WorkerOptions, budgetTokens: Int? = nil) async throws -> SharedRunOpening {
        guard let run = try await database.run(runID) else {
            throw CommandFailure(.badInput, "\(database.url.redacted): no run \"\(runID)\" (`seedance runs` lists them)")
        }
        try await database.reopenRun(id: runID, budgetTokens: budgetTokens)
        var shared = worker.shared(database, runID: runID, owner: SharedRun.workerName(),
                                   capacity: ClaimCapacity(limit: worker.concurrency))
        shared.untilJoined = true
        return SharedRunOpening(runID: runID, folder: run.folder, shared: shared)
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
              seedance resume edit1-20261127-101500-3f2a \\
                --store postgres://seedance@db.local/seedance
            """
    )

    @Argument(help: "The run folder given to `seedance run -o` (with --store: the run's id).")
    var directory: String

    @Flag(help: "Make every failed shot again, with a fresh regeneration budget.")
    var retryFailed = false

    @Option(help: ArgumentHelp("With --store: the run's token budget from now on.", valueName: "tokens"))
    var budgetTokens: Int?

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var downloadLimit: DownloadOptions
    @OptionGroup var options: RunOptions
    @OptionGroup var worker: WorkerOptions
    @OptionGroup var spend: SpendOptions

    func run() async throws {
        let configuration = try options.clientConfiguration(api, download: downloadLimit)
        if let url = try storeOptions.postgresURL() {
            return try await StoreOptions.withDatabase(url, logger: api.logger) { database in
                let opening = try await SharedRunOpening.open(directory, database: database, worker: worker,
                                                              budgetTokens: budgetTokens)
                try await api.withClient(configuration) { client in
                    let runner = try await PipelineRunner.resume(
                        directory: opening.folder, configuration: options.configuration(directory: opening.folder).sharedLimits(),
                        service: ClientService(client: client), logger: api.logger,
                        observer: ProgressPrinter(json: options.json, plain: options.plain).observer, retryFailed: retryFailed,
                        shared: opening.shared)
                    try await RunOutcome.finish(runner, options: options, spend: spend, baseURL: configuration.baseURL,
                                                ask: retryFailed, resumeCommand: "seedance resume \(directory) --store \(url.redacted)")
                }
            }
        }
        try await api.withClient(configuration) { client in
            let runner = try await PipelineRunner.resume(
                directory: directory, configuration: options.configuration(directory: directory),
                service: ClientService(client: client), logger: api.logger,
                observer: ProgressPrinter(json: options.json, plain: options.plain).observer, retryFailed: retryFailed)
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
              seedance regenerate edit1-20261127-101500-3f2a shot-02 \\
                --store postgres://seedance@db.local/seedance
            """
    )

    @Argument(help: "The run folder (with --store: the run's id).")
    var directory: String

    @Argument(help: "The shots to make again, by id.")
    var shots: [String]

    @Option(help: "A new prompt for the shots.")
    var prompt: String?

    @Option(help: "A new seed for the shots (0 ... 4294967295).")
    var seed: Int64?

    @Option(help: "Why, in words (kept in the run and the report).")
    var reason = "asked again"

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var downloadLimit: DownloadOptions
    @OptionGroup var options: RunOptions
    @OptionGroup var worker: WorkerOptions
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
        let configuration = try options.clientConfiguration(api, download: downloadLimit)
        if let url = try storeOptions.postgresURL() {
            return try await StoreOptions.withDatabase(url, logger: api.logger) { database in
                let opening = try await SharedRunOpening.open(directory, database: database, worker: worker)
                try await api.withClient(configuration) { client in
                    let runner = try await PipelineRunner.regenerate(
                        directory: opening.folder, shots: shots, prompt: prompt, seed: seed, reason: reason,
                        configuration: options.configuration(directory: opening.folder).sharedLimits(),
                        service: ClientService(client: client), logger: api.logger,
                        observer: ProgressPrinter(json: options.json, plain: options.plain).observer, shared: opening.shared)
                    try await RunOutcome.finish(runner, options: options, spend: spend, baseURL: configuration.baseURL,
                                                resumeCommand: "seedance resume \(directory) --store \(url.redacted)")
                }
            }
        }
        try await api.withClient(configuration) { client in
            let runner = try await PipelineRunner.regenerate(
                directory: directory, shots: shots, prompt: prompt, seed: seed, reason: reason,
                configuration: options.configuration(directory: directory), service: ClientService(client: client),
                logger: api.logger, observer: ProgressPrinter(json: options.json, plain: options.plain).observer)
            try await RunOutcome.finish(runner, options: options, spend: spend, baseURL: configuration.baseURL)
        }
    }
}

/// `seedance report DIR`.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write DIR/report.json and DIR/report.html from a run's state (also done at the end of every run).",
        discussion: """
            Examples:
              seedance report out/edit1 && xdg-open out/edit1/report.html
              seedance report edit1-20261127-101500-3f2a \\
                --store postgres://seedance@db.local/seedance
            """
    )

    @Argument(help: "The run folder (with --store: the run's id).")
    var directory: String

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var prices: PriceOptions

    func run() async throws {
        if let url = try storeOptions.postgresURL() {
            var logger = Logger(label: "seedance")
            logger.logLevel = .error
            let paths = try await StoreOptions.withDatabase(url, logger: logger) { database in
                try await ReportWriter.forRun(database: database, runID: directory, prices: prices.validated).write()
            }
            return StandardOutput.write("\(paths.html)\n\(paths.json)\n")
        }
        let paths = try await ReportWriter.forRun(directory: directory, prices: prices.validated).write()
        StandardOutput.write("\(paths.html)\n\(paths.json)\n")
    }
}
