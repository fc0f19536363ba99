import Foundation
import QA

/// One shot's section: the player and pictures on one side, the words and figures on the other.
extension ReportHTML {
    static func shotSection(_ shot: RunReport.Shot) -> String {
        let badge = shot.state == "done" ? "done" : (shot.state == "failed" ? "failed" : "other")
        var html = "<section id=\"shot-\(escape(shot.id))\"><h2>\(escape(shot.id)) <span class=\"badge \(badge)\">\(escape(shot.state))</span>"
        html += " <small>\(shot.attempts.count) attempt\(shot.attempts.count == 1 ? "" : "s")"
        html += "\(shot.inEdit ? "" : " · out of the edit, clips kept")</small></h2>"
        html += "<div class=\"shot\"><div>"
        html += player(shot)
        html += pictures(shot)
        html += "</div><div>"
        html += "<p class=\"prompt\">“\(escape(shot.prompt))”</p>"
        html += facts(shot)
        if let error = shot.error { html += "<p class=\"fail\">\(escape(error))</p>" }
        if let o = shot.override { html += override(o) }
        if let facts = shot.provenance { html += provenance(facts) }
        if let qa = shot.qa {
            html += "<h3>Checks</h3>" + checksTable(qa.checks)
        }
        html += attempts(shot)
        html += "</div></div></section>"
        return html
    }

