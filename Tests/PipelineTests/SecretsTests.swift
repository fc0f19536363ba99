import Foundation
import Logging
import Simulator
import Testing
import TestSupport

/// The API key never leaves the process: the real binary runs submit, status, wait, run and resume against the
/// simulator (with and without `--verbose`, with a right and a wrong key), and every byte it leaves behind is searched
/// for the key: stdout, stderr, and every file of the run folder (state.sqlite and its journal, report.json/html,
/// events, clips' folders).
@Suite(.serialized) struct SecretsTests {
    /// Recognisable and unlike anything else the tool prints.
    static let key = "sk-SEEDANCE-FAKE-KEY-7f3a9c1e5b2d4a60"
    /// A distinctive inner piece: finds the key also when it is cut, quoted or partly masked.
    static let keyCore = "7f3a9c1e5b2d"

    /// A simulator on loopback that accepts only `key`.
    static func simulator(_ directory: URL) async throws -> RunningSimulator {
        var configuration = SimulatorConfiguration()
        configuration.apiKey = key
        configuration.timeScale = 0.01
        configuration.dataDirectory = directory.appendingPathComponent("simulator")
        var logger = Logger(label: "test.secrets")
        logger.logLevel = .critical
        return try await SimulatorServer(configuration: configuration, logger: logger).start()
    }

    /// Every finding of the key (or its core) in `text`, named by `place`.
    static func leaks(in text: String, _ place: String) -> [String] {
        text.contains(key) || text.contains(keyCore) ? [place] : []
    }

    /// Every file under `directory` whose bytes contain the key (binary files such as SQLite included).
    static func leakingFiles(under directory: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        var found: [String] = []
        let needles = [Data(key.utf8), Data(keyCore.utf8)]
        for case let url as URL in walker {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            if needles.contains(where: { data.range(of: $0) != nil }) { found.append(url.path) }
        }
        return found
    }

    @Test func theKeyIsInNoOutputLogStateFileOrReport() async throws {
        let directory = try FixturePaths.temporaryDirectory("secrets")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withStopping(try await Self.simulator(directory), stop: { await $0.stop() }) { simulator in
            try searchEveryTrace(simulator: simulator, directory: directory)
        }
    }

    /// Runs the commands against `simulator` and searches what they left for the key.
    private func searchEveryTrace(simulator: RunningSimulator, directory: URL) throws {
        var env = ProcessInfo.processInfo.environment
        env["SEEDANCE_BASE_URL"] = simulator.baseURL.absoluteString
        env["SEEDANCE_API_KEY"] = Self.key
        env["HOME"] = directory.path
        var results: [(String, RunResult)] = []
        func seedance(_ arguments: [String], environment: [String: String]? = nil) throws -> RunResult {
            let result = try runSeedance(arguments, environment: environment ?? env)
            results.append((arguments.joined(separator: " "), result))
            return result
        }

        // Submit, status and wait, verbose (every call and retry logged) and not.
        let submit = try seedance(["submit", "--prompt", "a red kite", "--resolution", "480p", "--duration", "4",
                                   "--no-audio", "--json", "--verbose"])
        #expect(submit.status == 0, "\(submit.stderr)")
        let id = try #require((try JSONSerialization.jsonObject(with: Data(submit.stdout.utf8)) as? [String: Any])?["id"] as? String)
        #expect(try seedance(["status", id, "--verbose"]).status == 0)
        #expect(try seedance(["status", id, "--json"]).status == 0)
        let clip = directory.appendingPathComponent("clip.mp4").path
        #expect(try seedance(["wait", id, "-o", clip, "--timeout", "60", "--verbose"]).status == 0)
        // Errors: an unknown task, and a wrong key the service refuses (a 401 whose message names the key problem).
        #expect(try seedance(["status", "cgt-does-not-exist", "--verbose"]).status == 3)
        var wrong = env
        wrong["SEEDANCE_API_KEY"] = Self.key + "-wrong"
        let refused = try seedance(["status", id, "--verbose"], environment: wrong)
        #expect(refused.status != 0)

        // A whole run, verbose, with JSON events; then resume of the finished run.
        let plan = directory.appendingPathComponent("plan.yaml")
        try "defaults: {resolution: 480p, ratio: \"16:9\", duration: 4, audio: false}\nshots:\n  - id: one\n    prompt: a kite\n  - id: two\n    prompt: a kite lands\n"
            .write(to: plan, atomically: true, encoding: .utf8)
        let runDirectory = directory.appendingPathComponent("run")
        let run = try seedance(["run", plan.path, "-o", runDirectory.path, "--poll-interval", "0.1", "--verbose", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try seedance(["resume", runDirectory.path, "--verbose"]).status == 0)
        // A run against a closed port: the network error path.
        var closed = env
        closed["SEEDANCE_BASE_URL"] = "http://127.0.0.1:9/api/v3"
        let offline = try seedance(["status", id, "--verbose"], environment: closed)
        #expect(offline.status == 3)

        // The files the run left are real (so the search below searched something).
        for name in ["state.sqlite", "report.json", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: runDirectory.appendingPathComponent(name).path), "\(name)")
        }
        var found: [String] = []
        for (command, result) in results {
            found += Self.leaks(in: result.stdout, "stdout of \(command)")
            found += Self.leaks(in: result.stderr, "stderr of \(command)")
        }
        found += Self.leakingFiles(under: runDirectory)
        found += Self.leakingFiles(under: directory.appendingPathComponent("clip.mp4"))
        #expect(found.isEmpty, "the API key appears in: \(found)")
        // The verbose runs did log (the search was not of empty output).
        #expect(results.contains { $0.0.contains("--verbose") && !$0.1.stderr.isEmpty })
    }
}
