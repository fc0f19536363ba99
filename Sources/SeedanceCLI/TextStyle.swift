import Foundation

/// Colours for text meant for a person: ANSI colour codes on a terminal, nothing otherwise (pipes, files, `NO_COLOR`
/// set to anything, `TERM=dumb`), so saved and piped output stays plain text.
struct TextStyle: Sendable, Equatable {
    /// Whether colour codes are written.
    var colour: Bool

    /// Plain text.
    static let plain = TextStyle(colour: false)

    /// The style for stdout: colour only on a terminal that can show it, and only when `NO_COLOR` is not set
    /// (https://no-color.org: set and not empty).
    static func standardOutput(isTerminal: Bool = isatty(1) == 1,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> TextStyle {
        let noColour = !(environment["NO_COLOR"] ?? "").isEmpty
        let term = environment["TERM"] ?? ""
        return TextStyle(colour: isTerminal && !noColour && !term.isEmpty && term != "dumb")
    }

    /// A failure.
    func red(_ text: String) -> String { paint(text, "31") }
    /// A warning.
    func yellow(_ text: String) -> String { paint(text, "33") }
    /// A pass.
    func green(_ text: String) -> String { paint(text, "32") }

    private func paint(_ text: String, _ code: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