    /// The clip's Content Credentials in a few lines: who made it, who signed, whether it holds, the AIGC label.
    static func provenance(_ facts: ClipProvenance) -> String {
        var rows: [(String, String)] = []
        if facts.hasManifest {
            rows.append(("model", facts.modelName ?? "not named"))
            if let agent = facts.softwareAgent { rows.append(("made by", agent)) }
            var signer = facts.signer ?? "no readable signer"
            if let issuer = facts.issuer { signer += " (issued by \(issuer))" }
            if facts.testSigner { signer += " · a test certificate" }
            rows.append(("signed by", signer))
            if let at = facts.signedAt { rows.append(("signed at", at)) }
            var holds: [String] = []
            if let intact = facts.intact { holds.append(intact ? "intact" : "CHANGED after signing") }
            if let valid = facts.signatureValid { holds.append(valid ? "signature valid" : "signature NOT valid") }
            if let trusted = facts.trusted { holds.append(trusted ? "trusted" : "signer not trusted") }
            if !holds.isEmpty { rows.append(("state", holds.joined(separator: ", "))) }
            rows.append(("status", facts.statusSummary))
        } else {
            rows.append(("manifest", "none"))
        }
        if let aigc = facts.aigc { rows.append(("AIGC label", aigc)) }
        let body = rows.map { "<tr><th>\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }.joined()
        return "<h3>Provenance</h3><table class=\"provenance\">\(body)</table>"
    }

    /// The clip in a player with the poster, or its H.264 preview with a link to the original.
    static func player(_ shot: RunReport.Shot) -> String {
        guard let clip = shot.clip else { return "<p class=\"meta\">No clip yet.</p>" }
        return video(clip: clip, preview: shot.clipPreview, codec: shot.clipCodec, poster: shot.poster)
    }

    /// A `<video>` of `clip` (or of `preview`, when the browser cannot play the clip) and a link to the file.
    static func video(clip: String, preview: String?, codec: String?, poster: String?) -> String {
        let posterAttribute = poster.map { " poster=\"\(link($0))\"" } ?? ""
        var html = ""
        let unplayable = codec.map { ReportMedia.unplayableCodecs.contains($0) } ?? false
        if unplayable && preview == nil {
            // No preview: a player would show nothing; say why and link the file.
            html += "<p class=\"meta warn\">\(escape(codec?.uppercased() ?? "")) clip: browsers cannot play it, and no preview could be made.</p>"
        } else {
            html += "<video controls preload=\"metadata\"\(posterAttribute) src=\"\(link(preview ?? clip))\"></video>"
        }
        html += "<p class=\"meta\">"
        if let preview, preview != clip {
            html += "Playing a \(ReportMedia.previewWidth) px H.264 preview · "
                + "<a href=\"\(link(clip))\">original (\(escape(codec?.uppercased() ?? "")))</a>"
        } else {
            html += "<a href=\"\(link(clip))\">\(escape(clip))</a>"
        }
        return html + "</p>"
    }

    /// The inputs (and for a chained shot, the frame it starts from), the poster and the contact sheet, each a link
    /// to the full-size file.
    static func pictures(_ shot: RunReport.Shot) -> String {
        var inputs: [String] = []
        if let chained = shot.chainedImage {
            inputs.append(figure(chained, caption: "first frame: the last frame of \(shot.chainedFrom ?? "the previous shot")"))
        } else if let from = shot.chainedFrom {
            inputs.append("<p class=\"meta\">Starts from the last frame of \(escape(from)) (not made yet).</p>")
        }
        for input in shot.inputs ?? [] {
            let caption = [input.role ?? input.kind, input.source].joined(separator: ": ")
            if let file = input.file, input.kind == "image" {
                inputs.append(figure(file, caption: caption))
            } else if let url = input.url {
                inputs.append("<p class=\"meta\">\(escape(input.role ?? input.kind)): <a href=\"\(escape(url))\" rel=\"noreferrer\">\(escape(url))</a></p>")
            } else {
                inputs.append("<p class=\"meta\">\(escape(caption))</p>")
            }
        }
        var html = ""
        if !inputs.isEmpty { html += "<h3>Inputs</h3><div class=\"images\">\(inputs.joined())</div>" }
        html += join(shot)
        if let poster = shot.poster { html += "<h3>Poster</h3>" + figure(poster, caption: "poster frame") }
        if let sheet = shot.sheet {
            html += "<h3>Contact sheet</h3>" + figure(sheet, caption: "contact sheet — open full size")
        }
        return html
    }

    /// An image that opens full size.
    /// A chained shot's join: the previous shot's last frame beside this clip's first frame, with the continuity
    /// check's verdict (luma PSNR between the two).
    static func join(_ shot: RunReport.Shot) -> String {
        guard let last = shot.chainedImage, let first = shot.firstFrame else { return "" }
        let from = shot.chainedFrom ?? "the previous shot"
        var html = "<h3>Join with \(escape(from))</h3><div class=\"pair\">"
            + figure(last, caption: "last frame of \(from)") + figure(first, caption: "first frame of \(shot.id)")
            + "</div>"
        if let check = shot.qa?.checks.first(where: { $0.name == QA.continuityCheckName }) {
            let verdict = check.verdict == .fail ? "fail" : "pass"
            html += "<p class=\"meta \(verdict)\">continuity: \(escape(check.verdict.rawValue)), "
                + "\(escape(check.actual)) (needs \(escape(check.expected)))</p>"
        }
        return html
    }

    static func figure(_ path: String, caption: String) -> String {
        "<figure><a href=\"\(link(path))\"><img src=\"\(link(path))\" alt=\"\(escape(caption))\" loading=\"lazy\"></a>"
            + "<figcaption>\(escape(caption))</figcaption></figure>"
    }

    /// Model, task, clip facts, total time and cost, each labelled.
    static func facts(_ shot: RunReport.Shot) -> String {
        var meta: [String] = []
        if let model = shot.model { meta.append("model <code>\(escape(model))</code>") }
        if let task = shot.taskID { meta.append("task <code>\(escape(task))</code>") }
        if let probe = shot.probe, let v = probe.video {
            var clip = "\(v.displayWidth)×\(v.displayHeight) \(escape(v.codec))"
            if let frames = v.frameCount { clip += ", \(frames) frames" }
            clip += probe.audio == nil ? ", no audio" : ", audio"
            meta.append(clip)
        }
        if let seconds = shot.seconds { meta.append("first create to done: \(duration(seconds))") }
        var html = "<p class=\"meta\">\(meta.joined(separator: " · "))</p>"
        var cost: [String] = []
        if let estimate = shot.estimatedTokens {
            cost.append("estimated \(grouped(estimate)) tokens per attempt"
                + (shot.cost?.estimated).map { " (\(escape(Money.format($0, shot.cost?.currency))))" }.orEmpty)
        }
        if let tokens = shot.tokens {
            cost.append("billed \(grouped(tokens)) tokens"
                + (shot.cost?.billed).map { " (\(escape(Money.format($0, shot.cost?.currency))))" }.orEmpty)
        }
        if let c = shot.cost, c.retries > 0 { cost.append("of which retries \(escape(Money.format(c.retries, c.currency)))") }
        if let price = shot.price { cost.append("at \(escape(price.description)) per million tokens") }
        if !cost.isEmpty { html += "<p class=\"meta\">Cost: \(cost.joined(separator: " · "))</p>" }
        return html
    }

    static func override(_ o: RunReport.Override) -> String {
        var parts: [String] = []
        if let prompt = o.prompt { parts.append("prompt “\(escape(prompt))”") }
        if let seed = o.seed { parts.append("seed \(seed)") }
        if o.take > 0 { parts.append("take \(o.take + 1)") }
        if o.dropped { parts.append("dropped from the edit") }
        if let approved = o.approved { parts.append(approved ? "approved" : "rejected") }
        return "<p class=\"meta\">Changed after the plan: \(parts.joined(separator: ", "))\(o.reason.map { " (\(escape($0)))" } ?? "")</p>"
    }

    /// Every attempt, newest last, with its outcome, timings, tokens and clip (a player for the ones not in use).
    static func attempts(_ shot: RunReport.Shot) -> String {
        guard !shot.attempts.isEmpty else { return "" }
        var html = "<h3>Attempts</h3>"
        for a in shot.attempts {
            let inUse = ReportWriter.isInUse(a, of: shot)
            let cls = a.state == "succeeded" ? "pass" : (["failed", "rejected", "refused", "undelivered"].contains(a.state) ? "fail" : "warn")
            html += "<div class=\"attempt \(cls)\"><b>#\(a.number)</b> \(escape(a.state))"
            if inUse { html += " · in use" }
            html += " · why: \(escape(a.reason))"
            if let error = a.error { html += "<br><span class=\"fail\">\(escape(error))</span>" }
            html += timings(a.timings)
            var figures: [String] = []
            if let task = a.taskID { figures.append("task <code>\(escape(task))</code>") }
            figures.append("seed \(a.seed)")
            if let tokens = a.tokens {
                figures.append("\(grouped(tokens)) tokens" + a.cost.map { " (\(escape(Money.format($0, shot.price?.currency))))" }.orEmpty)
            }
            html += "<div class=\"meta\">\(figures.joined(separator: " · "))</div>"
            if let clip = a.clip {
                if inUse {
                    html += "<div class=\"meta\">clip: <a href=\"\(link(clip))\">\(escape(clip))</a> (the player above)</div>"
                } else {
                    html += video(clip: clip, preview: a.preview, codec: a.codec, poster: nil)
                }
            }
            html += "</div>"
        }
        return html
    }

    /// The phases, each named: queued, generating, downloading, checking, and the total.
    static func timings(_ t: RunReport.Timings?) -> String {
        guard let t else { return "" }
        let phases: [(String, Double?)] = [("queued", t.queued), ("generating", t.generating),
                                           ("downloading", t.downloading), ("checking", t.checking), ("total", t.total)]
        var html = "<dl class=\"timings\">"
        for (name, seconds) in phases {
            html += "<div><dt>\(name)</dt><dd>\(seconds.map(duration) ?? "–")</dd></div>"
        }
        return html + "</dl>"
    }
}

extension Optional where Wrapped == String {
    /// The string, or nothing.
    var orEmpty: String { self ?? "" }
}
