import Foundation

/// The results of validating one manifest: its status codes, and who signed it.
public struct ManifestValidation: Sendable, Encodable {
    /// The manifest label.
    public var manifest: String
    /// Every result, in the order the checks ran.
    public var statuses: [ValidationStatus]
    /// The signer, when the signature could be read.
    public var signer: SignerReport?

    /// The codes of the results of `kind`, each once, in first-seen order.
    public func codes(_ kind: ValidationStatus.Kind) -> [String] {
        var seen = Set<String>()
        return statuses.filter { $0.kind == kind }.map(\.code).filter { seen.insert($0).inserted }
    }

    /// The failures.
    public var failures: [ValidationStatus] { statuses.filter { $0.kind == .failure } }

    /// Whether a result with `code` is among them.
    public func has(_ code: String) -> Bool { statuses.contains { $0.code == code } }

    private enum Keys: String, CodingKey { case manifest, success, failure, informational }

    /// `{"manifest", "success", "failure", "informational"}`: each a list of `{code, url, explanation}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(manifest, forKey: .manifest)
        for (kind, key) in [(ValidationStatus.Kind.success, Keys.success), (.failure, .failure), (.informational, .informational)] {
            try container.encode(statuses.filter { $0.kind == kind }.map(StatusEntry.init), forKey: key)
        }
    }

    /// A status without its kind (the list it is in says it).
    struct StatusEntry: Encodable {
        var code: String
        var url: String
        var explanation: String
        init(_ status: ValidationStatus) {
            (code, url, explanation) = (status.code, status.url, status.explanation)
        }
    }
}

/// Who signed a manifest, with what, and when a time-stamp authority says it was.
public struct SignerReport: Sendable, Encodable {
    /// The COSE algorithm name (`ES256`, `PS256`), or the raw label when unknown.
    public var algorithm: String?
    /// The signing certificate.
    public var certificate: CertificateSummary?
    /// How many certificates the signer sent (signer first).
    public var chainLength: Int
    /// The time of a valid time stamp (trusted or not).
    public var timeStamp: Date?
    /// Whether that time stamp's authority is trusted (only a trusted time counts as the signing time).
    public var timeStampTrusted: Bool
    /// The time-stamp authority's certificate.
    public var timeStampAuthority: CertificateSummary?

    private enum Keys: String, CodingKey {
        case algorithm, subject, issuer, organization, commonName = "common_name", serialNumber = "serial_number",
             notBefore = "not_before", notAfter = "not_after", chainLength = "chain_length", time,
             timeStampTrusted = "time_stamp_trusted", timeStampAuthority = "time_stamp_authority"
    }

    /// Flat snake_case keys: the certificate's fields beside the algorithm and the time stamp.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(algorithm, forKey: .algorithm)
        try container.encode(certificate?.subject, forKey: .subject)
        try container.encode(certificate?.issuer, forKey: .issuer)
        try container.encode(certificate?.organization, forKey: .organization)
        try container.encode(certificate?.commonName, forKey: .commonName)
        try container.encode(certificate?.serialNumber, forKey: .serialNumber)
        try container.encode(certificate.map { ISO8601.string($0.notBefore) }, forKey: .notBefore)
        try container.encode(certificate.map { ISO8601.string($0.notAfter) }, forKey: .notAfter)
        try container.encode(chainLength, forKey: .chainLength)
        try container.encode(timeStamp.map(ISO8601.string), forKey: .time)
        try container.encode(timeStampTrusted, forKey: .timeStampTrusted)
        try container.encode(timeStampAuthority?.subject, forKey: .timeStampAuthority)
    }
}

/// The results of validating the manifest of an ingredient, reached from the ingredient assertion that
/// references it.
public struct IngredientValidation: Sendable, Encodable {
    /// The URI of the ingredient assertion.
    public var assertionURL: String
    /// The results: the reference check (`ingredient.manifest.*`) and the ingredient manifest's own.
    public var validation: ManifestValidation

    private enum Keys: String, CodingKey { case ingredient, manifest, success, failure, informational }

    /// The ingredient assertion's URI beside the manifest's results.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(assertionURL, forKey: .ingredient)
        try container.encode(validation.manifest, forKey: .manifest)
        for (kind, key) in [(ValidationStatus.Kind.success, Keys.success), (.failure, .failure), (.informational, .informational)] {
            try container.encode(validation.statuses.filter { $0.kind == kind }.map(ManifestValidation.StatusEntry.init),
                                 forKey: key)
        }
    }
}
