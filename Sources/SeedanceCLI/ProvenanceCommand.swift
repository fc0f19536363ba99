import ArgumentParser
import Foundation
import Provenance

/// `seedance provenance FILE... [--json] [--trust PEM]... [--require-trusted]`.
struct ProvenanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provenance",
        abstract: "Read and verify the C2PA Content Credentials of MP4/MOV files.",
        usage: "seedance provenance <file> ... [--trust <pem> ...] [<options>]",
        discussion: """
            Shows who made each file (claim generator, software agent, model name, digital source type), who signed \
            it (subject, issuer, algorithm, time stamp), and whether it holds: the file still matches its hard \
            binding (intact), the claim signature verifies, and the signer chains to a trusted root. Seedance 2.0 \
            deliveries carry a manifest signed by Volcengine or BytePlus; earlier ones have none, which is a note, \
            not an error.

            Trust comes only from the roots given with --trust (PEM, repeatable: the C2PA trust list, a vendor's \
            root). Without them every signer is reported as untrusted, which is a warning: the file can still be \
            intact and validly signed. --require-trusted makes an untrusted signer a failure.

            Exit status: 0 every file verified (or has no manifest); 1 a check failed (the file was changed after \
            signing, a signature or reference does not verify; with --require-trusted, an untrusted signer); 2 bad \
            input (an unreadable file or trust list, a broken manifest store).

            Examples:
              seedance provenance clip.mp4
              seedance provenance signed.mp4 --trust roots.pem --require-trusted
              seedance provenance clips/*.mp4 --json \\
                | jq '.[] | {file, state, model_name, signer_trusted}'
            """
    )

    @Argument(help: "Media files to read (MP4 or MOV).")
    var files: [String]

    @Flag(help: "Print JSON (an object for one file, an array for several) instead of the readable report.")
    var json = false

    @Option(name: .customLong("trust"),
            help: ArgumentHelp("Trusted roots (PEM, one or more certificates); repeatable.", valueName: "pem"))
    var trustFiles: [String] = []

    @Flag(inversion: .prefixedNo, help: "Whether an untrusted signer fails the file (exit 1); default: a warning.")
    var requireTrusted = false

    func run() async throws {
        let trust = try Self.trustPolicy(trustFiles, command: "provenance")
        var results: [Result<ProvenanceReport, ProvenanceError>] = []
        for file in files {
            do {
                results.append(.success(try await ContentCredentials.verify(path: file, trust: trust)))
            } catch {
                results.append(.failure(error))
            }
        }
        if json {
            StandardOutput.write(try JSONOutput.perFile(files, results) + "\n")
        } else {
            let reports = results.compactMap { try? $0.get() }
            StandardOutput.write(ProvenanceText.render(reports, requireTrusted: requireTrusted, style: .standardOutput()))
        }
        var unreadable = 0
        for (file, result) in zip(files, results) {
            guard case .failure(let error) = result else { continue }
            unreadable += 1
            let message = error.description.hasPrefix(file) ? error.description : "\(file): \(error.description)"
            StandardError.write("seedance: provenance: \(message)\n")
        }
        if unreadable > 0 {
            throw CommandFailure(.badInput, unreadable == 1 ? "" : "\(unreadable) of \(counted(files.count, "file")) could not be read")
        }
        let failed = results.compactMap { try? $0.get() }.filter { !ProvenanceText.passes($0, requireTrusted: requireTrusted) }
        if !failed.isEmpty {
            throw CommandFailure(.failedChecks, json || files.count == 1 ? ""
                                 : "\(failed.count) of \(counted(files.count, "file")) failed their checks")
        }
    }
}

extension ProvenanceCommand {
    /// The trust anchors of the `--trust` PEM files (shared by `provenance` and `verify`); a file that cannot be
    /// read or is not PEM is bad input, certificates that cannot be used get one warning line on stderr.
    static func trustPolicy(_ trustFiles: [String], command: String) throws -> TrustPolicy {
        var trust = TrustPolicy()
        for path in trustFiles {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw CommandFailure(.badInput, "\(command): --trust \(path): cannot read it")
            }
            let (anchorsBefore, skippedBefore) = (trust.anchors.count, trust.skippedAnchors.count)
            do {
                try trust.addAnchors(pem: text)
            } catch {
                throw CommandFailure(.badInput, "\(command): --trust \(path): \(error.description)")
            }
            let skipped = trust.skippedAnchors[skippedBefore...]
            if !skipped.isEmpty {
                let total = trust.anchors.count - anchorsBefore + skipped.count
                let reasons = Set(skipped.map { $0.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? $0 })
                StandardError.write("seedance: \(command): --trust \(path): \(skipped.count) of \(counted(total, "certificate")) "
                                    + "not used (\(reasons.sorted().joined(separator: "; ")))\n")
            }
        }
        return trust
    }
}

/// The readable report of `seedance provenance`: per file a verdict line, then a field a line, values wrapped to the
/// width.
enum ProvenanceText {
    /// Whether a report passes: no failed check, and with `requireTrusted` a trusted signer.
    static func passes(_ report: ProvenanceReport, requireTrusted: Bool) -> Bool {
        switch report.state {
        case .noManifest, .trusted: return true
        case .invalid: return false
        case .valid: return !requireTrusted || report.signerTrusted == true
        }
    }

