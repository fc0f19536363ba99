import Foundation
import Pipeline

/// Shows run progress: on a terminal one line per shot redrawn in place with totals; otherwise plain lines; with
/// `--json` one JSON object per event on stdout.
final class ProgressPrinter: @unchecked Sendable {
    // Guarded by `lock`: events arrive from the runner's actor, printing happens here.
    private let lock = NSLock()
    private var states: [(id: String, state: String, detail: String)] = []
    private var drawnLines = 0
    private let json: Bool
    private let terminal: Bool

    init(json: Bool) {
        self.json = json
        self.terminal = !json && isatty(2) == 1
    }

    var observer: RunObserver { { [self] event in self.handle(event) } }

    private func handle(_ event: RunEvent) {
        lock.withLock {
            if json { return printJSON(event) }
            switch event {
            case .started(let shots):
                // The table starts with every shot of the edit, so its totals count the whole plan on a re-run.
                states = shots.map { ($0.id, $0.state.rawValue, "") }
                if terminal { redraw() }
            case let .shot(id, state, detail):
                if let i = states.firstIndex(where: { $0.id == id }) {
                    states[i] = (id, state.rawValue, detail ?? "")
                } else {
                    states.append((id, state.rawValue, detail ?? ""))
                }
                if terminal { redraw() } else { StandardError.write("\(id): \(state.rawValue)\(detail.map { " (\($0))" } ?? "")\n") }
            case .note(let text):
                if terminal { clear() }
                StandardError.write("\(text)\n")
                if terminal { redraw(force: true) }
            case .finished:
                break
            }
        }
    }

    private func clear() {
        guard drawnLines > 0 else { return }
        StandardError.write("\u{1B}[\(drawnLines)A\u{1B}[J")
        drawnLines = 0
    }

    private func redraw(force: Bool = false) {
        clear()
        let width = states.map(\.id.count).max() ?? 4
        var text = ""
        for s in states {
            text += s.id.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                + s.state.padding(toLength: 11, withPad: " ", startingAt: 0) + String(s.detail.prefix(90)) + "\n"
        }
        let done = states.filter { $0.state == "done" }.count, failed = states.filter { $0.state == "failed" }.count
        text += "\(done) done, \(failed) failed, \(states.count - done - failed) in progress\n"
        StandardError.write(text)
        drawnLines = states.count + 1
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
