/// Which call an attempt belonged to: the paid create call is treated differently from reads and downloads.
public enum CallKind: String, Sendable, Hashable {
    /// `POST .../tasks`: creates (and bills) a task.
    case create
    /// A read (get, list) or a delete: safe to repeat.
    case read
    /// Fetching a delivered file: safe to repeat (resumed with Range).
    case download
}

/// What happened to one attempt, as far as the client can tell.
public enum AttemptOutcome: Sendable, Hashable {
    /// The connection could not be made: nothing was sent (connection refused, connect timeout, DNS failure).
    case notConnected
    /// The request was (or may have been) sent and no complete answer came (read timeout, reset, closed).
    case noAnswer
    /// An HTTP answer with this status, the API's error code (when any) and its `Retry-After` in seconds.
    case answered(status: Int, code: String?, retryAfter: Double?)
}

/// What to do after a failed attempt.
public enum RetryDecision: Sendable, Hashable {
    /// Try again after this many seconds.
    case retry(after: Double)
    /// Stop and report the error: the request surely did not take effect, or retrying cannot help.
    case fail
    /// Stop: a create may have made a task. Report an unknown outcome to reconcile through the list call.
    case unknownOutcome
}

/// The retry rules of DESIGN.md as a pure function of the attempt's outcome, so they can be tested alone.
///
/// - create: retried only when the request surely was not accepted: not connected (nothing sent), 429, 503 or
///   `ServerOverloaded`. Any other doubt (no answer after sending, 500, 502, 504) is `.unknownOutcome`: never a blind
///   resubmit of a paid call. Other 4xx are definite refusals (`.fail`).
/// - read and download: retried on no connection, no answer, 408, 429 and 5xx; other 4xx fail.
/// Delays grow exponentially from `baseDelay`, capped at `maxDelay`, with +/- `jitter` (a fraction); a `Retry-After`
/// longer than the computed delay wins (up to `maxRetryAfter`).
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts at most, the first included.
    public var maxAttempts: Int
    /// Delay before the second attempt, seconds.
    public var baseDelay: Double
    /// Largest computed delay, seconds.
    public var maxDelay: Double
    /// Random spread of each delay: 0.2 gives 80 %...120 %.
    public var jitter: Double
    /// Largest `Retry-After` honoured, seconds (a gateway asking for an hour is not waited for).
    public var maxRetryAfter: Double

    /// Makes a policy; the defaults give 1, 2, 4, 8 s (+/- 20 %) over 5 attempts.
    public init(maxAttempts: Int = 5, baseDelay: Double = 1, maxDelay: Double = 30, jitter: Double = 0.2,
                maxRetryAfter: Double = 120) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(0, maxDelay)
        self.jitter = min(max(0, jitter), 1)
        self.maxRetryAfter = max(0, maxRetryAfter)
    }

    /// This policy with only as many attempts as fit in `seconds` of (unjittered) delays, at least one: a caller that
    /// gives up after `seconds` without an answer (a run's `--offline-timeout`) is not held longer by one call's
    /// retries. The defaults (1 + 2 + 4 + 8 s) fit in 15 s; 3 s leaves 3 attempts (1 + 2 s).
    public func fitting(within seconds: Double) -> RetryPolicy {
        var policy = self
        var total = 0.0
        var attempts = 1
        while attempts < maxAttempts {
            let next = delay(afterAttempt: attempts, random: 0.5)
            guard total + next <= seconds else { break }
            total += next
            attempts += 1
        }
        policy.maxAttempts = attempts
        return policy
    }

    /// Whether an attempt of `call` that ended in `outcome` may be repeated at all (ignoring the attempt count).
    public func isRetryable(_ call: CallKind, _ outcome: AttemptOutcome) -> Bool? {
        switch (call, outcome) {
        case (_, .notConnected):
            return true
        case (.create, .noAnswer):
            return nil
        case (_, .noAnswer):
            return true
        case let (.create, .answered(status, code, _)):
            if status == 429 || status == 503 || code == "ServerOverloaded" { return true }
            if status >= 500 { return nil }
            return false
        case let (_, .answered(status, _, _)):
            return status == 408 || status == 429 || status >= 500
        }
    }

    /// The decision after attempt number `attempt` (1-based) of `call` ended in `outcome`; `random` in 0..<1 draws
    /// the jitter (pass a fixed value in tests).
    public func decide(_ call: CallKind, _ outcome: AttemptOutcome, attempt: Int, random: Double) -> RetryDecision {
        guard let retryable = isRetryable(call, outcome) else { return .unknownOutcome }
        guard retryable, attempt < maxAttempts else { return .fail }
        var retryAfter: Double?
        if case let .answered(_, _, value) = outcome { retryAfter = value }
        return .retry(after: delay(afterAttempt: attempt, retryAfter: retryAfter, random: random))
    }

    /// The wait after attempt `attempt` (1-based): `baseDelay x 2^(attempt-1)` capped at `maxDelay`, jittered,
    /// and at least `retryAfter` (itself capped at `maxRetryAfter`).
    public func delay(afterAttempt attempt: Int, retryAfter: Double? = nil, random: Double) -> Double {
        let exponent = Double(max(0, min(attempt - 1, 30)))
        let computed = min(maxDelay, baseDelay * pow2(exponent))
        let spread = 1 + jitter * (2 * min(max(random, 0), 1) - 1)
        let jittered = computed * spread
        guard let retryAfter, retryAfter > 0 else { return jittered }
        return max(jittered, min(retryAfter, maxRetryAfter))
    }

    private func pow2(_ exponent: Double) -> Double {
        var value = 1.0
        for _ in 0..<Int(exponent) { value *= 2 }
        return value
    }
}

/// The pacing of `wait`: polls start at `initialInterval` and grow by `growth` up to `maxInterval`, jittered.
public struct PollSchedule: Sendable, Hashable {
    /// First pause between polls, seconds.
    public var initialInterval: Double
    /// Longest pause, seconds.
    public var maxInterval: Double
    /// Factor each pause grows by.
    public var growth: Double
    /// Random spread of each pause (a fraction).
    public var jitter: Double

    /// Makes a schedule; the defaults give 5, 7.5, 11, ... up to 20 s (official samples poll every 10 s).
    public init(initialInterval: Double = 5, maxInterval: Double = 20, growth: Double = 1.5, jitter: Double = 0.2) {
        self.initialInterval = max(0, initialInterval)
        self.maxInterval = max(self.initialInterval, maxInterval)
        self.growth = max(1, growth)
        self.jitter = min(max(0, jitter), 1)
    }

    /// The pause after poll number `poll` (1-based); `random` in 0..<1.
    public func interval(afterPoll poll: Int, random: Double) -> Double {
        var value = initialInterval
        for _ in 1..<max(1, poll) {
            value *= growth
            if value >= maxInterval { break }
        }
        return min(value, maxInterval) * (1 + jitter * (2 * min(max(random, 0), 1) - 1))
    }
}
