import ArgumentParser
import Foundation
import Logging
import Pipeline

/// `seedance runs --store URL [RUN]`.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the runs of a shared store (newest first), or one run's shots, with the account's limits.",
        discussion: """
            `seedance status` stays the API call for one task; this reads the store only and sends nothing.

            Examples:
              seedance runs --store postgres://seedance@db.local/seedance
              seedance runs edit1-20261127-101500-3f2a --json
            """
    )

    @Argument(help: "A run's id: list its shots.")
    var run: String?

    @Flag(help: "Print JSON on stdout.")
    var json = false

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let url = try storeOptions.requiredURL("runs")
        var logger = Logger(label: "seedance")
        logger.logLevel = .error
        try await StoreOptions.withDatabase(url, logger: logger) { database in
            let limits = try await database.limits()
            if let run {
                guard let stored = try await database.run(run) else {
                    throw CommandFailure(.badInput, "\(url.redacted): no run \"\(run)\" (`seedance runs` lists them)")
                }
                let shots = try await PostgresJobStore(database: database, runID: run).shots()
                if json {
                    StandardOutput.write(try JSONOutput.encode(RunDetail(run: stored, shots: shots.map(ShotLine.init))) + "\n")
                } else {
                    StandardOutput.write(Self.describe(stored) + "\n" + Self.table(shots) + "\n")
                }
                return
            }
            let runs = try await database.runs()
            if json {
                StandardOutput.write(try JSONOutput.encode(RunList(limits: limits, runs: runs)) + "\n")
                return
            }
            var lines = [Self.describe(limits)]
            lines.append(runs.isEmpty ? "no runs yet" : Self.table(runs))
            StandardOutput.write(lines.joined(separator: "\n") + "\n")
        }
    }

    static func describe(_ limits: AccountLimits) -> String {
        let window = limits.windowSeconds == 60 ? "minute" : "\(format(limits.windowSeconds)) s"
        return "account limits: \(limits.createsPerWindow) creates per \(window), \(counted(limits.maxInFlight, "task")) in flight"
    }

    static func describe(_ run: StoredRun) -> String {
        let budget = run.budgetTokens.map { " of \($0) budget" } ?? ""
        return "run \(run.id) (\(run.state)) in \(run.folder): \(run.done)/\(run.shots) done, \(run.failed) failed, "
            + "\(run.tokens) tokens\(budget)"
    }

    /// The runs, one row each, fitted to `width`.
    static func table(_ runs: [StoredRun], width: Int = TerminalWidth.columns) -> String {
        TextTable(header: ["RUN", "STATE", "DONE", "FAILED", "ACTIVE", "TOKENS", "FOLDER"],
                         rows: runs.map { [$0.id, $0.state, "\($0.done)/\($0.shots)", "\($0.failed)", "\($0.active)",
                                           "\($0.tokens)", $0.folder] }).render(width: width)
    }

    /// A run's shots, one row each, fitted to `width`.
    static func table(_ shots: [ShotRecord], width: Int = TerminalWidth.columns) -> String {
        TextTable(header: ["SHOT", "STATE", "ATTEMPTS", "TOKENS", "TASK"],
                         rows: shots.filter(\.inPlan).map { [$0.id, $0.state.rawValue, "\($0.attempts)",
                                                             $0.tokens.map(String.init) ?? "-", $0.taskID ?? "-"] }).render(width: width)
    }

    static func format(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(value)
    }
}

/// `seedance runs --json`.
struct RunList: Encodable {
    var limits: AccountLimits
    var runs: [StoredRun]
}

/// `seedance runs RUN --json`.
struct RunDetail: Encodable {
    var run: StoredRun
    var shots: [ShotLine]
}

/// A shot as `seedance runs RUN --json` shows it.
struct ShotLine: Encodable {
    var id: String
    var state: String
    var attempts: Int
    var tokens: Int?
    var taskID: String?
    var clip: String?
    var error: String?

    init(_ shot: ShotRecord) {
        id = shot.id
        state = shot.state.rawValue
        attempts = shot.attempts
        tokens = shot.tokens
        taskID = shot.taskID
        clip = shot.clipPath
        error = shot.error
    }

    enum CodingKeys: String, CodingKey {
        case id, state, attempts, tokens, clip, error
        case taskID = "task_id"
    }
}

/// `seedance limits --store URL [--rpm N] [--in-flight N]`.
struct LimitsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "limits",
        abstract: "Show or set the account's limits that every worker on a shared store keeps together.",
        discussion: """
            The limits are held in the database, not per process: however many workers run, the account sends at \
            most --rpm creates per minute and has at most --in-flight tasks queued or running. Set them to your \
            account's (the API allows 180 to 600 creates per minute per model, and 3 to 10 tasks at once).

            Examples:
              seedance limits --store postgres://seedance@db.local/seedance
              seedance limits --rpm 300 --in-flight 10
            """
    )

    @Option(help: "Create calls per minute over every worker.")
    var rpm: Int?

    @Option(help: "Tasks queued or running at the service at once, over every run.")
    var inFlight: Int?

    @Option(help: ArgumentHelp("The window --rpm counts in, in seconds (60: a minute).", visibility: .hidden))
    var window: Double?

    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        if let rpm, rpm < 1 { throw ValidationError("--rpm must be at least 1") }
        if let inFlight, inFlight < 1 { throw ValidationError("--in-flight must be at least 1") }
        if let window, window <= 0 { throw ValidationError("--window must be a positive number of seconds") }
    }

    func run() async throws {
        let url = try storeOptions.requiredURL("limits")
        var logger = Logger(label: "seedance")
        logger.logLevel = .error
        try await StoreOptions.withDatabase(url, logger: logger) { database in
            if rpm != nil || inFlight != nil || window != nil {
                try await database.setLimits(createsPerWindow: rpm, windowSeconds: window, maxInFlight: inFlight)
            }
            StandardOutput.write(RunsCommand.describe(try await database.limits()) + "\n")
        }
    }
}
