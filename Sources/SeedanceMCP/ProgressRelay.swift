import Foundation
import Pipeline

/// Carries a run's events from the runner (a synchronous observer on its actor) to whoever listens now (a
/// `generate_clip` call sending progress notifications), and remembers the tokens the run had billed before it
/// started, so that what this server spent is told apart from earlier runs' spending.
final class ProgressRelay: Sendable {
    private struct State {
        var listener: AsyncStream<RunEvent>.Continuation?
        var tokensBefore = 0
    }
    private let state = Mutex(State())

    /// The runner's observer.
    var observer: RunObserver {
        { [self] event in
            state.withLock { state in
                if case .started(let shots) = event { state.tokensBefore = shots.compactMap(\.tokens).reduce(0, +) }
                state.listener?.yield(event)
            }
        }
    }

    /// Tokens the run had billed when it started.
    var tokensBefore: Int { state.withLock { $0.tokensBefore } }

    /// A stream of the events from now on (one listener at a time; the stream ends with `finish()`).
    func listen() -> AsyncStream<RunEvent> {
        let (stream, continuation) = AsyncStream<RunEvent>.makeStream()
        state.withLock { $0.listener = continuation }
        return stream
    }

    /// Ends the current listener's stream.
    func finish() {
        state.withLock { state in
            state.listener?.finish()
            state.listener = nil
        }
    }
}

/// A small lock around a value (the standard library's `Mutex` needs macOS 15; the package supports 14).
final class Mutex<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
