import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import SeedanceAPI
import Simulator
import TestSupport

/// Log lines captured in memory, so tests can prove the key never reaches a log.
final class LogCapture: Sendable {
    let lines = Locked<[String]>([])
    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    var logger: Logger {
        var logger = Logger(label: "test") { _ in CapturingHandler(capture: self) }
        logger.logLevel = .trace
        return logger
    }
}

struct CapturingHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        capture.lines.withLock { $0.append("\(event.level) \(event.message) \(all)") }
    }
}

/// Fast retries and polls for tests.
func testConfiguration(_ baseURL: URL, key: String = ClientHarness.key) -> ClientConfiguration {
    ClientConfiguration(baseURL: baseURL, apiKey: APIKey(key), connectTimeout: 1, requestTimeout: 10, downloadTimeout: 60,
                        retry: RetryPolicy(maxAttempts: 4, baseDelay: 0.05, maxDelay: 0.2, jitter: 0.2, maxRetryAfter: 5),
                        poll: PollSchedule(initialInterval: 0.02, maxInterval: 0.1, growth: 1.5, jitter: 0.2))
}

/// A simulator on a free loopback port with a `Client` pointed at it; both stopped when the body ends.
struct ClientHarness {
    static let key = "sk-test-SECRET-4242"
    let simulator: RunningSimulator
    let client: Client
    let logs: LogCapture
    let directory: URL

    static func with<T>(_ configure: (inout SimulatorConfiguration) -> Void = { _ in },
                        client tweak: (inout ClientConfiguration) -> Void = { _ in },
                        _ body: (ClientHarness) async throws -> T) async throws -> T {
        var configuration = SimulatorConfiguration()
        configuration.timeScale = 0.001
        configuration.apiKey = key
        configure(&configuration)
        let simulator = try await SimulatorServer(configuration: configuration).start()
        let logs = LogCapture()
        var clientConfiguration = testConfiguration(simulator.baseURL)
        tweak(&clientConfiguration)
        let client = Client(configuration: clientConfiguration, logger: logs.logger)
        let directory = try FixturePaths.temporaryDirectory("client-test")
        let harness = ClientHarness(simulator: simulator, client: client, logs: logs, directory: directory)
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let result = try await body(harness)
            try await client.shutdown()
            await simulator.stop()
            return result
        } catch {
            try? await client.shutdown()
            await simulator.stop()
            throw error
        }
    }

}

/// A small 2.0 text-to-video request the simulator renders quickly.
func smallRequest(_ prompt: String = "a red kite over a beach", lastFrame: Bool = false) -> GenerationRequest {
    GenerationRequest(model: "doubao-seedance-2-0-260128", content: [.text(prompt)], generateAudio: false,
                      resolution: .p480, ratio: .r16x9, duration: 4, returnLastFrame: lastFrame ? true : nil)
}
