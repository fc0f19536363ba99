/// Why a run stopped.
public enum RunEnding: Sendable, Hashable {
    /// Every shot of the edit reached a final state.
    case finished
    /// Stopped by the user (SIGINT, SIGTERM): state kept, `resume` continues.
    case interrupted
    /// The service could not be reached for longer than the offline bound (connection refused, DNS, TLS, timeouts).
    case unreachable(String)
    /// The service refused the API key (401, 403): nothing more can be done with this key.
    case unauthorized(String)
    /// The run passed its wall-clock limit.
    case timeLimit(Double)
    /// The run's token budget (`--budget-tokens`) was reached: no create starts; `resume` with a larger budget
    /// continues.
    case budget(String)
    /// This machine could not write a file of the run (a full disk, a quota, a read-only folder): nothing the
    /// service or a clip did, so retrying does not help; state kept, `resume` continues once there is room.
    case cannotWrite(String)

    /// Whether the run was cut short (and `resume` continues it).
    public var isStop: Bool { self != .finished }
}

/// How long the service has been unreachable: any call that failed for want of a connection (refused, DNS, TLS,
/// timeout) starts the clock, any answer stops it; past `bound` seconds the run stops with `.unreachable`.
public struct Outage: Sendable, Hashable {
    /// Seconds of unbroken unreachability allowed.
    public var bound: Double
    /// When the current outage began (nil: the service answers).
    public private(set) var since: Double?
    /// The last connection error, in words.
    public private(set) var lastError: String?
    /// Calls failed in a row.
    public private(set) var failures = 0

    /// A tracker allowing `bound` seconds.
    public init(bound: Double) { self.bound = bound }

    /// A call failed for want of a connection at `now`.
    public mutating func failed(at now: Double, _ message: String) {
        since = since ?? now
        lastError = message
        failures += 1
    }

    /// The service answered (any HTTP answer, errors included).
    public mutating func answered() {
        since = nil
        lastError = nil
        failures = 0
    }

    /// Whether the outage has lasted longer than the bound at `now`.
    public func exceeded(at now: Double) -> Bool {
        guard let since else { return false }
        return now - since >= bound
    }

    /// The pause before the next create while unreachable: 1, 2, 4 ... 15 s (never past the bound's end).
    public func backoff(at now: Double) -> Double {
        guard let since else { return 0 }
        let step = min(15, Double(1 << min(max(failures - 1, 0), 4)))
        return max(0, min(step, since + bound - now))
    }
}
