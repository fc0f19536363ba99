import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Pipeline
import Review
import SeedanceAPI
import Simulator
import TestSupport

/// A simulator on a free loopback port, a run made through it, and a review server on that run: what every review
/// test starts from. Everything is stopped, by return or by throw, before `with` returns.
struct ReviewHarness {
    static let apiKey = "review-test-key-0123456789"
    let simulator: RunningSimulator
    let client: Client
    let directory: URL

    /// A small edit: three shots, the second chained to the first.
    static let plan = """
        name: review check
        defaults: {resolution: 480p, ratio: "16:9", duration: 4, audio: true}
        prices: {doubao-seedance-2-0: "USD 7.00"}
        shots:
          - id: opening
            prompt: a puppy walks into a room
            images: [{path: party-room.png, role: first_frame}]
          - id: chained
            prompt: the puppy eats cake
            first_frame: previous
          - id: garden
            prompt: the puppy runs in the garden
        """

    static func with<T>(_ body: (ReviewHarness) async throws -> T) async throws -> T {
        let directory = try FixturePaths.temporaryDirectory("review")
        var configuration = SimulatorConfiguration()
        configuration.apiKey = apiKey
        configuration.timeScale = 0.01
        configuration.dataDirectory = directory.appendingPathComponent("simulator")
        let logger = quietLogger("test.review.simulator")
        let simulator = try await SimulatorServer(configuration: configuration, logger: logger).start()
        var clientConfiguration = ClientConfiguration(baseURL: simulator.baseURL, apiKey: APIKey(apiKey))
        clientConfiguration.poll = PollSchedule(initialInterval: 0.05, maxInterval: 0.2)
        clientConfiguration.requestTimeout = 10
        let client = Client(configuration: clientConfiguration, logger: logger)
        let harness = ReviewHarness(simulator: simulator, client: client, directory: directory)
        let outcome: Result<T, any Error>
        do { outcome = .success(try await body(harness)) } catch { outcome = .failure(error) }
        try? await client.shutdown()
        await simulator.stop()
        try? FileManager.default.removeItem(at: directory)
        return try outcome.get()
    }

    static func quietLogger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .critical
        return logger
    }

    var service: ClientService { ClientService(client: client) }

    /// Run settings for tests: fast polls.
    func runConfiguration(_ folder: String) -> RunConfiguration {
        var configuration = RunConfiguration(outputDirectory: folder)
        configuration.pollInterval = 0.1
        configuration.reconcileGrace = 1
        configuration.timeLimit = 240
        return configuration
    }

    /// Writes the plan (and its image) into the harness folder and returns the plan's path.
    func writePlan() throws -> URL {
        let demo = FixturePaths.fixtures.appendingPathComponent("demo")
        let image = directory.appendingPathComponent("party-room.png")
        if !FileManager.default.fileExists(atPath: image.path) {
            try FileManager.default.copyItem(at: demo.appendingPathComponent("party-room.png"), to: image)
        }
        let planPath = directory.appendingPathComponent("plan.yaml")
        try Self.plan.write(to: planPath, atomically: true, encoding: .utf8)
        return planPath
    }

    /// Runs the plan into a new folder named `name` through the simulator and returns the folder.
    func makeRun(_ name: String = "run") async throws -> String {
        let planPath = try writePlan()
        let folder = directory.appendingPathComponent(name).path
        let runner = try await PipelineRunner(plan: try PlanLoader.load(path: planPath.path), planFile: planPath.path,
                                              configuration: runConfiguration(folder), service: service,
                                              logger: Self.quietLogger("test.review.run"))
        let summary = try await runner.run()
        guard summary.done == 3, summary.finalPassed == true else {
            throw ReviewTestFailure("the run to review did not finish: \(summary)")
        }
        return folder
    }

    /// A review server's configuration for `folder` (regeneration through the simulator unless `withService` is false).
    func reviewConfiguration(_ folder: String, withService: Bool = true) -> ReviewConfiguration {
        var configuration = ReviewConfiguration(directory: folder, service: withService ? service : nil,
                                                run: runConfiguration(folder), logger: Self.quietLogger("test.review"))
        configuration.watchInterval = 0.1
        return configuration
    }

    /// Serves `folder` while `body` runs, with the page's address.
    func reviewing<T: Sendable>(_ folder: String, withService: Bool = true,
                                _ body: @Sendable (ReviewAddress) async throws -> T) async throws -> T {
        let server = try ReviewServer(configuration: reviewConfiguration(folder, withService: withService))
        return try await server.serving { address in try await body(try ReviewAddress(address)) }
    }

    func stats() async throws -> SimulatorStats { try await simulator.stats() }
}

/// A failed expectation of the harness itself.
struct ReviewTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The printed address, taken apart.
struct ReviewAddress: Sendable {
    let full: String
    let origin: String
    let port: Int
    let token: String

    init(_ address: String) throws {
        guard let components = URLComponents(string: address), let port = components.port,
              let token = components.queryItems?.first(where: { $0.name == "token" })?.value else {
            throw ReviewTestFailure("not a review address: \(address)")
        }
        full = address
        origin = "http://127.0.0.1:\(port)"
        self.port = port
        self.token = token
    }

    var cookie: String { "seedance_review_\(port)=\(token)" }
}

/// One HTTP exchange with a review server, through AsyncHTTPClient.
struct Exchange: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }

    static func send(_ url: String, method: HTTPMethod = .GET, headers: [(String, String)] = [],
                     body: String? = nil) async throws -> Exchange {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let collected = try await response.body.collect(upTo: 64 << 20)
        return Exchange(status: Int(response.status.code), headers: response.headers, body: Data(collected.readableBytesView))
    }

    /// A POST as the page sends it: JSON, the token header, the server's own origin, and `key` when given.
    static func action(_ address: ReviewAddress, _ path: String, _ body: String = "{}", key: String? = nil,
                       token: String? = nil, origin: String? = nil) async throws -> Exchange {
        var headers = [("Content-Type", "application/json"), ("X-Seedance-Token", token ?? address.token),
                       ("Origin", origin ?? address.origin)]
        if let key { headers.append(("Idempotency-Key", key)) }
        return try await send(address.origin + path, method: .POST, headers: headers, body: body)
    }

    /// The page's document.
    static func state(_ address: ReviewAddress) async throws -> [String: Any] {
        let answer = try await send(address.origin + "/api/state", headers: [("Cookie", address.cookie)])
        guard answer.status == 200, let json = answer.json else {
            throw ReviewTestFailure("GET /api/state: \(answer.status) \(answer.text)")
        }
        return json
    }

    /// Waits until the document satisfies `done` (at most `seconds`), returning it.
    static func waitForState(_ address: ReviewAddress, seconds: Double = 120,
                             _ done: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let document = try await state(address)
            if done(document) { return document }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ReviewTestFailure("the review state did not get there in \(seconds) s: \(try await state(address))")
    }
}

extension [String: Any] {
    /// The jobs of a review document.
    var jobs: [[String: Any]] { self["jobs"] as? [[String: Any]] ?? [] }
    /// The run report in a review document.
    var run: [String: Any] { self["run"] as? [String: Any] ?? [:] }
    /// A shot of the run report by id.
    func shot(_ id: String) -> [String: Any]? {
        (run["shots"] as? [[String: Any]])?.first { $0["id"] as? String == id }
    }
}
