import Foundation
import Pipeline

/// How run progress is shown.
enum ProgressMode: Equatable {
    /// One JSON object per event on stdout (`--json`).
    case json
    /// One line per shot state change and per note on stderr: logs, pipes, `--plain`.
    case plain
    /// The live status block redrawn in place (`LiveStatusDisplay`).
    case live

    /// Live only for a person at a terminal: stdout and stderr both terminals (`| tee log` or `2> log` gets plain
    /// lines) and a `TERM` that can move the cursor.
    static func choose(json: Bool, plain: Bool, stdoutIsTerminal: Bool = isatty(1) == 1,
                       stderrIsTerminal: Bool = isatty(2) == 1,
                       environment: [String: String] = ProcessInfo.processInfo.environment) -> ProgressMode {
        if json { return .json }
        let term = environment["TERM"] ?? ""
        if plain || !stdoutIsTerminal || !stderrIsTerminal || term.isEmpty || term == "dumb" { return .plain }
        return .live
    }
}

/// Shows run progress: on a terminal the live status block; otherwise plain lines on stderr; with `--json` one
/// JSON object per event on stdout.
final class ProgressPrinter: @unchecked Sendable {
    // Guarded by `lock`: events arrive from the runner's actor.
    private let lock = NSLock()
    private let mode: ProgressMode
    private let live: LiveStatusDisplay?

    init(json: Bool, plain: Bool = false) {
        mode = ProgressMode.choose(json: json, plain: plain)
        live = mode == .live ? LiveStatusDisplay() : nil
    }

    var observer: RunObserver { { [self] event in self.handle(event) } }

    private func handle(_ event: RunEvent) {
        if let live { return live.handle(event) }
        lock.withLock {
            if mode == .json { return printJSON(event) }
            switch event {
            case let .shot(id, state, detail):
                // A downloaded clip whose checks begin is still `downloading` in the store; a person reads "checking".
                if state == .downloading, detail == "checking" {
                    StandardError.write("\(id): checking\n")
                } else {
                    StandardError.write("\(id): \(state.rawValue)\(detail.map { " (\($0))" } ?? "")\n")
                }
            case .note(let text):
                StandardError.write("\(text)\n")
            case .started, .tokens, .finished:
                break
            }
        }
    }

    private func printJSON(_ event: RunEvent) {
        var object: [String: Any] = ["time": Date().timeIntervalSince1970]
        switch event {
        case .started(let shots):
            object["event"] = "started"
            object["shots"] = shots.map { ["shot": $0.id, "state": $0.state.rawValue] }
        case let .shot(id, state, detail):
            object["event"] = "shot"
            object["shot"] = id
            object["state"] = state.rawValue
            if let detail { object["detail"] = detail }
        case .note(let text):
            object["event"] = "note"
            object["text"] = text
        case .tokens:
            // Not part of the JSON events (their set is a contract); `finished` carries the tokens billed.
            return
        case let .finished(done, failed, creates, tokens):
            object["event"] = "finished"
            object["done"] = done
            object["failed"] = failed
            object["creates"] = creates
            object["tokens"] = tokens
        }
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
            StandardOutput.write(String(decoding: data, as: UTF8.self) + "\n")
        }
    }
}
