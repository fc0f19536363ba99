import AsyncHTTPClient
import Foundation
import NIOCore

/// Counts of what the simulator was asked and did (`GET /_simulator/stats`), so tests can prove, for example,
/// that nothing was created twice.
public struct SimulatorStats: Sendable, Hashable, Codable {
    /// Create calls that made a task.
    public var createsAccepted = 0
    /// Create calls refused (auth, validation, limits, injected 429/500).
    public var createsRefused = 0
    /// GET calls for one task.
    public var gets = 0
    /// List calls.
    public var lists = 0
    /// DELETE calls.
    public var deletes = 0
    /// Files served (video or last frame), complete or truncated.
    public var downloads = 0
    /// Downloads refused (expired or bad link: 403; unknown file: 404).
    public var downloadsRefused = 0
    /// Clips rendered.
    public var renders = 0
    /// Clips taken from the render cache.
    public var cacheHits = 0
    /// Callback POSTs answered 2xx.
    public var callbacksDelivered = 0
    /// Callback POSTs that failed.
    public var callbacksFailed = 0
    /// Faults injected, by kind.
    public var faults: [String: Int] = [:]
    /// Tasks held now, by status.
    public var tasks: [String: Int] = [:]
    /// The most creates accepted (all models together) within any `rateWindow` seconds so far: what a client's own
    /// rate limit let through at its busiest.
    public var maxCreatesPerWindow = 0
    /// The most tasks queued or running at once so far: what a client's limit on tasks in flight let through.
    public var maxInFlight = 0

    enum CodingKeys: String, CodingKey {
        case gets, lists, deletes, downloads, renders, faults, tasks
        case createsAccepted = "creates_accepted", createsRefused = "creates_refused"
        case downloadsRefused = "downloads_refused", cacheHits = "cache_hits"
        case callbacksDelivered = "callbacks_delivered", callbacksFailed = "callbacks_failed"
        case maxCreatesPerWindow = "max_creates_per_window", maxInFlight = "max_in_flight"
    }

    /// Zero counts.
    public init() {}
}

extension RunningSimulator {
    /// The simulator's counters now: `GET /_simulator/stats` through the shared HTTP client. Throws when the server
    /// does not answer 200 with the counters.
    public func stats() async throws -> SimulatorStats {
        let url = rootURL.appendingPathComponent("_simulator/stats").absoluteString
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else {
            throw SimulatorStatsError(status: Int(response.status.code),
                                      body: String(buffer: body))
        }
        return try JSONDecoder().decode(SimulatorStats.self, from: Data(body.readableBytesView))
    }
}

/// `GET /_simulator/stats` answered something other than 200.
public struct SimulatorStatsError: Error, CustomStringConvertible {
    /// The HTTP status.
    public var status: Int
    /// The body, as text.
    public var body: String

    public var description: String { "GET /_simulator/stats answered \(status): \(body)" }
}
