import Foundation
import Testing
import TestSupport

/// Every `seedance` example of every `--help` that needs no real service is run, as pasted, by bash in a folder
/// holding the files it names: clips, images, requests and plans from `fixtures/`; the API examples against a
/// simulator started here (`SEEDANCE_BASE_URL`, any key); the shared-run examples against a throwaway PostgreSQL.
/// How each example is run is `HelpExamplesRunTests.recipe(for:)`; what is not run is listed with the reason.
@Suite(.serialized) struct HelpExamplesRunTests {
    /// How one example is run.
    enum Recipe {
        /// Run to completion by bash (pipes and `&&` as written); any of `statuses` passes.
        case shell(statuses: Set<Int32>)
        /// A server: started, it must print its first line on stdout, then it is stopped with SIGTERM.
        case server
        /// Not run, and why.
        case notRun(String)
    }

    /// Replacements of an example's text before it is run: names of things that exist only on the user's side
    /// (a database host, a task id, a port to pick) become this test's.
    struct Context {
        var taskID = ""
        var sharedRunID = ""
        var store: String?

        func substituted(_ text: String, folder: URL) -> String {
            var text = text
            if let store { text = text.replacingOccurrences(of: "postgres://seedance@db.local/seedance", with: store) }
            let replacements = [
                ("cgt-20251225201056-abc", taskID),
                ("edit1-20261127-101500-3f2a", sharedRunID),
                ("/mnt/shared/runs", folder.appendingPathComponent("shared-runs").path),
                // Loopback only, and a port no other test holds.
                ("--port 8123", "--port 0"),
                ("0.0.0.0:9464", "127.0.0.1:0"),
                // Callbacks reach this machine only: the receiver's own loopback address is what tasks call.
                ("--listen 0.0.0.0:8700 --callback-url https://hooks.example.com/cb", "--listen 127.0.0.1:0"),
                ("--callback-url https://hooks.example.com/seedance", ""),
                ("--listen 127.0.0.1:8700", "--listen 127.0.0.1:0"),
                // A worker works until stopped: here, until it has had no work for a second.
                ("seedance worker --concurrency 20", "seedance worker --concurrency 20 --idle-exit 1"),
                ("seedance worker --metrics-listen 127.0.0.1:0", "seedance worker --metrics-listen 127.0.0.1:0 --idle-exit 1"),
                // The demo at a faster clock than its default, so the test stays short.
                ("seedance demo -o", "seedance demo --time-scale 0.002 -o"),
            ]
            for (from, to) in replacements { text = text.replacingOccurrences(of: from, with: to) }
            return text
        }
    }

    /// How `example` is run: by the command it belongs to and what it needs.
    static func recipe(for example: HelpText.Example) -> Recipe {
        let text = example.text
        guard text.hasPrefix("seedance ") else {
            return .notRun("not a seedance command (shell set-up or a curl call beside the simulator)")
        }
        switch example.command {
        case "simulator", "review":
            return .server
        case "verify":
            // The checks run and say what they found: a fixture that does not match what an example asks fails them.
            return .shell(statuses: [0, 1])
        case "demo" where text.contains("--faults"):
            // Faults may leave a shot failed after its regenerations: the run still ends and says so.
            return .shell(statuses: [0, 1])
        default:
            return .shell(statuses: [0])
        }
    }

    /// Commands whose examples share one folder (a run made by one is resumed by the next).
    static func folderName(_ command: String) -> String {
        switch command {
        case "run", "resume", "regenerate", "report", "review", "worker", "runs", "limits": return "runs"
        case "submit", "status", "wait", "list", "cancel", "download", "generate": return "api"
        default: return command
        }
    }

    /// Commands that run a plan and poll the service at `--poll-interval`.
    static let pollingCommands: Set<String> = ["run", "resume", "regenerate", "generate", "worker"]

    /// Commands whose examples need the shared store.
    static let storeCommands: Set<String> = ["worker", "runs", "limits"]

    /// Examples in the order they can run: API examples that cancel a task last, runs before what resumes them.
    static func ordered(_ examples: [HelpText.Example]) -> [HelpText.Example] {
        let rank = ["run": 0, "runs": 2, "resume": 3, "regenerate": 4, "report": 5, "review": 5, "worker": 6, "limits": 7,
                    "cancel": 9]
        return examples.enumerated().sorted { a, b in
            (rank[a.element.command] ?? 1, a.offset) < (rank[b.element.command] ?? 1, b.offset)
        }.map(\.element)
    }

