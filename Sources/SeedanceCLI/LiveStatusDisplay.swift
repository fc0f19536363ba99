import Foundation
import Pipeline

/// The live status block of a run on a terminal (stderr): folds the runner's events into a `RunStatus`, redraws
/// `RunStatusBlock`'s lines in place (cursor up, clear line) on each event (a burst of them once) and four times a
/// second for the clock, and prints the lines worth keeping (failures, regenerations, notes) above the block so they
/// stay in the scrollback. When the run finishes the block is drawn a last time and left on the screen, cursor shown again.
final class LiveStatusDisplay: @unchecked Sendable {
    /// Everything below is guarded by `lock`: events come from the runner's actor, ticks from a timer queue, words
    /// from the Ctrl-C handler.
    private let lock = NSLock()
    private var status = RunStatus()
    /// Lines of the block on the screen now, and what they say (a tick that changes nothing writes nothing).
    private var drawn: [String] = []
    private var started = false
    private var closed = false
    /// When the block was last drawn (monotonic nanoseconds): a burst of events (a poll round of many shots) draws
    /// once, and the next tick draws what it left.
    private var lastDraw: UInt64 = 0
    private var timer: (any DispatchSourceTimer)?
    private let write: @Sendable (String) -> Void
    private let size: @Sendable () -> (width: Int, height: Int)
    private let clock: @Sendable () -> Double

    /// The block on the screen, if any (a process shows one run): Ctrl-C's words and a run that ends by an error
    /// reach it through `say` and `closeCurrent`.
    nonisolated(unsafe) private static var current: LiveStatusDisplay?
    private static let currentLock = NSLock()

    /// `write` receives every byte for the terminal; `size` is asked before each redraw (the window may change).
    init(write: @escaping @Sendable (String) -> Void = StandardError.write,
         size: @escaping @Sendable () -> (width: Int, height: Int) = LiveStatusDisplay.terminalSize,
         clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.write = write
        self.size = size
        self.clock = clock
    }

    /// Folds in one event: lines worth keeping go above the block, the block is redrawn, and `finished` ends it.
    func handle(_ event: RunEvent) {
        lock.withLock {
            guard !closed else {
                // After the end (a note of a worker that still runs): plain lines below the final block.
                if case .note(let text) = event { write(text + "\n") }
                return
            }
            let keep = status.apply(event, at: clock())
            if case .started = event, !started { begin() }
            guard started else {
                // Notes before the run started (thresholds): plain lines, no block yet.
                for line in keep { write(line + "\n") }
                return
            }
            if case .finished = event {
                redraw(above: keep)
                end()
            } else if !keep.isEmpty || DispatchTime.now().uptimeNanoseconds - lastDraw > 50_000_000 {
                redraw(above: keep)
            }
        }
    }

    /// Prints `text` above the block (or plainly when no block is up).
    func say(_ text: String) {
        lock.withLock {
            if started && !closed { redraw(above: [text]) } else { write(text + "\n") }
        }
    }

    /// Draws the block a last time, shows the cursor and stops the clock; the block stays on the screen.
    func close() {
        lock.withLock { if started && !closed { redraw(above: []); end() } }
    }

    /// Says `text` above the block on the screen, or on stderr as it is when there is none.
    static func say(_ text: String) {
        if let display = currentLock.withLock({ current }) {
            display.say(text.trimmingCharacters(in: .newlines))
        } else {
            StandardError.write(text + "\n")
        }
    }

    /// Closes the block on the screen, if any (the run ended by an error, or a second Ctrl-C quits at once).
    static func closeCurrent() {
        currentLock.withLock { current }?.close()
    }

    // MARK: drawing (called with `lock` held)

    private func begin() {
        started = true
        Self.currentLock.withLock { Self.current = self }
        // The cursor is hidden while the block is redrawn, so it does not flicker across it.
        write("\u{1B}[?25l")
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + 0.25, repeating: 0.25)
        // A strong capture, released when `end()` cancels the timer. Not `weak`: a weak reference gives the object
        // a side table whose pointer is kept in its refcount bits, where LeakSanitizer cannot follow it, so every
        // run on a terminal would report a 32-byte leak at exit.
        timer.setEventHandler { [self] in tick() }
        timer.resume()
        self.timer = timer
    }

    private func end() {
        closed = true
        timer?.cancel()
        timer = nil
        write("\u{1B}[?25h")
        Self.currentLock.withLock { if Self.current === self { Self.current = nil } }
    }

    private func tick() {
        lock.withLock { if started && !closed { redraw(above: []) } }
    }

    /// Moves up over the block, prints `above` as ordinary lines, then the block afresh; nothing when neither the
    /// lines nor the block changed.
    private func redraw(above: [String]) {
        let (width, height) = size()
        let lines = RunStatusBlock.lines(status, now: clock(), width: width, height: height)
        guard !above.isEmpty || lines != drawn else { return }
        var out = drawn.isEmpty ? "" : "\r\u{1B}[\(drawn.count)A"
        for line in above { out += "\r\u{1B}[2K" + line + "\n" }
        for line in lines { out += "\r\u{1B}[2K" + line + "\n" }
        // Clears what is below: a shorter block's old lines, the `^C` the terminal echoed.
        out += "\u{1B}[J"
        write(out)
        drawn = lines
        lastDraw = DispatchTime.now().uptimeNanoseconds
    }

    /// The terminal's size from stderr (80 x 24 when it does not say).
    @Sendable static func terminalSize() -> (width: Int, height: Int) {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return (80, 24) }
        return (Int(size.ws_col), size.ws_row > 0 ? Int(size.ws_row) : 24)
    }
}
