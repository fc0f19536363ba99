import Foundation
import Pipeline

/// The list of a store's runs (`seedance review --store URL` without `--run`): one row a run with its id, folder,
/// shots done and failed, tokens against its budget and state, linking to the run's page. Made on the server, no
/// script: every value is escaped. The store is named without its password (`PostgresURL.redacted`).
enum ReviewRunsPage {
    /// A run as the list (`GET /api/runs`) gives it.
    struct Entry: Encodable {
        var id: String
        var folder: String
        var state: String
        var shots: Int
        var done: Int
        var failed: Int
        var active: Int
        var tokens: Int
        var budgetTokens: Int?
        /// The run's page, when this server can serve it (nil for an id that is not one path segment as it is).
        var page: String?

        init(run: StoredRun) {
            id = run.id
            folder = run.folder
            state = run.state
            shots = run.shots
            done = run.done
            failed = run.failed
            active = run.active
            tokens = run.tokens
            budgetTokens = run.budgetTokens
            page = ReviewSites.isServable(run.id) ? ReviewSites.prefix(of: run.id) + "/" : nil
        }

        enum CodingKeys: String, CodingKey {
            case id, folder, state, shots, done, failed, active, tokens, page
            case budgetTokens = "budget_tokens"
        }
    }

    /// The page listing `runs` of the store `store` (already redacted).
    static func html(runs: [StoredRun], store: String) -> String {
        let rows = runs.map(Entry.init).map { entry -> String in
            let id = ReviewPage.escape(entry.id)
            let link = entry.page.map { "<a href=\"\(ReviewPage.escape($0))\">\(id)</a>" } ?? id
            let budget = entry.budgetTokens.map { " of \($0)" } ?? ""
            return "<tr><td>\(link)</td><td>\(ReviewPage.escape(entry.state))</td>"
                + "<td>\(entry.done)/\(entry.shots) done, \(entry.failed) failed\(entry.active > 0 ? ", \(entry.active) being made" : "")</td>"
                + "<td>\(entry.tokens)\(budget)</td><td class=\"folder\">\(ReviewPage.escape(entry.folder))</td></tr>"
        }
        let table = runs.isEmpty
            ? "<p>No runs yet: start one with <code>seedance run PLAN --store URL --root DIR</code>.</p>"
            : "<table class=\"runs\"><thead><tr><th>Run</th><th>State</th><th>Shots</th><th>Tokens</th><th>Folder</th></tr></thead>"
                + "<tbody>\(rows.joined())</tbody></table>"
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>seedance review: runs</title>
            <link rel="stylesheet" href="/review.css"></head>
            <body>
            <header><h1>seedance review</h1><p>Runs of \(ReviewPage.escape(store)), newest first. Open one to review it.</p></header>
            <main><section class="panel">\(table)</section></main>
            </body></html>

            """
    }

    /// What the list says when the store cannot be read.
    static func unavailable(_ reason: String) -> String {
        """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>seedance review</title></head>
        <body><p>The store cannot be read now: \(ReviewPage.escape(reason))</p></body></html>

        """
    }
}
