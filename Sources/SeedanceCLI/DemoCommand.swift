import ArgumentParser
import Foundation
import Logging
import Pipeline
import SeedanceAPI
import Simulator

/// `seedance demo [-o DIR]`: the whole pipeline against the built-in simulator.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the bundled three-shot plan end to end against the built-in simulator (no key, no network).",
        usage: "seedance demo [-o <dir>] [--time-scale <x>] [--faults <spec>] [<options>]",
        discussion: """
            Starts the Seedance simulator in-process on 127.0.0.1 (a free port), runs the bundled three-shot plan \
            through it exactly as `seedance run` would against the real service (submit, batch polls, downloads, \
            QA of every clip, the second shot starting from the first shot's last frame, the join), then prints \
            where the video and the report are. The plan and its images are inside the binary (written to \
            DIR/demo-plan/), so it runs from any folder; --plan runs another plan instead.

            Faults make the run meet what the real service does on a bad day (errors, dropped connections, \
            moderated or broken clips), so you can watch it recover; see `seedance simulator --help` for the kinds.

            Examples:
              seedance demo -o seedance-demo && xdg-open seedance-demo/report.html
              seedance demo -o demo-faults --faults seed=7,500=0.2,drop=0.1,black=0.3
            """
    )

    @Option(name: .shortAndLong, help: "The run folder.")
    var output = "seedance-demo"

    @Option(help: "A plan to run instead of the bundled one (which is written to DIR/demo-plan/ and needs no file beside the binary).")
    var plan: String?

    @Option(name: .customLong("time-scale"), help: ArgumentHelp(SimulatorCommand.timeScaleHelp))
    var timeScale = 0.02

    @Option(help: "Simulator faults to switch on (see `seedance simulator --help`), e.g. seed=7,500=0.3,drop=0.2.")
    var faults: String?

    @Flag(help: "Print progress as JSON lines on stdout.")
    var json = false

    @Flag(help: "Print progress as plain lines, not the live status block a terminal gets.")
    var plain = false

    /// Writes the bundled plan and its images to `DIR/demo-plan/` and returns the plan's path.
    static func writeBundledPlan(into output: String) throws -> String {
        let folder = (output as NSString).appendingPathComponent("demo-plan")
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (name, base64) in DemoAssets.files {
                guard let data = Data(base64Encoded: base64) else { throw CocoaError(.fileReadCorruptFile) }
                try data.write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent(name)), options: .atomic)
            }
        } catch {
            throw CommandFailure(.badInput, "\(folder): cannot write the demo plan: \((error as NSError).localizedDescription)")
        }
        return (folder as NSString).appendingPathComponent(DemoAssets.files[0].name)
    }

    func run() async throws {
        if let plan, !FileManager.default.fileExists(atPath: plan) {
            throw CommandFailure(.badInput, "\(plan): no such plan")
        }
        if FileManager.default.fileExists(atPath: (output as NSString).appendingPathComponent("state.sqlite")) {
            throw CommandFailure(.badInput, "\(output) already holds a run: choose another -o, or `seedance resume` it")
        }
        let plan = try self.plan ?? Self.writeBundledPlan(into: output)
        let parsed = try PlanLoader.load(path: plan)
        var simulatorConfiguration = SimulatorConfiguration()
        simulatorConfiguration.softwareVersion = SeedanceVersion.current
        simulatorConfiguration.apiKey = "demo-key"
        simulatorConfiguration.timeScale = timeScale
        simulatorConfiguration.dataDirectory = URL(fileURLWithPath: output).appendingPathComponent(".simulator")
        if let faults {
            do { simulatorConfiguration.faults = try FaultPlan(spec: faults) } catch {
                throw CommandFailure(.badInput, "--faults: \(error)")
            }
        }
        var logger = Logger(label: "seedance.demo") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .error
        let simulator = try await SimulatorServer(configuration: simulatorConfiguration, logger: logger).start()
        if !json { StandardError.write("simulator listening at \(simulator.baseURL.absoluteString)\n") }

        var clientConfiguration = ClientConfiguration(baseURL: simulator.baseURL, apiKey: APIKey("demo-key"))
        clientConfiguration.poll = PollSchedule(initialInterval: 0.1, maxInterval: 0.5)
        let client = Client(configuration: clientConfiguration, logger: logger)
        var run = RunConfiguration(outputDirectory: output)
        run.pollInterval = 0.25
        run.reconcileGrace = 2
        do {
            let runner = try await PipelineRunner(plan: parsed, planFile: plan, configuration: run,
                                                  service: ClientService(client: client), logger: logger,
                                                  observer: ProgressPrinter(json: json, plain: plain).observer)
            var options = try RunOptions.parse([])
            options.json = json
            options.plain = plain
            try await RunOutcome.finish(runner, options: options, spend: try SpendOptions.parse(["--yes"]),
                                        baseURL: simulator.baseURL)
        } catch {
            try? await client.shutdown()
            await simulator.stop()
            throw error
        }
        try? await client.shutdown()
        await simulator.stop()
    }
}
