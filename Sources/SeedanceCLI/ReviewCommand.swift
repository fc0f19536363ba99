import ArgumentParser
import Foundation
import Pipeline
import Review

/// `seedance review DIR [--listen HOST:PORT]`.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Review a run in the browser: play, approve or reject shots, make rejected ones again, reorder, re-join.",
        usage: "seedance review <dir> [--listen <host:port>] [<options>]",
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

            Only this machine can reach the page unless --listen names another address; every action needs the \
            token. --listen 0.0.0.0:PORT serves the whole network and prints a warning: anyone there with the \
            address can spend. Serves until Ctrl-C; a regeneration under way then stops as a run does (resumable).

            Examples:
              seedance review out/edit1
              seedance review out/edit1 --listen 127.0.0.1:8700 \\
                --price "doubao-seedance-2-0=USD 7.00"
            """
    )

    @Argument(help: "The run folder (made by `seedance run -o`, `generate -o` or `demo -o`).")
    var directory: String

    @Option(help: ArgumentHelp("Address to serve the page on; port 0 picks a free one. A non-loopback address "
                               + "serves the network (a warning is printed).", valueName: "host:port"))
    var listen = "127.0.0.1:0"

    @Option(help: "Seconds between polls of a regeneration started from the page.")
    var pollInterval: Double = 10

    @Option(help: "Times a shot made again from the page is regenerated after its clip fails QA.")
    var regenerations = 2

    @OptionGroup var api: APIOptions
    @OptionGroup var downloadLimit: DownloadOptions
    @OptionGroup var prices: PriceOptions

    func validate() throws {
        _ = try MetricsEndpoint.parse(listen, option: "--listen")
        guard pollInterval > 0, pollInterval.isFinite else { throw ValidationError("--poll-interval must be a positive number of seconds") }
        guard regenerations >= 0 else { throw ValidationError("--regenerations must be 0 or more") }
    }

    func run() async throws {
        let (host, port) = try MetricsEndpoint.parse(listen, option: "--listen")
        let clientConfiguration = try api.configuration(requireKey: false, download: downloadLimit)
        var run = RunConfiguration(outputDirectory: directory)
        run.pollInterval = max(0.05, pollInterval)
        run.maxRegenerations = regenerations
        run.prices = prices.validated
        var configuration = ReviewConfiguration(directory: directory, run: run)
        configuration.host = host
        configuration.port = port
        // The folder is checked before anything is printed or bound.
        _ = try ReviewServer(configuration: configuration)
        if !ReviewConfiguration.isLoopback(host) {
            StandardError.write("seedance: warning: serving \(listen) beyond this machine: anyone on the network with the "
                + "address (it holds the token) can approve, reorder and spend on regenerations\n")
        }
        try await api.withClient(clientConfiguration) { client in
            // The key stays in the client: the page and its server only ever hold the service.
            if clientConfiguration.apiKey != nil { configuration.service = ClientService(client: client) }
            let server = try ReviewServer(configuration: configuration)
            let folder = directory, canGenerate = configuration.service != nil
            do {
                try await server.run { address in
                    StandardOutput.write(address + "\n")
                    StandardError.write("reviewing \(folder)\(canGenerate ? "" : " (no API key: regeneration is off)"); Ctrl-C stops\n")
                }
            } catch let error as StoreError {
                throw error
            } catch {
                throw CommandFailure(.badInput, "--listen \(listen): cannot serve the review page: \(error)")
            }
        }
    }
}
