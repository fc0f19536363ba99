import AsyncHTTPClient
import Foundation
import Logging
import Pipeline
import SeedanceAPI
import Simulator
import TestSupport
import NIOCore

/// A simulator on a free loopback port with a client and a pipeline service pointed at it.
struct SimulatorHarness {
    static let apiKey = "test-key-0123456789"
    let simulator: RunningSimulator
    let client: Client
    let directory: URL

    /// `rateLimit`: creates allowed per window of that many real seconds (default: the service's 600 per minute).
    static func start(faults: String? = nil, timeScale: Double = 0.01, realDeliveries: Bool = true,
                      rateLimit: (creates: Int, window: Double)? = nil) async throws -> SimulatorHarness {
        let directory = try FixturePaths.temporaryDirectory("pipeline")
        var configuration = SimulatorConfiguration()
        configuration.apiKey = apiKey
        configuration.timeScale = timeScale
        configuration.dataDirectory = directory.appendingPathComponent("simulator")
        if let faults { configuration.faults = try FaultPlan(spec: faults) }
        configuration.realDeliveries = realDeliveries
        if let rateLimit {
            configuration.requestsPerMinute = rateLimit.creates
            configuration.rateWindow = rateLimit.window
            configuration.maxRunning = 100
        }
        var logger = Logger(label: "test.simulator")
        logger.logLevel = .critical
        let simulator = try await SimulatorServer(configuration: configuration, logger: logger).start()
        var clientConfiguration = ClientConfiguration(baseURL: simulator.baseURL, apiKey: APIKey(apiKey))
        clientConfiguration.poll = PollSchedule(initialInterval: 0.05, maxInterval: 0.2)
        clientConfiguration.requestTimeout = 10
        let client = Client(configuration: clientConfiguration, logger: logger)
        return SimulatorHarness(simulator: simulator, client: client, directory: directory)
    }

    /// Runs `body` with a started harness and stops it when `body` ends, by returning or by throwing: the
    /// simulator's port is closed and its folder removed before the test ends.
    static func with<T>(faults: String? = nil, timeScale: Double = 0.01, realDeliveries: Bool = true,
                        rateLimit: (creates: Int, window: Double)? = nil,
                        _ body: (SimulatorHarness) async throws -> T) async throws -> T {
        let harness = try await start(faults: faults, timeScale: timeScale, realDeliveries: realDeliveries,
                                      rateLimit: rateLimit)
        do {
            let result = try await body(harness)
            await harness.stop()
            return result
        } catch {
            await harness.stop()
            throw error
        }
    }

    var service: ClientService { ClientService(client: client) }

    /// A logger that keeps a test's output to failures.
    static func quietLogger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .critical
        return logger
    }

    /// A run configuration for tests: fast polls, short reconcile grace.
    func configuration(_ name: String) -> RunConfiguration {
        var configuration = RunConfiguration(outputDirectory: directory.appendingPathComponent(name).path)
        configuration.pollInterval = 0.1
        configuration.reconcileGrace = 1
        configuration.timeLimit = 240
        return configuration
    }


    func stop() async {
        try? await client.shutdown()
        await simulator.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Writes a plan next to the demo images and returns its path.
    func writePlan(_ yaml: String, name: String = "plan.yaml") throws -> String {
        let demo = FixturePaths.fixtures.appendingPathComponent("demo")
        let path = directory.appendingPathComponent(name)
        for image in ["party-room.png", "garden.png"] {
            let target = directory.appendingPathComponent(image)
            if !FileManager.default.fileExists(atPath: target.path) {
                try FileManager.default.copyItem(at: demo.appendingPathComponent(image), to: target)
            }
        }
        try yaml.write(to: path, atomically: true, encoding: .utf8)
        return path.path
    }
}

extension Data {
    init(buffer: NIOCore.ByteBuffer) {
        self = Data(buffer.readableBytesView)
    }
}
