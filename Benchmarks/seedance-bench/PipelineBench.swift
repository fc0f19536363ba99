import AsyncHTTPClient
import Foundation
import Logging
import Pipeline
import SeedanceAPI
import Simulator

/// Issue 8's benchmark: plans of N shots through the simulator with `maxInFlight` 10 against `maxRunning` 10.
/// Wall time against the ideal ceil(N/10) x one clip's simulated generation time, HTTP requests per shot from the
/// simulator's counters, and the pipeline's peak RSS for 20 vs 100 shots and small vs larger clips.
///
/// The simulator runs in this process; each pipeline run is a child process (this binary, `pipeline-worker`) so its
/// `ru_maxrss` is the pipeline's own high-water mark, not the simulator's renders. Every run gets a fresh simulator
/// and a fresh render directory; the pipeline draws a random seed per shot, so nothing comes from the render cache.
struct PipelineBench {
    /// One measured configuration.
    struct Case {
        var label: String
        var shots: Int
        var resolution: String
        var duration: Int
        /// The run listens for the simulator's callbacks (and polls only as a safety net).
        var callbacks = false
    }

    /// What a worker reports back (one JSON file).
    struct WorkerResult: Codable {
        var wall: Double
        var lastClipVerified: Double
        var done: Int
        var failed: Int
        var creates: Int
        var finalPassed: Bool?
        var maxRSSKiB: Int
        var storeCalls: Int?
        var callbacks: CallbackCounts?
    }

    var timeScale: Double
    var maxInFlight = 10
    var queueSeconds = 5.0
    var runSeconds = 60.0
    var scratch: URL

    /// One clip's simulated generation time in real seconds: queue + run, as the simulator schedules it.
    var clipSeconds: Double { (queueSeconds + runSeconds) * timeScale }

    func run(shots: Int) async throws {
        let cases = [
            Case(label: "single shot alone", shots: 1, resolution: "480p", duration: 4),
            Case(label: "\(shots) shots, 480p 4 s", shots: shots, resolution: "480p", duration: 4),
            Case(label: "20 shots, 480p 4 s", shots: 20, resolution: "480p", duration: 4),
            Case(label: "20 shots, 480p 12 s", shots: 20, resolution: "480p", duration: 12),
            Case(label: "20 shots, 720p 8 s", shots: 20, resolution: "720p", duration: 8),
        ]
        print("pipeline: time scale \(timeScale) (a clip = \(queueSeconds) s queue + \(runSeconds) s run simulated "
              + "= \(fmt(clipSeconds)) s real), maxInFlight \(maxInFlight), simulator maxRunning 10, "
              + "poll interval \(fmt(pollInterval)) s, join \(joinAtEnd ? "at the end" : "ahead")")
        var rows: [(Case, WorkerResult, SimulatorStats)] = []
        for item in cases {
            let (result, stats) = try await measure(item)
            rows.append((item, result, stats))
            let requests = stats.createsAccepted + stats.createsRefused + stats.gets + stats.lists + stats.downloads
            print("  \(item.label): wall \(fmt(result.wall)) s (last clip verified at \(fmt(result.lastClipVerified)) s), "
                  + "done \(result.done)/\(item.shots), creates \(stats.createsAccepted) (+\(stats.createsRefused) refused), "
                  + "gets \(stats.gets), lists \(stats.lists), downloads \(stats.downloads), "
                  + "renders \(stats.renders), cache hits \(stats.cacheHits), requests/shot "
                  + "\(fmt(Double(requests) / Double(item.shots))), peak RSS \(result.maxRSSKiB / 1024) MiB")
        }
        print("")
        print("| run | shots | clip | wall s | ideal s | wall/ideal (target <= 1.2) | HTTP requests/shot (target <= 4) | peak RSS MiB |")
        print("|---|---|---|---|---|---|---|---|")
        for (item, result, stats) in rows {
            let ideal = Double((item.shots + maxInFlight - 1) / maxInFlight) * clipSeconds
            let requests = stats.createsAccepted + stats.createsRefused + stats.gets + stats.lists + stats.downloads
            print("| \(item.label) | \(item.shots) | \(item.resolution) \(item.duration) s | \(fmt(result.wall)) "
                  + "| \(fmt(ideal)) | \(fmt(result.wall / ideal)) | \(fmt(Double(requests) / Double(item.shots))) "
                  + "| \(result.maxRSSKiB / 1024) |")
        }
    }

