import AsyncHTTPClient
import Foundation
import Logging
import Media
import NIOCore
import SeedanceAPI
import Simulator
import Testing
import TestSupport

/// A simulator on a free loopback port plus an HTTP client, both shut down when the body ends.
struct SimulatorHarness {
    let simulator: RunningSimulator
    let client: HTTPClient
    let directory: URL
    let key = "test-key"

    /// An HTTP answer.
    struct Answer {
        var status: Int
        var body: Data
        /// Response headers, names lowercased (the last value of a repeated name).
        var headers: [String: String] = [:]
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var errorParam: String? { (json["error"] as? [String: Any])?["param"] as? String }
    }

    static func with<T>(_ configure: (inout SimulatorConfiguration) -> Void = { _ in },
                        _ body: (SimulatorHarness) async throws -> T) async throws -> T {
        var configuration = SimulatorConfiguration()
        configuration.timeScale = 0.001
        configure(&configuration)
        var logger = Logger(label: "simulator-test")
        logger.logLevel = .error
        let simulator = try await SimulatorServer(configuration: configuration, logger: logger).start()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let directory = try FixturePaths.temporaryDirectory("simulator-test")
        let harness = SimulatorHarness(simulator: simulator, client: client, directory: directory)
        do {
            let result = try await body(harness)
            try await client.shutdown()
            await simulator.stop()
            try? FileManager.default.removeItem(at: directory)
            return result
        } catch {
            try? await client.shutdown()
            await simulator.stop()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    var tasksURL: String { simulator.baseURL.absoluteString + "/contents/generations/tasks" }

    func send(_ method: String, _ url: String, body: String? = nil, key: String? = "test-key",
              headers: [String: String] = [:]) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.method = .init(rawValue: method)
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 64 << 20)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return Answer(status: Int(response.status.code), body: Data(buffer: buffer), headers: headers)
    }

    /// Creates a task and returns its id (expects 200).
    func create(_ body: String) async throws -> String {
        let answer = try await send("POST", tasksURL, body: body)
        try #require(answer.status == 200, "create answered \(answer.status): \(String(decoding: answer.body, as: UTF8.self))")
        return try #require(answer.json["id"] as? String)
    }

    func task(_ id: String) async throws -> GenerationTask {
        let answer = try await send("GET", "\(tasksURL)/\(id)")
        try #require(answer.status == 200)
        return try JSONDecoder().decode(GenerationTask.self, from: answer.body)
    }

    /// Polls until the task leaves queued/running (or 60 s pass).
    func waitUntilDone(_ id: String) async throws -> GenerationTask {
        let deadline = Date().addingTimeInterval(60)
        while true {
            let task = try await task(id)
            if task.status.isTerminal || Date() > deadline { return task }
            try await Task.sleep(for: .milliseconds(30))
        }
    }

    /// Polls until the task has `status` (or 30 s pass); robust where a fixed sleep would race the ticker.
    func waitFor(_ id: String, _ status: TaskStatus) async throws {
        let deadline = Date().addingTimeInterval(30)
        while try await task(id).status != status && Date() < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Downloads `url` to a file in the harness directory; returns status and path.
    func download(_ url: String, name: String) async throws -> (status: Int, path: String) {
        let answer = try await send("GET", url, key: nil)
        let path = directory.appendingPathComponent(name).path
        FileManager.default.createFile(atPath: path, contents: answer.body)
        return (answer.status, path)
    }

}

/// A create body for the 2.0 model with `fields` added (JSON members, without braces).
func body(_ fields: String = "", prompt: String = "a red kite over a beach") -> String {
    let extra = fields.isEmpty ? "" : ", " + fields
    return #"{"model":"doubao-seedance-2-0-260128","content":[{"type":"text","text":"\#(prompt)"}]\#(extra)}"#
}
