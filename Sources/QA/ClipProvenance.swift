import Foundation
import Provenance

/// What a clip's C2PA Content Credentials say, in the few fields `seedance probe`, a verify report and a run's
/// report show: the model, the software agent, who signed and when, and the unsigned `AIGC` label beside them.
/// When the clip was verified (not only read) it also holds whether the manifest holds.
///
/// Encodes with snake_case keys; the manifest fields are always present (null where the manifest says nothing),
/// the verification fields only after a verification.
public struct ClipProvenance: Sendable, Hashable, Codable {
    /// Whether the file has a C2PA manifest (false: only an `AIGC` label was found).
    public var hasManifest: Bool
    /// `parameters.model_name` of the manifest's actions (`doubao-seedance-2-0`).
    public var modelName: String?
    /// The creating action's software agent (`BytePlus_ModelArk 1.0.0`).
    public var softwareAgent: String?
    /// The claim generator.
    public var claimGenerator: String?
    /// The digital source type's last part (`trainedAlgorithmicMedia`).
    public var digitalSourceType: String?
    /// The signer's certificate, `common name / organization`.
    public var signer: String?
    /// The signer's issuer, by common name.
    public var issuer: String?
    /// When it was signed, ISO 8601: the time stamp's time, else when the creating action says it happened.
    public var signedAt: String?
    /// Whether the signer is a test certificate (the simulator's), not a provider's.
    public var testSigner: Bool
    /// The container's `AIGC` label in one line, when there is one (unsigned: the producer's claim).
    public var aigc: String?

    /// The verdict after a verification: `no_manifest`, `invalid`, `valid` (untrusted signer) or `trusted`; nil
    /// when the manifest was only read.
    public var state: String?
    /// Whether the file still matches its hard binding (nil: not verified, or the binding is not checked).
    public var intact: Bool?
    /// Whether the claim signature verifies (nil: not verified).
    public var signatureValid: Bool?
    /// Whether the signer chains to a trusted root (nil: not verified).
    public var trusted: Bool?
    /// The C2PA failure codes of the verification (`assertion.bmffHash.mismatch`, `signingCredential.untrusted`),
    /// each once, in order; nil when not verified.
    public var statusCodes: [String]?

    enum CodingKeys: String, CodingKey {
        case hasManifest = "has_manifest", modelName = "model_name", softwareAgent = "software_agent",
             claimGenerator = "claim_generator", digitalSourceType = "digital_source_type", signer, issuer,
             signedAt = "signed_at", testSigner = "test_signer", aigc, state, intact,
             signatureValid = "signature_valid", trusted, statusCodes = "status_codes"
    }

    /// The facts of `manifest` (read, not verified) and of an `AIGC` label in `tags`; nil when there is neither.
    public init?(manifest: Manifest?, tags: [String: String] = [:]) {
        let label = AIGCLabel(tags: tags)?.summary
        guard manifest != nil || label != nil else { return nil }
        let summary = ProvenanceSummary(manifest: manifest)
        hasManifest = manifest != nil
        modelName = summary.modelName
        softwareAgent = summary.softwareAgent
        claimGenerator = summary.claimGenerator
        digitalSourceType = summary.digitalSourceTypeName
        let stated = manifest?.statedSignerAndTestFlag
        signer = stated?.signer.shortName
        issuer = stated?.signer.issuerCommonName
        signedAt = manifest?.statedSigningTime.map(Self.iso8601) ?? summary.when
        testSigner = stated?.isTestSigner ?? false
        aigc = label
    }

    /// The facts and the verdict of a verification; nil when the file has neither a manifest nor an `AIGC` label.
    public init?(report: ProvenanceReport, tags: [String: String] = [:]) {
        self.init(manifest: report.activeManifest, tags: tags)
        guard hasManifest else { return }
        if let time = report.active?.signer?.timeStamp { signedAt = Self.iso8601(time) }
        state = report.state.rawValue
        intact = report.isIntact
        signatureValid = report.signatureValid
        trusted = report.signerTrusted
        var codes: [String] = []
        for status in report.validationStatus where !codes.contains(status.code) { codes.append(status.code) }
        statusCodes = codes
    }

    /// One line: `doubao-seedance-2-0 via BytePlus_ModelArk 1.0.0, signed by CN / O (issuer), 2026-01-20`, with
    /// `test signer` when it is one, and the `AIGC` label after a `;`. `none` when there is nothing to say.
    public var summary: String {
        var parts: [String] = []
        if hasManifest {
            var made = modelName ?? "no model named"
            if let softwareAgent { made += " via \(softwareAgent)" }
            parts.append(made)
            if let signer {
                parts.append("signed by \(signer)" + (issuer.map { " (\($0))" } ?? ""))
            } else {
                parts.append("no readable signer")
            }
            if let signedAt { parts.append(String(signedAt.prefix(10))) }
            if testSigner { parts.append("a test signer") }
        } else {
            parts.append("no C2PA manifest")
        }
        var line = parts.joined(separator: ", ")
        if let aigc { line += "; AIGC label: \(aigc)" }
        return line
    }

    /// The failure codes in one line (`ok` when there are none, `not verified` before a verification).
    public var statusSummary: String {
        guard let statusCodes else { return "not verified" }
        return statusCodes.isEmpty ? "ok" : statusCodes.joined(separator: ", ")
    }

    /// Encodes the manifest fields always (null where absent) and the verification fields when verified.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(hasManifest, forKey: .hasManifest)
        try c.encode(modelName, forKey: .modelName)
        try c.encode(softwareAgent, forKey: .softwareAgent)
        try c.encode(claimGenerator, forKey: .claimGenerator)
        try c.encode(digitalSourceType, forKey: .digitalSourceType)
        try c.encode(signer, forKey: .signer)
        try c.encode(issuer, forKey: .issuer)
        try c.encode(signedAt, forKey: .signedAt)
        try c.encode(testSigner, forKey: .testSigner)
        try c.encode(aigc, forKey: .aigc)
        if let state {
            try c.encode(state, forKey: .state)
            try c.encode(intact, forKey: .intact)
            try c.encode(signatureValid, forKey: .signatureValid)
            try c.encode(trusted, forKey: .trusted)
            try c.encode(statusCodes ?? [], forKey: .statusCodes)
        }
    }

    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
