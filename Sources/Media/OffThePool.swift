import Dispatch

/// Runs blocking work (FFmpeg calls) on a Dispatch thread and awaits its result, so it never occupies a thread of
/// Swift's cooperative pool.
public func runOffThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try work() })
        }
    }
}
