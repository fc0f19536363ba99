import Foundation
import QA

/// `report.html`: one page a person reads: the final video, each shot's poster and contact sheet, the checks in
/// green and red, and the totals. Self-contained (inline CSS), paths relative to the run folder.
enum ReportHTML {
    static func render(_ report: RunReport, finalExists: Bool) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(report.name ?? "seedance run")) — seedance report</title>
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
            header{background:#1d2330;color:#fff;padding:20px 32px}
            header h1{margin:0 0 6px;font-size:22px} header p{margin:0;color:#b8c0d0;font-size:14px}
            main{padding:24px 32px;max-width:1200px}
            .totals{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:24px}
            .stat{background:#fff;border-radius:8px;padding:12px 16px;min-width:110px;box-shadow:0 1px 2px #0001}
            .stat b{display:block;font-size:22px} .stat span{font-size:12px;color:#5b6475;text-transform:uppercase}
            section{background:#fff;border-radius:10px;padding:18px 20px;margin-bottom:20px;box-shadow:0 1px 3px #0002}
            h2{font-size:18px;margin:0 0 12px} h2 small{font-weight:normal;color:#5b6475;font-size:13px}
            video{width:100%;max-width:960px;border-radius:6px;background:#000}
            .shot{display:grid;grid-template-columns:320px 1fr;gap:18px}
            .shot img{width:100%;border-radius:6px;display:block;margin-bottom:8px;background:#ddd}
            table{border-collapse:collapse;width:100%;font-size:13px} td,th{padding:5px 8px;border-bottom:1px solid #e6e8ec;text-align:left;vertical-align:top}
            th{color:#5b6475;font-weight:600}
            .pass{color:#0a7a32} .warn{color:#a15c00} .fail{color:#c01c28}
            tr.fail td{background:#fdecee} tr.warn td{background:#fff6e5} tr.pass td:first-child{border-left:3px solid #0a7a32}
            tr.fail td:first-child{border-left:3px solid #c01c28} tr.warn td:first-child{border-left:3px solid #a15c00}
            .badge{display:inline-block;padding:2px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff}
            .badge.done,.badge.pass{background:#0a7a32} .badge.failed,.badge.fail{background:#c01c28} .badge.other{background:#5b6475}
            .prompt{font-style:italic;color:#3b4252;margin:0 0 10px} .meta{font-size:13px;color:#5b6475;margin:0 0 10px}
            code{font-size:12px;background:#eef0f3;padding:1px 4px;border-radius:3px}
            @media (max-width:800px){.shot{grid-template-columns:1fr}}
            </style></head><body>
            <header><h1>\(escape(report.name ?? "seedance run"))</h1>
            <p>\(report.planFile.map { "Plan <code>\(escape($0))</code> · " } ?? "")\(report.createdAt.map { "started \(escape(timestamp($0)))" } ?? "")</p></header>
            <main>
            """
        let t = report.totals
        html += "<div class=\"totals\">"
        for (label, value) in [("shots", "\(t.shots)"), ("done", "\(t.done)"), ("failed", "\(t.failed)"),
                               ("creates", "\(t.creates)"), ("tokens billed", grouped(t.tokens)),
                               ("tokens estimated", grouped(t.estimatedTokens)),
                               ("wall time", t.wallSeconds.map { String(format: "%.1f s", $0) } ?? "–")] {
            html += "<div class=\"stat\"><b>\(escape(value))</b><span>\(escape(label))</span></div>"
        }
        html += "</div>"

        html += "<section><h2>Final video"
        if let final = report.final {
            html += " <span class=\"badge \(final.passed ? "pass" : "fail")\">\(final.passed ? "passed" : "failed")</span>"
            html += " <small>\(escape(final.strategy)): \(escape(final.reason))</small></h2>"
            if finalExists {
                let poster = report.shots.first?.poster.map { " poster=\"\(escape($0))\"" } ?? ""
                html += "<video controls preload=\"metadata\"\(poster) src=\"\(escape(final.path))\"></video>"
            }
            html += checksTable(final.checks)
        } else {
            html += "</h2><p class=\"meta\">No final video: not every shot finished.</p>"
        }
        html += "</section>"

        for shot in report.shots {
            let badge = shot.state == "done" ? "done" : (shot.state == "failed" ? "failed" : "other")
            html += "<section><h2>\(escape(shot.id)) <span class=\"badge \(badge)\">\(escape(shot.state))</span>"
            html += " <small>\(shot.attempts.count) attempt\(shot.attempts.count == 1 ? "" : "s")"
            html += "\(shot.inEdit ? "" : " · out of the edit, clips kept")</small></h2>"
            html += "<div class=\"shot\"><div>"
            if let poster = shot.poster { html += "<img src=\"\(escape(poster))\" alt=\"poster of \(escape(shot.id))\">" }
            if let sheet = shot.sheet { html += "<img src=\"\(escape(sheet))\" alt=\"contact sheet of \(escape(shot.id))\">" }
            if let clip = shot.clip { html += "<a href=\"\(escape(clip))\">\(escape(clip))</a>" }
            html += "</div><div>"
            html += "<p class=\"prompt\">“\(escape(shot.prompt))”</p>"
            var meta: [String] = []
            if let task = shot.taskID { meta.append("task <code>\(escape(task))</code>") }
            if let tokens = shot.tokens { meta.append("\(grouped(tokens)) tokens billed") }
            if let estimate = shot.estimatedTokens { meta.append("\(grouped(estimate)) estimated per attempt") }
            if let seconds = shot.seconds { meta.append(String(format: "%.1f s", seconds)) }
            if let probe = shot.probe, let v = probe.video {
                meta.append("\(v.displayWidth)x\(v.displayHeight), \(v.frameCount.map { "\($0) frames" } ?? ""), \(probe.audio == nil ? "no audio" : "audio")")
            }
            html += "<p class=\"meta\">\(meta.joined(separator: " · "))</p>"
            if let error = shot.error { html += "<p class=\"fail\">\(escape(error))</p>" }
            if let qa = shot.qa { html += checksTable(qa.checks) }
            if let o = shot.override {
                var parts: [String] = []
                if let prompt = o.prompt { parts.append("prompt “\(escape(prompt))”") }
                if let seed = o.seed { parts.append("seed \(seed)") }
                if o.take > 0 { parts.append("take \(o.take + 1)") }
                if o.dropped { parts.append("dropped from the edit") }
                if let approved = o.approved { parts.append(approved ? "approved" : "rejected") }
                html += "<p class=\"meta\">Changed after the plan: \(parts.joined(separator: ", "))\(o.reason.map { " (\(escape($0)))" } ?? "")</p>"
            }
            if shot.attempts.count > 1 || shot.attempts.contains(where: { $0.state != "succeeded" }) {
                html += "<table><tr><th>attempt</th><th>why</th><th>outcome</th><th>task</th><th>tokens</th></tr>"
                for a in shot.attempts {
                    let cls = a.state == "succeeded" ? "pass" : (["failed", "rejected", "refused"].contains(a.state) ? "fail" : "warn")
                    html += "<tr class=\"\(cls)\"><td>\(a.number)</td><td>\(escape(a.reason))</td><td>\(escape(a.state))"
                    html += "\(a.error.map { ": " + escape($0) } ?? "")"
                    html += "\(a.clip.map { " <a href=\"\(escape($0))\">clip</a>" } ?? "")</td>"
                    html += "<td>\(escape(a.taskID ?? "–"))</td><td>\(a.tokens.map(grouped) ?? "–")</td></tr>"
                }
                html += "</table>"
            }
            html += "</div></div></section>"
        }
        html += "</main></body></html>\n"
        return html
    }

    static func checksTable(_ checks: [QACheck]) -> String {
        var html = "<table><tr><th>check</th><th>expected</th><th>actual</th><th>verdict</th></tr>"
        for check in checks {
            let cls = check.verdict.rawValue
            html += "<tr class=\"\(cls)\"><td>\(escape(check.name))</td><td>\(escape(check.expected))</td>"
            html += "<td>\(escape(check.actual))</td><td class=\"\(cls)\">\(escape(check.verdict.rawValue)): \(escape(check.message))</td></tr>"
        }
        return html + "</table>"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static func grouped(_ n: Int) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.groupingSeparator = ","
        return formatter.string(from: NSNumber(value: n)) ?? "\(n)"
    }

    static func timestamp(_ t: Double) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date(timeIntervalSince1970: t))
    }
}
