import Foundation
import QA

/// `report.html`: the page a producer reviews a run on: the final video, then per shot a player, the inputs, the
/// poster and contact sheet, every attempt with its clip, the checks (failures first), timings and cost.
///
/// It works offline from the run folder: inline CSS, no script, no font or file from the network, every path
/// relative to the folder. It fits a phone: nothing is wider than the screen (tables scroll in their own box).
package enum ReportHTML {
    static func render(_ report: RunReport, finalExists: Bool) -> String {
        let title = escape(report.name ?? "seedance run")
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) — seedance report</title>
            <style>\(styles)</style></head><body>
            <header><h1>\(title)</h1>
            <p>\(report.planFile.map { "Plan <code>\(escape($0))</code> · " } ?? "")\(report.createdAt.map { "started \(escape(timestamp($0)))" } ?? "")</p></header>
            <main>
            """
        html += totals(report.totals)
        html += finalSection(report, finalExists: finalExists)
        for shot in report.shotsInEditOrder { html += shotSection(shot) }
        html += "</main></body></html>\n"
        return html
    }

    /// Phone first: one column, media at most as wide as the screen, tables scrolling inside `.scroll`; two
    /// columns from 800 px.
    static let styles = """
        *{box-sizing:border-box}
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f5f6f8;color:#1d2330;overflow-wrap:break-word}
        header{background:#1d2330;color:#fff;padding:16px}
        header h1{margin:0 0 6px;font-size:22px} header p{margin:0;color:#b8c0d0;font-size:14px}
        header code{background:#2c3445;color:#fff}
        main{padding:12px;max-width:1200px}
        img,video{max-width:100%;height:auto}
        .totals{display:flex;gap:8px;flex-wrap:wrap;margin-bottom:16px}
        .stat{background:#fff;border-radius:8px;padding:10px 12px;min-width:100px;flex:1 1 100px;box-shadow:0 1px 2px #0001}
        .stat b{display:block;font-size:20px} .stat span{font-size:12px;color:#5b6475;text-transform:uppercase}
        section{background:#fff;border-radius:10px;padding:14px;margin-bottom:16px;box-shadow:0 1px 3px #0002}
        h2{font-size:18px;margin:0 0 12px} h2 small{font-weight:normal;color:#5b6475;font-size:13px}
        h3{font-size:14px;margin:14px 0 6px;color:#3b4252}
        video{display:block;width:100%;max-width:960px;border-radius:6px;background:#000}
        .shot{display:grid;grid-template-columns:minmax(0,1fr);gap:14px}
        .shot>div{min-width:0}
        figure{margin:0 0 10px} figcaption{font-size:12px;color:#5b6475;margin-top:3px}
        figure img{display:block;width:100%;border-radius:6px;background:#ddd}
        .images{display:grid;grid-template-columns:repeat(auto-fill,minmax(120px,1fr));gap:8px}
        .pair{display:grid;grid-template-columns:1fr 1fr;gap:8px}
        .scroll{overflow-x:auto;max-width:100%}
        table{border-collapse:collapse;width:100%;font-size:13px} td,th{padding:5px 8px;border-bottom:1px solid #e6e8ec;text-align:left;vertical-align:top}
        th{color:#5b6475;font-weight:600} td.n{text-align:right;white-space:nowrap}
        .pass{color:#0a7a32} .warn{color:#a15c00} .fail{color:#c01c28}
        tr.fail td{background:#fdecee} tr.warn td{background:#fff6e5} tr.pass td:first-child{border-left:3px solid #0a7a32}
        tr.fail td:first-child{border-left:3px solid #c01c28} tr.warn td:first-child{border-left:3px solid #a15c00}
        .badge{display:inline-block;padding:2px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff}
        .badge.done,.badge.pass{background:#0a7a32} .badge.failed,.badge.fail{background:#c01c28} .badge.other{background:#5b6475}
        .prompt{font-style:italic;color:#3b4252;margin:0 0 10px} .meta{font-size:13px;color:#5b6475;margin:0 0 10px}
        .attempt{border:1px solid #e6e8ec;border-left-width:4px;border-radius:6px;padding:8px 10px;margin-bottom:8px;font-size:13px}
        .attempt.pass{border-left-color:#0a7a32;color:inherit} .attempt.fail{border-left-color:#c01c28;color:inherit}
        .attempt.warn{border-left-color:#a15c00;color:inherit} .attempt video{max-width:480px;margin-top:6px}
        dl.timings{display:flex;flex-wrap:wrap;gap:4px 14px;margin:4px 0} dl.timings div{display:flex;gap:4px}
        dl.timings dt{color:#5b6475} dl.timings dd{margin:0;font-variant-numeric:tabular-nums}
        code{font-size:12px;background:#eef0f3;padding:1px 4px;border-radius:3px}
        @media (min-width:800px){header{padding:20px 32px} main{padding:24px 32px} section{padding:18px 20px}
        .shot{grid-template-columns:minmax(0,2fr) minmax(0,3fr)}}
        """

    /// The run's figures: shots, tokens (estimated, billed, retries) and, where priced, money.
    static func totals(_ t: RunReport.Totals) -> String {
        var cards: [(String, String)] = [("shots", "\(t.shots)"), ("done", "\(t.done)"), ("failed", "\(t.failed)"),
                                         ("creates", "\(t.creates)"),
                                         ("tokens estimated", grouped(t.estimatedTokens)),
                                         ("tokens billed", grouped(t.tokens))]
        if let retries = t.retryTokens { cards.append(("tokens on retries", grouped(retries))) }
        for money in t.money ?? [] {
            cards.append(("billed", Money.format(money.billed, money.currency)))
        }
        cards.append(("wall time", t.wallSeconds.map(duration) ?? "–"))
        var html = "<div class=\"totals\">"
        for (label, value) in cards {
            html += "<div class=\"stat\"><b>\(escape(value))</b><span>\(escape(label))</span></div>"
        }
        html += "</div>"
        html += costTable(t)
        return html
    }

    /// Tokens and money side by side: estimated (the edit made once), billed, of which in use and on retries.
    static func costTable(_ t: RunReport.Totals) -> String {
        let money = t.money ?? []
        var html = "<section><h2>Cost</h2><div class=\"scroll\"><table><tr><th></th><th>tokens</th>"
        for m in money { html += "<th>\(escape(m.currency ?? "money"))</th>" }
        html += "</tr>"
        let rows: [(String, Int?, (RunReport.MoneyTotals) -> Double)] = [
            ("estimated (each shot made once)", t.estimatedTokens, \.estimated),
            ("billed (every attempt)", t.tokens, \.billed),
            ("of which the clips in use", t.acceptedTokens, \.accepted),
            ("of which retries and regenerations", t.retryTokens, \.retries),
        ]
        for (label, tokens, amount) in rows {
            html += "<tr><td>\(escape(label))</td><td class=\"n\">\(tokens.map(grouped) ?? "–")</td>"
            for m in money { html += "<td class=\"n\">\(escape(Money.format(amount(m), m.currency)))</td>" }
            html += "</tr>"
        }
        html += "</table></div>"
        if money.isEmpty {
            html += "<p class=\"meta\">No price is set, so only tokens are shown: set one per million tokens in the "
                + "plan (<code>prices:</code>), with <code>--price MODEL=PRICE</code>, or in "
                + "<code>~/.config/seedance/prices.yaml</code>.</p>"
        } else if let unpriced = t.unpricedTokens, unpriced > 0 {
            html += "<p class=\"meta\">\(grouped(unpriced)) billed tokens are of models with no price, and not in the money figures.</p>"
        }
        return html + "</section>"
    }

    static func finalSection(_ report: RunReport, finalExists: Bool) -> String {
        var html = "<section><h2>Final video"
        guard let final = report.final else {
            return html + "</h2><p class=\"meta\">No final video: not every shot finished.</p></section>"
        }
        html += " <span class=\"badge \(final.passed ? "pass" : "fail")\">\(final.passed ? "passed" : "failed")</span>"
        html += " <small>\(escape(final.strategy)): \(escape(final.reason))</small></h2>"
        if finalExists {
            let poster = report.shots.first?.poster.map { " poster=\"\(escape($0))\"" } ?? ""
            html += "<video controls preload=\"metadata\"\(poster) src=\"\(escape(final.path))\"></video>"
            html += "<p class=\"meta\"><a href=\"\(escape(final.path))\">\(escape(final.path))</a></p>"
        }
        html += checksTable(final.checks)
        if let ingredients = final.ingredients, !ingredients.isEmpty {
            // Joining cannot carry the providers' signatures: the sequence lists what each clip's manifest said.
            html += "<h3>Ingredients</h3><p class=\"meta\">The joined video carries no Content Credentials of its "
                + "own; its clips' manifests said:</p><table class=\"provenance\"><tr><th>shot</th><th>model</th>"
                + "<th>signer</th><th>intact</th></tr>"
            for item in ingredients {
                let signer = (item.signer ?? (item.hasManifest ? "unreadable" : "no manifest"))
                    + (item.testSigner ? " (test certificate)" : "")
                let intact = item.intact.map { $0 ? "yes" : "NO" } ?? "-"
                html += "<tr><td>\(escape(item.shot))</td><td>\(escape(item.modelName ?? "-"))</td>"
                    + "<td>\(escape(signer))</td><td>\(intact)</td></tr>"
            }
            html += "</table>"
        }
        return html + "</section>"
    }

    /// The checks, failures first, then warnings, then passes (each group in the order QA ran them).
    static func checksTable(_ checks: [QACheck]) -> String {
        let rank: [String: Int] = ["fail": 0, "warn": 1]
        let ordered = checks.enumerated().sorted {
            (rank[$0.element.verdict.rawValue] ?? 2, $0.offset) < (rank[$1.element.verdict.rawValue] ?? 2, $1.offset)
        }.map(\.element)
        var html = "<div class=\"scroll\"><table><tr><th>check</th><th>expected</th><th>actual</th><th>verdict</th></tr>"
        for check in ordered {
            let cls = check.verdict.rawValue
            html += "<tr class=\"\(cls)\"><td>\(escape(check.name))</td><td>\(escape(check.expected))</td>"
            html += "<td>\(escape(check.actual))</td><td class=\"\(cls)\">\(escape(check.verdict.rawValue)): \(escape(check.message))</td></tr>"
        }
        return html + "</table></div>"
    }
}
