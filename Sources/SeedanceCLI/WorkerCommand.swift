import ArgumentParser
import Foundation
import Logging
import Pipeline
import Prometheus

/// `seedance worker --store URL [--concurrency N]`.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Work on every run registered in a shared PostgreSQL store, beside other workers on any machine.",
        discussion: """
            A worker claims shots of open runs (`SELECT ... FOR UPDATE SKIP LOCKED`, with a lease it renews), \
            creates, polls, downloads and checks them, and joins a run when its last shot is done. A worker that \
            dies loses its leases after --lease-seconds; another takes its shots over and finds their tasks \
            through the list call, so nothing is created twice and no paid clip is lost. The account's limits \
            (creates per minute, tasks in flight) are held in the database: see `seedance limits`. Run folders \
            must be on storage every worker sees, at the same path.

            It logs one line per shot state change on stderr, and with --metrics-listen serves its counters for \
            Prometheus at http://HOST:PORT/metrics. Ctrl-C stops it: creates being sent are recorded and its \
            leases given back.

            Examples:
              export SEEDANCE_STORE=postgres://seedance@db.local/seedance
              export SEEDANCE_API_KEY=...
              seedance worker --concurrency 20
              seedance worker --metrics-listen 0.0.0.0:9464
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var downloadLimit: DownloadOptions
    @OptionGroup var options: RunOptions
    @OptionGroup var worker: WorkerOptions

    @Option(help: ArgumentHelp("Serve the worker's counters for Prometheus at http://HOST:PORT/metrics.",
                               valueName: "host:port"))
    var metricsListen: String?

    @Option(help: ArgumentHelp("Exit once no run has had work for this many seconds (default: work until stopped).",
                               valueName: "seconds"))
    var idleExit: Double?

    func validate() throws {
        if let metricsListen { _ = try MetricsEndpoint.parse(metricsListen) }
        if let idleExit, idleExit < 0 { throw ValidationError("--idle-exit must be 0 or more seconds") }
    }

    func run() async throws {
        let url = try storeOptions.requiredURL("worker")
        let configuration = try options.clientConfiguration(api, download: downloadLimit)
        let owner = SharedRun.workerName()
        var logger = api.logger
        logger.logLevel = min(logger.logLevel, .info)
        logger[metadataKey: "worker"] = "\(owner)"
        let metrics: WorkerMetrics?
        let endpoint: MetricsEndpoint?
        if let metricsListen {
            let registry = MetricsEndpoint.bootstrapMetricsSystem()
            endpoint = try MetricsEndpoint(listen: metricsListen, registry: registry)
            metrics = WorkerMetrics(worker: owner)
        } else {
            endpoint = nil
            metrics = nil
        }
        let log = logger
        try await StoreOptions.withDatabase(url, logger: api.logger) { database in
            try await api.withClient(configuration) { client in
                let runConfiguration = options.configuration(directory: ".").sharedLimits()
                let shared = SharedWorker(
                    database: database, owner: owner, concurrency: worker.concurrency, leaseSeconds: worker.leaseSeconds,
                    configuration: runConfiguration,
                    service: ClientService(client: client), logger: logger, metrics: metrics,
                    observer: { runID, event in WorkerLog.record(event, run: runID, logger: log) })
                let interrupts = InterruptHandler { await shared.stop() }
                StandardError.write("worker \(owner) on \(url.redacted)\n")
                let joined: [String]
                // Callbacks of every run this worker works on reach its receiver and go to the store as hints.
                let sink = SharedCallbackSink(database: database)
                let work: @Sendable () async throws -> [String] = {
                    try await options.callbacks.serving(runConfiguration.callbacks, sink: sink, logger: log, json: false) {
                        try await shared.work(idleExit: idleExit)
                    }
                }
                if let endpoint, let metricsListen {
                    var started = false
                    do {
                        joined = try await endpoint.serving { port in
                            started = true
                            StandardError.write("metrics: http://\(endpoint.host):\(port)/metrics\n")
                            return try await work()
                        }
                    } catch where !started {
                        throw CommandFailure(.badInput, "--metrics-listen \(metricsListen): cannot listen there: \(error)")
                    }
                } else {
                    joined = try await work()
                }
                if options.callbacks.enabled {
                    let counts = await sink.counts
                    StandardError.write("callbacks: \(counted(counts.accepted, "hint")) recorded; ignored \(counts.ignored) "
                        + "(bad secret \(counts.badSecret), unreadable \(counts.malformed), replayed \(counts.replayed), "
                        + "unknown task \(counts.unknownTask))\n")
                }
                withExtendedLifetime(interrupts) {}
                StandardError.write("worker \(owner) stopped; joined \(counted(joined.count, "run"))\(joined.isEmpty ? "" : ": " + joined.joined(separator: ", "))\n")
            }
        }
    }
}

/// A worker's log: one swift-log line per shot state change and per note, naming the run and the shot.
enum WorkerLog {
    static func record(_ event: RunEvent, run: String, logger: Logger) {
        switch event {
        case .shot(let id, let state, let detail):
            var metadata: Logger.Metadata = ["run": "\(run)", "shot": "\(id)"]
            if let detail { metadata["detail"] = "\(detail)" }
            logger.info("\(state.rawValue)", metadata: metadata)
        case .note(let text):
            logger.notice("\(text)", metadata: ["run": "\(run)"])
        case .started, .tokens, .finished:
            break
        }
    }
}
