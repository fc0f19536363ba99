import Foundation
import Pipeline
import Simulator
import Testing
import TestSupport

/// Callbacks of a run several `seedance` processes share through PostgreSQL: a callback reaching one process's
/// receiver is recorded in the store, and the worker driving that task acts on it.
@Suite(.serialized, .enabled(if: try TestConditions.postgres)) struct SharedCallbackTests {
    /// A started `seedance` process writing stdout and stderr to files.
    func launch(_ arguments: [String], environment: [String: String], out: URL, err: URL) throws -> Process {
        let process = Process()
        process.executableURL = FixturePaths.seedanceBinary
        process.arguments = arguments
        process.environment = environment
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        return process
    }

    func finish(_ process: Process, timeout: Double) async throws -> Int32 {
        let end = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < end { try await Task.sleep(nanoseconds: 50_000_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    func text(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    @Test func aCallbackReachingOneProcessIsActedOnByTheWorkerHoldingTheTask() async throws {
        try await SimulatorHarness.with(timeScale: 0.01) { harness in
            let store = try SharedPostgres.freshDatabase("callbacks")
            var env = ProcessInfo.processInfo.environment
            env["SEEDANCE_BASE_URL"] = harness.simulator.baseURL.absoluteString
            env["SEEDANCE_API_KEY"] = SimulatorHarness.apiKey
            env["SEEDANCE_STORE"] = store
            let plan = try harness.writePlan(SharedRunTests.plan(8, name: "hinted"))
            let root = harness.directory.appendingPathComponent("runs").path
            let runPort = try SharedPostgres.freePort()
            let logs = harness.directory
            // The safety poll (90 s) is far beyond the run's seconds: finishing in time needs the hints.
            let slow = ["--poll-interval", "0.1", "--safety-poll-interval", "90", "--reconcile-grace", "2"]
            let started = Date()
            // One shot at a time in the run process, so the worker (four at a time) surely finds shots to claim
            // however late it starts on a loaded machine.
            let run = try launch(["run", plan, "--root", root, "--run", "hinted", "--concurrency", "1", "--yes", "--json",
                                  "--no-verify", "--listen", "127.0.0.1:\(runPort)"] + slow,
                                 environment: env, out: logs.appendingPathComponent("run.out"),
                                 err: logs.appendingPathComponent("run.err"))
            // The worker's tasks call the run process's receiver (as one public URL in front of every worker
            // would): their hints reach the worker through the store.
            let worker = try launch(["worker", "--concurrency", "4", "--idle-exit", "3", "--listen", "127.0.0.1:0",
                                     "--callback-url", "http://127.0.0.1:\(runPort)/"] + slow,
                                    environment: env, out: logs.appendingPathComponent("worker.out"),
                                    err: logs.appendingPathComponent("worker.err"))
            let status = try await finish(run, timeout: 120)
            let wall = Date().timeIntervalSince(started)
            #expect(status == 0, "run: \(text(logs.appendingPathComponent("run.err")).suffix(800))")
            #expect(try await finish(worker, timeout: 30) == 0,
                    "worker: \(text(logs.appendingPathComponent("worker.err")).suffix(800))")
            #expect(wall < 60, "the run took \(wall) s: the hints were not acted on")
            let stats = try await harness.simulator.stats()
            #expect(stats.createsAccepted == 8)
            // Every status change of every task reached the run process's receiver.
            #expect(stats.callbacksDelivered == 24 && stats.callbacksFailed == 0, "\(stats)")
            #expect(stats.gets == 0 && stats.lists <= 16, "\(stats)")
            let summaryLine = try #require(text(logs.appendingPathComponent("run.out")).split(separator: "\n").last)
            let summary = try JSONDecoder().decode(RunSummary.self, from: Data(summaryLine.utf8))
            #expect(summary.done == 8)
            let counts = try #require(summary.callbacks)
            #expect(counts.accepted >= 8 && counts.accepted + counts.unknownTask == 24, "\(counts)")
            #expect(counts.badSecret == 0 && counts.replayed == 0, "\(counts)")
            // The worker made some of the shots (its tasks' callbacks went to the run process), and its own
            // receiver heard nothing (no task was told its address), and said so.
            let workerLog = text(logs.appendingPathComponent("worker.err"))
            #expect(workerLog.contains("claimed"), "\(workerLog.suffix(800))")
            #expect(workerLog.contains("callbacks: 0 hints recorded"), "\(workerLog.suffix(800))")
        }
    }
}
