import Foundation

/// A sliding one-minute window of create calls: `wait` returns how long to hold off before the next one.
public struct RateLimiter: Sendable {
    /// Calls allowed per 60 s.
    public let perMinute: Int
    private var sent: [Double] = []

    /// A limiter allowing `perMinute` calls in any 60 s.
    public init(perMinute: Int) { self.perMinute = max(1, perMinute) }

    /// Seconds to wait at `now` before another call may go (0 when it may go now).
    public func delay(now: Double) -> Double {
        let recent = sent.filter { $0 > now - 60 }
        guard recent.count >= perMinute, let oldest = recent.min() else { return 0 }
        return oldest + 60 - now
    }

    /// Records a call sent at `now`.
    public mutating func record(now: Double) {
        sent.append(now)
        sent.removeAll { $0 <= now - 60 }
    }
}
