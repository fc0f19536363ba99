import Foundation

/// How wide the readable outputs may be: the terminal's width when stdout is one, 80 columns when it is piped or
/// redirected (a file or a pager has no width to ask, and 80 is what a reader expects), `COLUMNS` over both.
enum TerminalWidth {
    /// The width used when nothing better is known.
    static let fallback = 80

    /// The narrowest width a table is fitted to (below it, cells would wrap one letter a line).
    static let minimum = 40

    /// The columns available on stdout now.
    static var columns: Int {
        columns(environment: ProcessInfo.processInfo.environment, isTerminal: isatty(1) == 1, terminal: terminalColumns)
    }

    /// The rule, separate from the process for tests: `COLUMNS` when it is a positive number, else the terminal's
    /// width when stdout is a terminal, else 80; never under `minimum`.
    static func columns(environment: [String: String], isTerminal: Bool, terminal: () -> Int?) -> Int {
        if let text = environment["COLUMNS"], let value = Int(text.trimmingCharacters(in: .whitespaces)), value > 0 {
            return max(minimum, value)
        }
        if isTerminal, let width = terminal(), width > 0 { return max(minimum, width) }
        return fallback
    }

    /// The terminal's width from `ioctl(TIOCGWINSZ)` on stdout, nil when it does not say.
    static func terminalColumns() -> Int? {
        var size = winsize()
        #if os(Linux)
        let status = ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size)
        #else
        let status = ioctl(STDOUT_FILENO, TIOCGWINSZ, &size)
        #endif
        guard status == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
