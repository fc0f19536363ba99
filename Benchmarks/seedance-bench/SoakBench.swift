import AsyncHTTPClient
import Foundation
import Logging
import Media
import Pipeline
import SeedanceAPI
import Simulator

/// Issue 9's soak: the real `seedance run` binary against the simulator with every fault switched on, killed with
/// SIGKILL several times and resumed, then an audit of what the service made against what the run recorded.
///
/// The audit is the point: every shot ends done or failed; every task the simulator created is one the run knows
/// (nothing lost, nothing paid twice without knowing); every done clip is on disk, complete, and passes a fresh
/// probe; every token the simulator billed is counted; no half-written file is left.
struct SoakBench {
    var shots = 300
    /// Rate of each transport fault: 429, 500, drop, slow, truncate, expire.
    var transportRate = 0.25
    /// Rate of each generation fault: fail, wrong-size, no-audio, silent, black, frozen, short.
    var clipRate = 0.05
    /// SIGKILLs of the running binary, each followed by `seedance resume`.
    var kills = 3
    var timeScale = 0.02
    var seed: UInt64 = 9
    var regenerations = 4
    var scratch: URL

    static let apiKey = "soak-key-4c1d"
    static let transportFaults = ["429", "500", "drop", "slow", "truncate", "expire"]
    static let clipFaults = ["fail", "wrong-size", "no-audio", "silent", "black", "frozen", "short"]

    var faultSpec: String {
        (["seed=\(seed)", "slow-seconds=0.5"] + Self.transportFaults.map { "\($0)=\(transportRate)" }
            + Self.clipFaults.map { "\($0)=\(clipRate)" }).joined(separator: ",")
    }

    /// Runs the soak, prints its figures; false when an invariant broke.
    func run() async throws -> Bool {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        var configuration = SimulatorConfiguration()
        configuration.apiKey = Self.apiKey
        configuration.timeScale = timeScale
        configuration.maxRunning = 10
        configuration.dataDirectory = scratch.appendingPathComponent("simulator")
        configuration.faults = try FaultPlan(spec: faultSpec)
        var logger = Logger(label: "soak.simulator")
        logger.logLevel = .critical
        let simulator = try await SimulatorServer(configuration: configuration, logger: logger).start()
        print("soak: \(shots) shots (480p 4 s with audio; every 20th starts from the previous shot's last frame), "
              + "faults \(faultSpec), \(kills) SIGKILL(s) + resume, time scale \(timeScale), "
              + "regenerations \(regenerations)")

        let plan = scratch.appendingPathComponent("plan.json")
        try Self.planJSON(shots: shots).write(to: plan)
        let run = scratch.appendingPathComponent("run").path
        let started = Date()
        var environment = ProcessInfo.processInfo.environment
        environment["SEEDANCE_BASE_URL"] = simulator.baseURL.absoluteString
        environment["SEEDANCE_API_KEY"] = Self.apiKey
        let common = ["--poll-interval", "0.2", "--reconcile-grace", "3", "--regenerations", "\(regenerations)",
                      "--max-in-flight", "10"]
        var generator = SplitMix(seed: seed)
        var process = try launch(["run", plan.path, "-o", run] + common, environment: environment, log: "run-0")
        var killsDone = 0
        for kill in 1...max(kills, 1) where kills > 0 {
            // The first kill lands among the first creates; the others at even shares of finished shots.
            let target = kill == 1 ? 0 : (kill - 1) * shots / kills
            let state = (run as NSString).appendingPathComponent("state.sqlite")
            let reached = await waitUntil(process, state: state) { store in
                let finished = try await store.shots().filter { $0.state.isFinal }.count
                let attempts = try await store.allAttempts()
                return finished >= target && !attempts.isEmpty
            }
            guard reached else { break }
            try await Task.sleep(nanoseconds: UInt64(generator.next(below: 800)) * 1_000_000)
            guard process.isRunning else { break }
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            killsDone += 1
            print("  kill \(killsDone) at \(fmt(Date().timeIntervalSince(started))) s")
            process = try launch(["resume", run] + common, environment: environment, log: "resume-\(killsDone)")
        }
        let deadline = Date().addingTimeInterval(3600)
        while process.isRunning && Date() < deadline { try await Task.sleep(nanoseconds: 100_000_000) }
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            print("  FAIL: the run did not finish within an hour")
            await simulator.stop()
            return false
        }
        let wall = Date().timeIntervalSince(started)
        let exitStatus = process.terminationStatus
        let stats = try await PipelineBench.stats(of: simulator)
        let tasks = try await allTasks(simulator)
        await simulator.stop()
        let audit = try await SoakAudit(run: run, shots: shots, tasks: tasks, stats: stats)
        audit.print(wall: wall, kills: killsDone, exitStatus: exitStatus, spec: faultSpec)
        return audit.problems.isEmpty && (exitStatus == 0 || exitStatus == 1)
    }

    /// Every task the simulator holds, through the list call (pages of 500).
    func allTasks(_ simulator: RunningSimulator) async throws -> [GenerationTask] {
        var logger = Logger(label: "soak.audit")
        logger.logLevel = .critical
        // The audit's own calls go through the same faults: retries are generous.
        let client = Client(configuration: ClientConfiguration(
            baseURL: simulator.baseURL, apiKey: APIKey(Self.apiKey),
            retry: RetryPolicy(maxAttempts: 12, baseDelay: 0.05, maxDelay: 0.5)), logger: logger)
        defer { Task { try? await client.shutdown() } }
        var items: [GenerationTask] = [], page = 1
        while true {
            let list = try await client.list(TaskQuery(pageNumber: page, pageSize: 500))
            items += list.items
            if list.items.isEmpty || items.count >= list.total { break }
            page += 1
        }
        return items
    }

    /// The `seedance` binary beside this one, its output appended to SCRATCH/LOG.log.
    func launch(_ arguments: [String], environment: [String: String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("seedance")
        process.arguments = arguments
        process.environment = environment
        let logFile = scratch.appendingPathComponent("\(log).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Polls the run's store (read-only) until `condition` holds; false when the process ended first.
    func waitUntil(_ process: Process, state: String, _ condition: (SQLiteJobStore) async throws -> Bool) async -> Bool {
        while process.isRunning {
            if FileManager.default.fileExists(atPath: state), let store = try? SQLiteJobStore(path: state, readOnly: true),
               (try? await condition(store)) == true {
                return true
            }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return false
    }

    /// A plan of `shots` distinct text-to-video shots; every 20th starts from the previous shot's last frame.
    static func planJSON(shots: Int) throws -> Data {
        let list: [[String: String]] = (1...shots).map { index in
            var shot = ["id": String(format: "shot-%03d", index),
                        "prompt": "Soak shot \(index): a paper boat on a rain-soaked street, take \(index)"]
            if index % 20 == 0 { shot["first_frame"] = "previous" }
            return shot
        }
        let plan: [String: Any] = [
            "name": "soak (\(shots) shots)",
            "defaults": ["model": "doubao-seedance-2-0-260128", "resolution": "480p", "ratio": "16:9",
                         "duration": 4, "audio": true, "watermark": false],
            "shots": list,
        ]
        return try JSONSerialization.data(withJSONObject: plan, options: [.sortedKeys])
    }
}

/// A small seeded generator, so a soak's kill delays repeat with its seed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(below bound: UInt64) -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return (z ^ (z >> 31)) % bound
    }
}

private func fmt(_ value: Double) -> String { String(format: "%.2f", value) }