    /// The callbacks case: the same 100-shot run polling and with callbacks, side by side in one process run (a
    /// fresh simulator each). The safety-net poll and the batch window are the runner's defaults (60 s, 0.5 s)
    /// scaled like the simulator's clock.
    func runCallbacks(shots: Int) async throws {
        let cases = [
            Case(label: "\(shots) shots, polling", shots: shots, resolution: "480p", duration: 4),
            Case(label: "\(shots) shots, callbacks", shots: shots, resolution: "480p", duration: 4, callbacks: true),
        ]
        print("callbacks: time scale \(timeScale) (a clip = \(fmt(clipSeconds)) s real), maxInFlight \(maxInFlight), "
              + "simulator maxRunning 10, poll interval \(fmt(pollInterval)) s; with callbacks: safety poll "
              + "\(fmt(safetyPollInterval)) s, batch window \(fmt(batchWindow)) s; join \(joinAtEnd ? "at the end" : "ahead")")
        var rows: [(Case, WorkerResult, SimulatorStats)] = []
        for item in cases {
            let (result, stats) = try await measure(item)
            rows.append((item, result, stats))
            let counts = result.callbacks.map {
                ", callbacks delivered \(stats.callbacksDelivered) (failed \(stats.callbacksFailed)), hints \($0.accepted), "
                    + "confirmations \($0.confirmations), ignored \($0.ignored)"
            } ?? ""
            print("  \(item.label): wall \(fmt(result.wall)) s, done \(result.done)/\(item.shots), creates "
                  + "\(stats.createsAccepted), gets \(stats.gets), lists \(stats.lists), downloads \(stats.downloads)\(counts)")
        }
        print("")
        print("| run | shots | wall s | ideal s | wall/ideal | HTTP requests/shot | list calls | peak RSS MiB |")
        print("|---|---|---|---|---|---|---|---|")
        for (item, result, stats) in rows {
            let ideal = Double((item.shots + maxInFlight - 1) / maxInFlight) * clipSeconds
            let requests = stats.createsAccepted + stats.createsRefused + stats.gets + stats.lists + stats.downloads
            print("| \(item.label) | \(item.shots) | \(fmt(result.wall)) | \(fmt(ideal)) | \(fmt(result.wall / ideal)) "
                  + "| \(fmt(Double(requests) / Double(item.shots))) | \(stats.lists) | \(result.maxRSSKiB / 1024) |")
        }
    }

    /// The safety-net poll of a run with callbacks: the runner's default (60 s) scaled like the simulator's clock.
    var safetyPollInterval: Double { 60 * timeScale }

    /// The batch window of a run with callbacks: the runner's default (0.5 s) scaled like the simulator's clock.
    var batchWindow: Double { 0.5 * timeScale }

    /// Seconds between polls, when given (`--poll`).
    var pollOverride: Double?
    /// The run joins every clip after the last one (`RunConfiguration.joinAhead` off).
    var joinAtEnd = false

    /// Seconds between polls: the runner's default (10 s against a 65 s clip) scaled like the simulator's clock.
    var pollInterval: Double { pollOverride ?? 10 * timeScale }

    /// A fresh simulator, one worker run against it, the simulator's counters.
    func measure(_ item: Case) async throws -> (WorkerResult, SimulatorStats) {
        let directory = scratch.appendingPathComponent("\(item.shots)-\(item.resolution)-\(item.duration)s-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = SimulatorConfiguration()
        configuration.apiKey = "bench-key"
        configuration.timeScale = timeScale
        configuration.queueSeconds = queueSeconds
        configuration.runSeconds = runSeconds
        configuration.maxRunning = 10
        configuration.dataDirectory = directory.appendingPathComponent("simulator")
        var logger = Logger(label: "bench.simulator")
        logger.logLevel = .critical
        let simulator = try await SimulatorServer(configuration: configuration, logger: logger).start()
        let resultFile = directory.appendingPathComponent("result.json")
        let status = try await spawnWorker([
            "pipeline-worker", "--base-url", simulator.baseURL.absoluteString,
            "--dir", directory.appendingPathComponent("run").path, "--result", resultFile.path,
            "--shots", "\(item.shots)", "--resolution", item.resolution, "--duration", "\(item.duration)",
            "--max-in-flight", "\(maxInFlight)", "--poll", "\(pollInterval)",
        ] + (joinAtEnd ? ["--no-join-ahead"] : [])
          + (item.callbacks ? ["--callbacks", "--safety-poll", "\(safetyPollInterval)", "--batch-window", "\(batchWindow)"] : []))
        let stats = try await Self.stats(of: simulator)
        await simulator.stop()
        guard status == 0 else { throw BenchError(reason: "the pipeline worker exited \(status) for \(item.label)") }
        let result = try JSONDecoder().decode(WorkerResult.self, from: Data(contentsOf: resultFile))
        return (result, stats)
    }

    /// Runs this binary with `arguments`, without blocking a thread of the cooperative pool the simulator needs.
    func spawnWorker(_ arguments: [String]) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = arguments
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
    }

    static func stats(of simulator: RunningSimulator) async throws -> SimulatorStats {
        try await simulator.stats()
    }

    // MARK: the worker (a child process)

