import ArgumentParser
import Foundation
import Logging
import Pipeline
import Review
import SeedanceAPI

/// `seedance review DIR [--listen HOST:PORT]`, or `seedance review --store URL [--run ID]`.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Review a run in the browser: play, approve or reject shots, make rejected ones again, reorder, re-join.",
        usage: "seedance review (<dir> | --store <url> [--run <id>]) [<options>]",
        discussion: """
            Serves a page for the run in DIR on a local web server and prints its address, with the server's token, \
            as the first line on stdout (http://127.0.0.1:PORT/?token=...): open it in a browser. The page shows \
            the shots in edit order as cards (player, poster, contact sheet, checks with failures first, prompt, \
            parameters, cost, and every earlier attempt), updates live while a run or a regeneration moves, and \
            works with the keyboard: j/k or the arrows next and previous shot, a approve, r reject, space play.

            A rejected shot can be made again from the page with an edited prompt or seed, as `seedance regenerate` \
            does (same API key from SEEDANCE_API_KEY or ARK_API_KEY, same --base-url; without a key the page shows, \
            approves, reorders and re-joins but does not regenerate). Every decision is recorded in the run as an \
            override, so `seedance run`, `resume` and `report` keep it. The key never reaches the page.

            With --store postgres://USER@HOST/DATABASE (or SEEDANCE_STORE, when no DIR is named) the runs of that \
            shared store are reviewed instead of a folder: the first page lists them (id, state, shots done and \
            failed, tokens against the budget, folder), each linking to its review; --run ID opens that run \
            directly. A stored run's page is the same page: its state is read from the store (a worker on another \
            machine moving the run shows up live), its files are served from its folder under the store's shared \
            root (so review it where that root is mounted), and a shot made again or a re-join goes as \
            `seedance regenerate ID --store URL` and `seedance resume ID --store URL` go: this server works on the \
            run as one more worker. The store's password is never printed or sent to the page.

            Only this machine can reach the page unless --listen names another address; every action needs the \
            token. --listen 0.0.0.0:PORT serves the whole network and prints a warning: anyone there with the \
            address can spend. Serves until Ctrl-C; a regeneration under way then stops as a run does (resumable).

            Examples:
              seedance review out/edit1
              seedance review out/edit1 --listen 127.0.0.1:8700 \\
                --price "doubao-seedance-2-0=USD 7.00"
              seedance review --store postgres://seedance@db.local/seedance
              seedance review --store postgres://seedance@db.local/seedance \\
                --run edit1-20261127-101500-3f2a
            """
    )

    @Argument(help: "The run folder (made by `seedance run -o`, `generate -o` or `demo -o`); leave it out with --store.")
    var directory: String?

    @Option(name: .customLong("run"), help: ArgumentHelp("With --store: the stored run to open (`seedance runs` lists "
                                                         + "them); without it the page lists every run.", valueName: "id"))
    var runID: String?

    @Option(help: ArgumentHelp("Address to serve the page on; port 0 picks a free one. A non-loopback address "
                               + "serves the network (a warning is printed).", valueName: "host:port"))
    var listen = "127.0.0.1:0"

    @Option(help: "Seconds between polls of a regeneration started from the page.")
    var pollInterval: Double = 10

    @Option(help: "Times a shot made again from the page is regenerated after its clip fails QA.")
    var regenerations = 2

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var downloadLimit: DownloadOptions
    @OptionGroup var prices: PriceOptions

    func validate() throws {
        if let runID, !RunName.isValid(runID) {
            throw ValidationError("--run: \"\(runID)\" cannot name a run (letters, digits, - _ . only)")
        }
        _ = try MetricsEndpoint.parse(listen, option: "--listen")
        guard pollInterval > 0, pollInterval.isFinite else { throw ValidationError("--poll-interval must be a positive number of seconds") }
        guard regenerations >= 0 else { throw ValidationError("--regenerations must be 0 or more") }
    }

    /// What is reviewed: a folder, or (with `--store`, or `SEEDANCE_STORE` when no folder is named) a store.
    /// A folder and `--store` together, `--run` without a store, or neither a folder nor a store, are refused.
    func source() throws -> (folder: String?, store: PostgresURL?) {
        if let directory {
            if storeOptions.store != nil {
                throw CommandFailure(.badInput, "review either a run folder (\(directory)) or a store (--store), not both: "
                    + "a stored run is named with --run ID")
            }
            if runID != nil {
                throw CommandFailure(.badInput, "--run names a run of a store: add --store postgres://... and leave out \(directory)")
            }
            return (directory, nil)
        }
        guard let url = try storeOptions.postgresURL() else {
            throw CommandFailure(.badInput, runID == nil
                ? "name the run folder to review, or a shared store with --store postgres://USER@HOST/DATABASE"
                : "--run names a run of a store: add --store postgres://USER@HOST/DATABASE (or set SEEDANCE_STORE)")
        }
        return (nil, url)
    }

    func run() async throws {
        let (host, port) = try MetricsEndpoint.parse(listen, option: "--listen")
        let (folder, store) = try source()
        let clientConfiguration = try api.configuration(requireKey: false, download: downloadLimit)
        var run = RunConfiguration(outputDirectory: folder ?? "")
        run.pollInterval = max(0.05, pollInterval)
        run.maxRegenerations = regenerations
        run.prices = prices.validated
        guard let store else {
            return try await serve(folder: folder ?? "", run: run, host: host, port: port, client: clientConfiguration)
        }
        var logger = Logger(label: "seedance")
        logger.logLevel = .error
        try await StoreOptions.withDatabase(store, logger: logger) { database in
            if let runID, try await database.run(runID) == nil {
                throw CommandFailure(.badInput, "\(store.redacted): no run \"\(runID)\" (`seedance runs` lists them)")
            }
            // A shared run's account limits are the store's, kept by every worker together.
            var configuration = ReviewConfiguration(store: database, runID: runID, run: run.sharedLimits())
            configuration.host = host
            configuration.port = port
            // One query a second per opened run: a worker elsewhere shows up within about a second.
            configuration.watchInterval = 1
            let what = runID.map { "run \($0) of \(store.redacted)" } ?? "the runs of \(store.redacted)"
            try await serve(configuration, what: what, client: clientConfiguration)
        }
    }

    /// Serves the run folder `folder`.
    private func serve(folder: String, run: RunConfiguration, host: String, port: Int,
                       client clientConfiguration: ClientConfiguration) async throws {
        var configuration = ReviewConfiguration(directory: folder, run: run)
        configuration.host = host
        configuration.port = port
        // The folder is checked before anything is printed or bound.
        _ = try ReviewServer(configuration: configuration)
        try await serve(configuration, what: folder, client: clientConfiguration)
    }

    /// Serves `configuration` until Ctrl-C, printing the address first.
    private func serve(_ configuration: ReviewConfiguration, what: String,
                       client clientConfiguration: ClientConfiguration) async throws {
        var configuration = configuration
        if !ReviewConfiguration.isLoopback(configuration.host) {
            StandardError.write("seedance: warning: serving \(listen) beyond this machine: anyone on the network with the "
                + "address (it holds the token) can approve, reorder and spend on regenerations\n")
        }
        try await api.withClient(clientConfiguration) { client in
            // The key stays in the client: the page and its server only ever hold the service.
            if clientConfiguration.apiKey != nil { configuration.service = ClientService(client: client) }
            let server = try ReviewServer(configuration: configuration)
            let canGenerate = configuration.service != nil
            do {
                try await server.run { address in
                    StandardOutput.write(address + "\n")
                    StandardError.write("reviewing \(what)\(canGenerate ? "" : " (no API key: regeneration is off)"); Ctrl-C stops\n")
                }
            } catch let error as StoreError {
                throw error
            } catch let error as ReviewError {
                throw CommandFailure(.badInput, error.description)
            } catch let error as DatabaseUnavailable {
                throw error
            } catch {
                throw CommandFailure(.badInput, "--listen \(listen): cannot serve the review page: \(error)")
            }
        }
    }
}
