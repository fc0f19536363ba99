import Foundation
import Logging
import Pipeline
import SeedanceAPI
import Simulator

/// Issue 14's scaling case: the runner's own cost per shot must not grow with the plan. Plans of 100 and 2,000 shots
/// run with checks and the join off against a simulator whose render cache is warm (every shot asks for the same
/// clip, so the simulator renders once) and that lets 200 tasks run at once; per shot: wall time, store calls and
/// peak RSS, each against the 100-shot figure (target: within 1.2x). Every shot still gets its poster, last frame and
/// contact sheet, and the reports cover all of them. The join is left out: it is Media's `concatenate`, which opens
/// every clip at once (its memory grows with the clip count), not the runner.
struct OverheadBench {
    var scratch: URL
    var sizes = [100, 2000]

    func run() async throws {
        let cache = scratch.appendingPathComponent("render-cache")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        // Warm the cache: one shot renders the clip every later shot asks for.
        _ = try await measure(shots: 1, cache: cache)
        var rows: [(Int, PipelineBench.WorkerResult, SimulatorStats)] = []
        for shots in sizes {
            let (result, stats) = try await measure(shots: shots, cache: cache)
            print("  \(shots) shots: wall \(fmt(result.wall)) s, done \(result.done), creates \(stats.createsAccepted), "
                  + "renders \(stats.renders), cache hits \(stats.cacheHits), store calls \(result.storeCalls ?? 0), "
                  + "peak RSS \(result.maxRSSKiB / 1024) MiB")
            rows.append((shots, result, stats))
        }
        guard let base = rows.first else { return }
        func perShot(_ row: (Int, PipelineBench.WorkerResult, SimulatorStats)) -> (wall: Double, calls: Double, rss: Double) {
            (row.1.wall / Double(row.0) * 1000, Double(row.1.storeCalls ?? 0) / Double(row.0), Double(row.1.maxRSSKiB) / 1024)
        }
        let b = perShot(base)
        print("")
        print("| shots | wall ms/shot | x 100-shot | store calls/shot | x 100-shot | peak RSS MiB | x 100-shot |")
        print("|---|---|---|---|---|---|---|")
        for row in rows {
            let p = perShot(row)
            print("| \(row.0) | \(fmt(p.wall)) | \(fmt(p.wall / b.wall)) | \(fmt(p.calls)) | \(fmt(p.calls / b.calls)) "
                  + "| \(fmt(p.rss)) | \(fmt(p.rss / b.rss)) |")
        }
    }

    func measure(shots: Int, cache: URL) async throws -> (PipelineBench.WorkerResult, SimulatorStats) {
        let directory = scratch.appendingPathComponent("overhead-\(shots)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = SimulatorConfiguration()
        configuration.apiKey = "bench-key"
        configuration.timeScale = 0.002
        configuration.maxRunning = 200
        configuration.queueCapacity = 10_000
        configuration.requestsPerMinute = 1_000_000
        configuration.dataDirectory = cache
        var logger = Logger(label: "bench.overhead")
        logger.logLevel = .critical
        let simulator = try await SimulatorServer(configuration: configuration, logger: logger).start()
        let resultFile = directory.appendingPathComponent("result.json")
        let bench = PipelineBench(timeScale: configuration.timeScale, scratch: scratch)
        let status = try await bench.spawnWorker([
            "pipeline-worker", "--base-url", simulator.baseURL.absoluteString,
            "--dir", directory.appendingPathComponent("run").path, "--result", resultFile.path,
            "--shots", "\(shots)", "--resolution", "480p", "--duration", "4",
            "--max-in-flight", "200", "--poll", "0.05", "--no-verify", "--same-clip", "--no-concat",
        ])
        let stats = try await PipelineBench.stats(of: simulator)
        await simulator.stop()
        guard status == 0 else { throw BenchError(reason: "the pipeline worker exited \(status) for \(shots) shots") }
        return (try JSONDecoder().decode(PipelineBench.WorkerResult.self, from: Data(contentsOf: resultFile)), stats)
    }
}

private func fmt(_ value: Double) -> String { String(format: "%.2f", value) }
