import Foundation

/// Draws a `RunStatus` as the few lines of the live block: shots done and failed, shots in progress by stage,
/// elapsed time and what remains, tokens, and the shots out now. A pure function: the same status, time and width
/// give the same lines, none wider than `width - 1` columns (a line filling the last column makes some terminals
/// wrap, which would break redrawing in place).
enum RunStatusBlock {
    /// At most this many shots out are listed one per line; the rest are counted.
    static let shotLines = 6

    /// The block's lines at `now` for a terminal `width` columns wide and `height` rows high (the block never takes
    /// more than half the rows, so redrawing in place always finds its first line on the screen).
    static func lines(_ status: RunStatus, now: Double, width: Int = 80, height: Int = 24) -> [String] {
        let counts = status.counts
        let done = counts[.done] ?? 0, failed = counts[.failed] ?? 0
        var lines = ["shots    \(done) of \(status.shots.count) done" + (failed > 0 ? " · \(failed) failed" : "")]
        let working = [RunStatus.Stage.toSend, .sending, .atService, .downloading, .checking]
            .compactMap { stage in counts[stage].map { "\($0) \(stage.rawValue)" } }
        if !working.isEmpty { lines.append("working  " + working.joined(separator: " · ")) }

        var time = "elapsed  \(clock(status.elapsed(at: now)))"
        if status.finishedAt != nil {
            time += " · finished"
        } else if !status.shots.isEmpty, status.shots.allSatisfy({ $0.state.isFinal }) {
            // Every shot settled: the join and the report are left.
            time += " · finishing"
        } else if let left = status.remaining(at: now) {
            time += left < 1 ? " · almost done" : " · about \(clock(left)) left"
        } else if status.startedAt != nil {
            time += " · estimating…"
        }
        lines.append(time)

        var tokens = "tokens   \(grouped(status.billed)) billed"
        if status.finishedAt == nil, status.estimatedTotal > status.billed {
            tokens += " · about \(grouped(status.estimatedTotal)) in all"
        }
        lines.append(tokens)

        if status.finishedAt == nil {
            let out = status.shots.filter { $0.state.isActive }
            let room = max(0, min(shotLines, height / 2 - lines.count))
            // When they do not all fit, the last line left counts the rest.
            let shown = out.count <= room ? out.count : max(0, room - 1)
            let idWidth = min(24, out.map(\.id.count).max() ?? 0)
            for shot in out.prefix(shown) {
                let age = shot.since.map { clock(max(0, now - $0)) } ?? ""
                lines.append("  " + pad(shot.id, idWidth) + "  " + pad(RunStatus.stage(of: shot).rawValue, 14) + "  " + age)
            }
            if out.count > shown, room > 0 { lines.append("  … and \(out.count - shown) more out") }
        }
        return lines.map { fit($0, width) }
    }

    /// `0:42`, `12:05`, `1:02:03`.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.down))
        let h = total / 3600, m = total / 60 % 60, s = total % 60
        let ss = s < 10 ? "0\(s)" : "\(s)"
        if h > 0 { return "\(h):\(m < 10 ? "0" : "")\(m):\(ss)" }
        return "\(m):\(ss)"
    }

    /// `326,700`.
    static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// Pads (or cuts) `text` to `width` characters.
    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? String(text.prefix(width)) : text + String(repeating: " ", count: width - text.count)
    }

    /// Cuts `line` to fit `width - 1` columns, marking the cut with `…`.
    static func fit(_ line: String, _ width: Int) -> String {
        let room = max(1, width - 1)
        guard line.count > room else { return line }
        return String(line.prefix(room - 1)) + "…"
    }
}
