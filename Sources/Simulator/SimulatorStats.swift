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

    enum CodingKeys: String, CodingKey {
        case gets, lists, deletes, downloads, renders, faults, tasks
        case createsAccepted = "creates_accepted", createsRefused = "creates_refused"
        case downloadsRefused = "downloads_refused", cacheHits = "cache_hits"
        case callbacksDelivered = "callbacks_delivered", callbacksFailed = "callbacks_failed"
    }

    /// Zero counts.
    public init() {}
}