    /// `seedance-bench pipeline-worker --base-url URL --dir DIR --result FILE --shots N --resolution R --duration D
    /// --max-in-flight M --poll S`: writes a plan of N shots, runs it with QA, thumbnails, join and reports on, and
    /// writes its wall time and `ru_maxrss` to FILE.
    static func worker(_ arguments: [String]) async throws {
        func value(_ name: String) throws -> String {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else {
                throw BenchError(reason: "pipeline-worker: \(name) is missing")
            }
            return arguments[index + 1]
        }
        guard let baseURL = URL(string: try value("--base-url")), let shots = Int(try value("--shots")),
              let duration = Int(try value("--duration")), let maxInFlight = Int(try value("--max-in-flight")),
              let poll = Double(try value("--poll")) else { throw BenchError(reason: "pipeline-worker: bad arguments") }
        let directory = try value("--dir"), resolution = try value("--resolution")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let planPath = (directory as NSString).deletingLastPathComponent + "/plan.json"
        try Self.planJSON(shots: shots, resolution: resolution, duration: duration,
                          sameClip: arguments.contains("--same-clip"))
            .write(to: URL(fileURLWithPath: planPath))

        var logger = Logger(label: "bench.pipeline")
        logger.logLevel = .critical
        let client = Client(configuration: ClientConfiguration(baseURL: baseURL, apiKey: APIKey("bench-key")),
                            logger: logger)
        var configuration = RunConfiguration(outputDirectory: directory)
        configuration.maxInFlight = maxInFlight
        configuration.pollInterval = poll
        configuration.requestsPerMinute = 1_000_000
        if arguments.contains("--no-verify") { configuration.verify = false }
        if arguments.contains("--no-concat") { configuration.concatenate = false }
        if arguments.contains("--no-join-ahead") { configuration.joinAhead = false }
        let inbox = arguments.contains("--callbacks") ? CallbackInbox() : nil
        if let inbox {
            configuration.callbacks = inbox
            configuration.safetyPollInterval = Double(try value("--safety-poll")) ?? configuration.safetyPollInterval
            configuration.callbackBatchWindow = Double(try value("--batch-window")) ?? configuration.callbackBatchWindow
        }
        let started = Date().timeIntervalSince1970
        let runner = try await PipelineRunner(plan: try PlanLoader.load(path: planPath), planFile: planPath,
                                        configuration: configuration, service: ClientService(client: client),
                                        logger: logger)
        let summary: RunSummary
        if let inbox {
            // The receiver on a free loopback port; the simulator calls it directly (no proxy in between).
            summary = try await CallbackReceiver(sink: inbox, host: "127.0.0.1", port: 0, logger: logger).serving { port in
                inbox.setPublicURL("http://127.0.0.1:\(port)/seedance")
                return try await runner.run()
            }
        } else {
            summary = try await runner.run()
        }
        let wall = Date().timeIntervalSince1970 - started
        try? await client.shutdown()
        let store = try SQLiteJobStore(path: (directory as NSString).appendingPathComponent("state.sqlite"))
        let lastVerified = (try await store.shots().compactMap(\.finishedAt).max() ?? started) - started
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let result = WorkerResult(wall: wall, lastClipVerified: lastVerified, done: summary.done,
                                  failed: summary.failed, creates: summary.creates, finalPassed: summary.finalPassed,
                                  maxRSSKiB: Int(usage.ru_maxrss), storeCalls: summary.storeCalls,
                                  callbacks: summary.callbacks)
        try JSONEncoder().encode(result).write(to: URL(fileURLWithPath: try value("--result")))
    }

    /// A plan of `shots` text-to-video shots with distinct prompts (the plan format is a JSON-compatible YAML);
    /// `sameClip` gives every shot one prompt and a plan seed, so the simulator renders one clip for all of them.
    static func planJSON(shots: Int, resolution: String, duration: Int, sameClip: Bool = false) throws -> Data {
        let list: [[String: String]] = (1...shots).map {
            ["id": String(format: "shot-%04d", $0),
             "prompt": sameClip ? "Benchmark shot: a red kite drifts over a beach"
                                : "Benchmark shot \($0): a red kite drifts over a beach, take \($0)"]
        }
        let plan: [String: Any] = [
            "name": "pipeline benchmark (\(shots) shots)",
            "defaults": ["model": "doubao-seedance-2-0-260128", "resolution": resolution, "ratio": "16:9",
                         "duration": duration, "audio": true, "watermark": false].merging(sameClip ? ["seed": 7] : [:]) { a, _ in a },
            "shots": list,
        ]
        return try JSONSerialization.data(withJSONObject: plan, options: [.sortedKeys])
    }
}

/// A benchmark that could not run.
struct BenchError: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}

private func fmt(_ value: Double) -> String { String(format: "%.2f", value) }
