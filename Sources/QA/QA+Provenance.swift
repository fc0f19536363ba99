import Foundation
import Provenance

extension QA {
    /// The name of the check of a clip's Content Credentials against the model asked for.
    public static let provenanceCheckName = "provenance"

    /// The model family a name or id belongs to, without its regional prefix: `doubao-seedance-2-0-260128`,
    /// `dreamina-seedance-2-0-260128` and a manifest's `doubao-seedance-2-0` are all `seedance-2-0`. Doubao and
    /// Dreamina are the regional names of one family, so a manifest of either region matches a request of the other.
    public static func regionlessFamily(_ model: String) -> String {
        let family = ManifestModelFamily.family(ofModel: model)
        for prefix in ["doubao-", "dreamina-"] where family.hasPrefix(prefix) {
            return String(family.dropFirst(prefix.count))
        }
        return family
    }

    /// Verifies the Content Credentials of `path` and judges them against `model` (the API model id asked for):
    ///
    /// - fail: the file changed after signing or a signature or hashed reference does not verify; the manifest
    ///   names another model family than `model`'s; the manifest store cannot be read; with `requireTrusted`, a
    ///   signer that does not chain to `trust`;
    /// - warn: an untrusted signer (the simulator's test certificate is one unless its root is in `trust`); a
    ///   manifest that names no model;
    /// - pass (with a note in the message): no manifest at all, as earlier deliveries.
    ///
    /// `tags` (the container's, from a probe) adds the `AIGC` label to the facts returned. Reads and hashes the
    /// whole file once.
    public static func checkProvenance(of path: String, model: String, trust: TrustPolicy = TrustPolicy(),
                                       requireTrusted: Bool = false, tags: [String: String] = [:],
                                       now: Date = Date()) async -> (check: QACheck, provenance: ClipProvenance?) {
        let family = ManifestModelFamily.family(ofModel: model)
        let expected = "a manifest naming \(family), intact and validly signed"
            + (requireTrusted ? " by a trusted signer" : "")
        func check(_ verdict: Verdict, _ actual: String, _ message: String) -> QACheck {
            QACheck(name: provenanceCheckName, verdict: verdict, expected: expected, actual: actual, message: message)
        }
        let report: ProvenanceReport
        do {
            report = try await ContentCredentials.verify(path: path, trust: trust, now: now)
        } catch {
            return (check(.fail, "a manifest store that cannot be read",
                          "the C2PA manifest store cannot be read: \(error.description)"),
                    ClipProvenance(manifest: nil, tags: tags))
        }
        let facts = ClipProvenance(report: report, tags: tags)
        guard let facts, facts.hasManifest else {
            return (check(.pass, "no manifest", "no C2PA manifest: who made the clip is not stated (deliveries "
                          + "before Seedance 2.0 carry none); not checked"), facts)
        }
        let actual = facts.summary + " [\(report.state.rawValue)]"
        let signer = (facts.signer ?? "an unnamed signer") + (facts.testSigner ? " (a test certificate)" : "")

        // A changed file first: then nothing else the manifest says can be relied on, the model name included.
        if report.state == .invalid,
           let first = report.validationStatus.first(where: { $0.code != StatusCode.signingCredentialUntrusted }) {
            let changed = [StatusCode.bmffHashMismatch, StatusCode.claimSignatureMismatch, StatusCode.hashedURIMismatch,
                           StatusCode.dataHashMismatch].contains(first.code)
            return (check(.fail, actual, (changed ? "the file changed after signing: " : "the manifest does not hold: ")
                          + "\(first.code) (\(first.explanation))"), facts)
        }
        guard let named = facts.modelName else {
            return (check(.warn, actual, "the manifest names no model: cannot tell whether \(family) made the clip"),
                    facts)
        }
        if regionlessFamily(named) != regionlessFamily(model) {
            return (check(.fail, actual, "the manifest names \(named), not \(family) (asked for \(model)): the "
                          + "service made the clip with another model"), facts)
        }
        if report.signerTrusted != true {
            let message = "made by \(named), signed by \(signer), which does not chain to a trusted root"
                + (requireTrusted ? "" : " (give its root with --trust)")
            return (check(requireTrusted ? .fail : .warn, actual, message), facts)
        }
        return (check(.pass, actual, "made by \(named), signed by \(signer), trusted"), facts)
    }
}