    /// The files the examples name, made from fixtures.
    static func prepare(_ folder: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: folder.appendingPathComponent("clips"), withIntermediateDirectories: true)
        let copies: [(String, String)] = [
            ("qa/good-720p-5s.mp4", "clip.mp4"), ("probe/frame-index.mp4", "a.mp4"), ("probe/frame-index.mp4", "b.mp4"),
            ("probe/frame-index.mp4", "c.mp4"), ("concat/index-a.mp4", "shot1.mp4"), ("concat/index-b.mp4", "shot2.mp4"),
            ("concat/index-c.mp4", "shot3.mp4"), ("concat/index-wide.mp4", "intro.mov"),
            ("concat/index-a.mp4", "clips/a.mp4"), ("concat/index-b.mp4", "clips/b.mp4"),
            ("concat/index-a.mp4", "joined.mp4"), ("qa/v1-size.mp4", "old.mp4"),
            ("qa/task-2s.json", "task.json"), ("qa/request-seed.json", "body.json"),
            ("demo/party-room.png", "dog.png"),
            ("c2pa/generated-bmffv3-claimv2-es256-testcert-aigen.mp4", "signed.mp4"),
            ("c2pa/trust/c2pa-rs-test_cert_root_bundle.pem", "roots.pem"),
        ]
        for (fixture, name) in copies {
            try fm.copyItem(atPath: FixturePaths.fixture(fixture), toPath: folder.appendingPathComponent(name).path)
        }
        // A small prepared body for `submit --body` (no reference images: nothing to fetch).
        try #"{"model":"doubao-seedance-2-0-260128","content":[{"type":"text","text":"a red kite"}],"resolution":"480p","duration":4}"#
            .write(to: folder.appendingPathComponent("request.json"), atomically: true, encoding: .utf8)
        // A plan with the shot ids the run examples name, small and short so the simulator renders it fast.
        try """
            name: edit1
            defaults: {resolution: 480p, ratio: "16:9", duration: 4}
            shots:
              - {id: shot-01, prompt: a red kite over a beach}
              - {id: shot-02, prompt: the kite lands on the sand, first_frame: previous}
            """.write(to: folder.appendingPathComponent("plan.yaml"), atomically: true, encoding: .utf8)
    }

    /// A folder of the programs the examples call: `seedance` (the built binary) and an `xdg-open` that opens
    /// nothing.
    static func binFolder(in root: URL) throws -> URL {
        let bin = root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent("seedance"),
                                                   withDestinationURL: FixturePaths.seedanceBinary)
        let open = bin.appendingPathComponent("xdg-open")
        try "#!/bin/sh\nexit 0\n".write(to: open, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: open.path)
        return bin
    }

    static func stop(_ process: Process) {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    @Test func everyExampleThatNeedsNoRealServiceRuns() throws {
        let started = Date()
        let root = try FixturePaths.temporaryDirectory("help-examples")
        defer { try? FileManager.default.removeItem(at: root) }
        let bin = try Self.binFolder(in: root)

        // The service: a simulator at a fast clock.
        let (simulator, baseURL) = try startSeedance(["simulator", "--port", "0", "--time-scale", "0.0005"],
                                                       environment: [:])
        defer { Self.stop(simulator) }
        try #require(baseURL.hasPrefix("http://127.0.0.1:"), "the simulator did not start: \(baseURL)")

        // The shared store, when PostgreSQL can be started here.
        var context = Context()
        var postgres: PostgresServer?
        do {
            let server = try PostgresServer.start()
            postgres = server
            try server.createDatabase("examples")
            context.store = server.url(database: "examples")
        } catch {
            if TestConditions.requireAll { Issue.record("PostgreSQL did not start: \(error)") }
        }
        defer { postgres?.stop() }

        let environment = ["PATH": "\(bin.path):/usr/local/bin:/usr/bin:/bin", "HOME": root.path,
                           "SEEDANCE_API_KEY": "any-key", "SEEDANCE_BASE_URL": baseURL]

        // A task for the examples that name one: succeeded, with a last frame (download --last-frame).
        let api = root.appendingPathComponent(Self.folderName("submit"))
        try Self.prepare(api)
        let created = try run("/bin/sh", ["-c", "cd \"$1\" && seedance submit --prompt 'a red kite' --resolution 480p "
                                          + "--duration 4 --return-last-frame --wait -o made.mp4 --json", "sh", api.path],
                              environment: environment)
        try #require(created.status == 0, "\(created.stderr)")
        let task = try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any]
        context.taskID = try #require((task?["task"] as? [String: Any])?["id"] as? String)

        var ran: [String] = [], notRun: [String] = []
        for example in Self.ordered(HelpText.allExamples()) {
            let folder = root.appendingPathComponent(Self.folderName(example.command))
            if !FileManager.default.fileExists(atPath: folder.path) { try Self.prepare(folder) }
            var env = environment
            // `--root` is the shared runs' folder, except for mcp, whose --root is where its own run folders go.
            let needsStore = Self.storeCommands.contains(example.command) || example.text.contains("--store")
                || (example.text.contains("--root") && example.command != "mcp")
            if needsStore {
                guard let store = context.store else { notRun.append("\(example.text): PostgreSQL is not available"); continue }
                env["SEEDANCE_STORE"] = store
            }
            var text = context.substituted(example.text, folder: root)
            if Self.pollingCommands.contains(example.command), !text.contains("&&"), !text.contains("|") {
                // Runs poll every 10 s by default (the service takes minutes); the simulator here takes a moment.
                text += " --poll-interval 0.2"
            }
            let exampleStarted = Date()
            defer { print(String(format: "%5.1f s  %@", Date().timeIntervalSince(exampleStarted), text)) }
            switch Self.recipe(for: example) {
            case .notRun(let reason):
                notRun.append("\(example.text): \(reason)")
            case .server:
                // A server starts in this process's folder: a path the example names in its own folder is made
                // absolute (`seedance review out/edit1`).
                let arguments = try #require(HelpText.seedanceArguments(text)).map { argument in
                    let inFolder = folder.appendingPathComponent(argument).path
                    return !argument.hasPrefix("-") && FileManager.default.fileExists(atPath: inFolder) ? inFolder : argument
                }
                let (process, line) = try startSeedance(arguments, environment: env)
                Self.stop(process)
                #expect(line.hasPrefix("http://127.0.0.1:"), "\(text): printed \(line)")
                ran.append(text)
            case .shell(let statuses):
                if example.command == "mcp" {
                    // The server speaks on stdin and stdout: a client's first three messages, then end of input,
                    // which ends the server.
                    let messages = [
                        #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"help-example","version":"1"}}}"#,
                        #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
                        #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#,
                    ]
                    text = "{ " + messages.map { "echo '\($0)';" }.joined(separator: " ") + " sleep 2; } | " + text
                }
                let result = try run("/usr/bin/timeout", ["120", "/bin/bash", "-o", "pipefail", "-c",
                                                          "cd \"$1\" && eval \"$2\"", "bash", folder.path, text],
                                     environment: env)
                #expect(statuses.contains(result.status), "\(text): exit \(result.status): \(result.stderr)")
                if example.command == "generate" {
                    // The one-shot run says where its clip and folder are (the example's -o).
                    let words = text.split(separator: " ")
                    let output = words.firstIndex(of: "-o").map { String(words[$0 + 1]) } ?? "out/puppy"
                    #expect(result.stderr.contains("clip: \(output)/clips/shot-01.mp4"), "\(result.stderr)")
                    #expect(result.stderr.contains("run folder: \(output)"), "\(result.stderr)")
                }
                if text.contains("--listen") && ["run", "generate"].contains(example.command),
                   !result.stderr.contains("to create: 0 tasks") {
                    // The callbacks of the tasks it made reached the run's receiver and were confirmed ("1 hint
                    // confirmed" when the early ones came before the task was recorded, as on a slow machine).
                    #expect(result.stderr.contains(" confirmed in ") && !result.stderr.contains("callbacks: 0 hints"),
                            "\(result.stderr)")
                }
                if example.command == "mcp" {
                    #expect(result.stdout.contains("generate_clip"), "\(text): the tools were not listed: \(result.stdout)")
                }
                if ["probe", "list", "runs", "provenance"].contains(example.command), !text.contains("--json") {
                    for line in result.stdout.split(separator: "\n") {
                        #expect(line.count <= 80, "\(text): a table line of \(line.count) columns: \(line)")
                    }
                }
                ran.append(text)
            }
            // The shared run made by `run ... --root` is the one the `--store` examples of resume, regenerate,
            // report and runs name.
            if example.command == "run", example.text.contains("--root"), let store = context.store {
                let runs = try run(FixturePaths.seedanceBinary.path, ["runs", "--json", "--store", store],
                                   environment: environment)
                let object = try JSONSerialization.jsonObject(with: Data(runs.stdout.utf8)) as? [String: Any]
                context.sharedRunID = try #require(((object?["runs"] as? [[String: Any]])?.first)?["id"] as? String,
                                                   "\(runs.stdout) \(runs.stderr)")
            }
        }
        #expect(ran.count >= 40, "ran \(ran.count) examples")
        // What is not run, and why, is said in the test log.
        for line in notRun { print("not run: \(line)") }
        #expect(notRun.allSatisfy { $0.contains("not a seedance command") || context.store == nil }, "\(notRun)")
        print("ran \(ran.count) help examples in \(Int(Date().timeIntervalSince(started))) s")
    }
}