    /// Words for the IPTC digital source types a video can have.
    static func sourceTypeWords(_ name: String) -> String? {
        [
            "trainedAlgorithmicMedia": "AI-generated",
            "compositeWithTrainedAlgorithmicMedia": "AI-composited",
            "algorithmicMedia": "made by an algorithm",
            "digitalCapture": "camera capture",
            "screenCapture": "screen capture",
            "composite": "composite",
            "compositeCapture": "composite of captures",
            "minorHumanEdits": "captured, lightly edited",
            "humanEdits": "edited by people",
        ][name]
    }

    static func render(_ reports: [ProvenanceReport], requireTrusted: Bool, width: Int = TerminalWidth.columns,
                       style: TextStyle = .plain) -> String {
        reports.map { render($0, requireTrusted: requireTrusted, width: width, style: style) }.joined(separator: "\n")
    }

    static func render(_ report: ProvenanceReport, requireTrusted: Bool, width: Int = TerminalWidth.columns,
                       style: TextStyle = .plain) -> String {
        var keyword = "verified", rest = ""
        var paint: @Sendable (String) -> String = { $0 }
        switch report.state {
        case .noManifest:
            keyword = "no Content Credentials"
            rest = " (no C2PA manifest)"
        case .trusted:
            rest = ", signed by a trusted signer"
            paint = style.green
        case .valid where report.signerTrusted == true:
            rest = ", but an ingredient's signer is not trusted"
            paint = style.yellow
        case .valid where requireTrusted:
            keyword = "FAIL"
            rest = ": the signer is not trusted"
            paint = style.red
        case .valid:
            rest = ", but the signer is not trusted"
            paint = style.yellow
        case .invalid:
            let first = report.validationStatus.first { $0.code != StatusCode.signingCredentialUntrusted }
            keyword = "FAIL"
            rest = ": " + (first?.explanation ?? "a check failed")
            paint = style.red
        }
        var lines = TextTableWrap.lines("\(report.file): \(keyword)\(rest)", width: width)
        if let range = lines[0].range(of: "\(report.file): \(keyword)") {
            // Colour only the verdict word (after wrapping, so escape codes never count as width).
            lines[0].replaceSubrange(range, with: "\(report.file): \(paint(keyword))")
        }
        guard let manifest = report.activeManifest else { return lines.joined(separator: "\n") + "\n" }
        let summary = report.summary
        var fields: [(String, String)] = []
        if let agent = summary.softwareAgent { fields.append(("made by", agent)) }
        if let model = summary.modelName { fields.append(("model", model)) }
        if let type = summary.digitalSourceTypeName {
            fields.append(("source", sourceTypeWords(type).map { "\(type) (\($0))" } ?? type))
        }
        if let action = summary.action {
            fields.append(("action", action + (summary.when.map { " at \($0)" } ?? "")))
        }
        if let generator = summary.claimGenerator { fields.append(("generator", generator)) }
        let signer = report.active?.signer
        if let certificate = signer?.certificate {
            fields.append(("signed by", certificate.subject))
            fields.append(("issuer", certificate.issuer))
        }
        if let algorithm = signer?.algorithm { fields.append(("algorithm", algorithm)) }
        if let time = signer?.timeStamp {
            let authority = signer?.timeStampAuthority.map { " by \($0.commonName ?? $0.subject)" } ?? ""
            fields.append(("signed at", ISO8601DateFormatter().string(from: time) + " (time stamp\(authority)"
                           + (signer?.timeStampTrusted == true ? ")" : ", not trusted)")))
        } else if signer != nil {
            fields.append(("signed at", "unknown (no time stamp)"))
        }
        let binding = report.hardBinding
        switch report.isIntact {
        case true?: fields.append(("intact", "yes: \(binding?.label ?? "the hard binding") matches the file"))
        case false?:
            fields.append(("intact", binding?.result == .missing ? "unknown: the manifest has no hard binding"
                           : "NO: the file does not match \(binding?.label ?? "its hard binding")"))
        case nil: fields.append(("intact", "not checked (\(binding?.label ?? "hard binding") is not supported)"))
        }
        fields.append(("signature", report.signatureValid == true ? "valid" : "NOT valid"))
        if report.signerTrusted == true {
            fields.append(("trusted", "yes"))
        } else {
            fields.append(("trusted", "no: the signer does not chain to a root given with --trust"))
        }
        for ingredient in manifest.ingredients {
            let name = [ingredient.title, ingredient.relationship.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
            fields.append(("ingredient", name.isEmpty ? ingredient.assertionLabel : name))
        }
        if let count = report.store?.manifests.count, count > 1 { fields.append(("manifests", "\(count) in the store")) }
        let labelWidth = "ingredient".count
        let indent = 2 + labelWidth + 2
        for (label, value) in fields {
            for (index, piece) in TextTableWrap.lines(value, width: max(20, width - indent)).enumerated() {
                let head = index == 0 ? label : ""
                lines.append("  " + head.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + "  " + piece)
            }
        }
        for status in report.validationStatus {
            let mark = status.code == StatusCode.signingCredentialUntrusted ? style.yellow("warn") : style.red("FAIL")
            let place = status.url.replacingOccurrences(of: "self#jumbf=/c2pa/", with: "")
            let text = TextTableWrap.lines("\(status.code): \(status.explanation)", width: max(20, width - 8))
                + TextTableWrap.lines("in \(place)", width: max(20, width - 8))
            lines += text.enumerated().map { index, piece in (index == 0 ? "  \(mark)  " : "        ") + piece }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Wrapping of free text to a width: at spaces, else mid-word (as table cells wrap).
enum TextTableWrap {
    static func lines(_ text: String, width: Int) -> [String] {
        TextTable.wrap(text, to: max(1, width))
    }
}
