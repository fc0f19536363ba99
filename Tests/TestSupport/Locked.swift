import Foundation

/// A value shared between concurrent tasks in a test, guarded by an `NSLock`.
///
/// Tests use this rather than `Synchronization.Mutex`: on Linux `Mutex` locks with atomics and futexes inside the
/// uninstrumented standard library, so ThreadSanitizer cannot see its ordering and reports every contended access as
/// a race (`scripts/sanitize.sh thread` did, in `RegenerationBudgetTests`). `NSLock` is a pthread mutex, which
/// ThreadSanitizer intercepts.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    /// A box holding `value`.
    public init(_ value: Value) { self.value = value }

    /// Runs `body` with the value, holding the lock.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
