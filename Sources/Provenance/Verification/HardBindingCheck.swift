/// What the hard binding of the active manifest is, and whether the file still matches it.
public struct HardBindingReport: Sendable, Hashable, Encodable {
    /// The outcome.
    public enum Result: String, Sendable, Hashable, Encodable {
        /// The file's hash equals the one signed: the file is intact.
        case match
        /// It differs: the file was changed after signing.
        case mismatch
        /// The assertion cannot be read or breaks the rules.
        case malformed
        /// This reader does not check this kind (Merkle trees of fragmented files, box hashes).
        case unsupported
        /// The manifest has no hard binding.
        case missing
    }

    /// The assertion label (`c2pa.hash.bmff.v3`).
    public var label: String?
    /// The hash algorithm.
    public var algorithm: String?
    /// The exclusion xpaths (BMFF) or byte ranges (data hash).
    public var exclusions: [String]
    /// The outcome.
    public var result: Result

    private enum Keys: String, CodingKey { case label, algorithm, exclusions, result }

    /// `{"label", "algorithm", "exclusions", "result"}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(label, forKey: .label)
        try container.encode(algorithm, forKey: .algorithm)
        try container.encode(exclusions, forKey: .exclusions)
        try container.encode(result, forKey: .result)
    }
}

/// Checks one hard-binding assertion against the file: `c2pa.hash.bmff` (v1, v2, v3) with its exclusions, and
/// `c2pa.hash.data` with its byte ranges. Merkle trees and box hashes are reported as not checked.
enum HardBindingCheck {
    static func run(_ binding: Assertion, manifest: Manifest, tree: BMFFBoxTree, source: any ByteSource,
                    url: String) -> (HardBindingReport, [ValidationStatus]) {
        let base = binding.baseLabel
        if base.hasPrefix("c2pa.hash.bmff") {
            return bmff(binding, manifest: manifest, tree: tree, source: source, url: url)
        }
        if base == "c2pa.hash.data" {
            return data(binding, manifest: manifest, source: source, url: url)
        }
        return (HardBindingReport(label: binding.label, algorithm: nil, exclusions: [], result: .unsupported),
                [ValidationStatus(StatusCode.hardBindingUnsupported, url: url, "\(binding.label) is not checked by this reader",
                                  kind: .informational)])
    }

    static func bmff(_ binding: Assertion, manifest: Manifest, tree: BMFFBoxTree, source: any ByteSource,
                     url: String) -> (HardBindingReport, [ValidationStatus]) {
        var report = HardBindingReport(label: binding.label, algorithm: nil, exclusions: [], result: .malformed)
        guard let value = binding.value, let assertion = try? BMFFHashAssertion(value: value, label: binding.baseLabel),
              assertion.isWellFormed else {
            return (report, [ValidationStatus(StatusCode.bmffHashMalformed, url: url, "BMFF hash assertion malformed",
                                              kind: .failure)])
        }
        report.exclusions = assertion.exclusions.map(\.xpath)
        let name = assertion.algorithm ?? manifest.claim.algorithm ?? "sha256"
        report.algorithm = name
        var statuses: [ValidationStatus] = []
        if assertion.hasAdditionalExclusions {
            statuses.append(ValidationStatus(StatusCode.bmffHashAdditionalExclusions, url: url,
                                             "extra BMFF hash exclusion(s) found", kind: .informational))
        }
        guard let algorithm = HashAlgorithm(c2paName: name) else {
            statuses.append(ValidationStatus(StatusCode.algorithmUnsupported, url: url, "hash algorithm \(name) is not supported",
                                             kind: .failure))
            report.result = .malformed
            return (report, statuses)
        }
        guard let expected = assertion.hash else {
            report.result = .unsupported
            statuses.append(ValidationStatus(StatusCode.hardBindingUnsupported, url: url,
                                             "BMFF Merkle trees (fragmented media) are not checked by this reader",
                                             kind: .informational))
            return (report, statuses)
        }
        do {
            let pieces = try BMFFHasher.pieces(for: assertion, tree: tree, source: source)
            let actual = try BMFFHasher.hash(pieces, source: source, algorithm: algorithm)
            report.result = actual == expected ? .match : .mismatch
        } catch {
            report.result = .mismatch
        }
        statuses.append(report.result == .match
            ? ValidationStatus(StatusCode.bmffHashMatch, url: url, "BMFF hash valid", kind: .success)
            : ValidationStatus(StatusCode.bmffHashMismatch, url: url, "BMFF file level hash mismatch", kind: .failure))
        if assertion.hasMerkleTrees {
            statuses.append(ValidationStatus(StatusCode.hardBindingUnsupported, url: url,
                                             "the BMFF Merkle trees beside the file hash are not checked", kind: .informational))
        }
        return (report, statuses)
    }

    static func data(_ binding: Assertion, manifest: Manifest, source: any ByteSource,
                     url: String) -> (HardBindingReport, [ValidationStatus]) {
        var report = HardBindingReport(label: binding.label, algorithm: nil, exclusions: [], result: .malformed)
        guard let value = binding.value, let expected = value["hash"]?.bytesValue else {
            return (report, [ValidationStatus(StatusCode.dataHashMismatch, url: url, "data hash assertion malformed",
                                              kind: .failure)])
        }
        let ranges: [Range<UInt64>] = (value["exclusions"]?.arrayValue ?? []).compactMap { item in
            guard case .unsigned(let start)? = item["start"], case .unsigned(let length)? = item["length"],
                  case (let end, false) = start.addingReportingOverflow(length) else { return nil }
            return start..<end
        }
        report.exclusions = ranges.map { "\($0.lowerBound)+\($0.count)" }
        let name = value["alg"]?.textValue ?? manifest.claim.algorithm ?? "sha256"
        report.algorithm = name
        var statuses: [ValidationStatus] = []
        if ranges.count > 1 {
            statuses.append(ValidationStatus(StatusCode.dataHashAdditionalExclusions, url: url,
                                             "extra data hash exclusions found", kind: .informational))
        }
        guard let algorithm = HashAlgorithm(c2paName: name) else {
            statuses.append(ValidationStatus(StatusCode.algorithmUnsupported, url: url, "hash algorithm \(name) is not supported",
                                             kind: .failure))
            return (report, statuses)
        }
        let fileSize = source.count
        var matched = false
        if ranges.allSatisfy({ $0.upperBound <= fileSize }) {
            let included = BMFFHasher.complement(of: ranges, in: 0..<fileSize).map { BMFFHasher.Piece.bytes($0) }
            matched = (try? BMFFHasher.hash(included, source: source, algorithm: algorithm)) == [UInt8](expected)
        }
        report.result = matched ? .match : .mismatch
        statuses.append(matched
            ? ValidationStatus(StatusCode.dataHashMatch, url: url, "data hash valid", kind: .success)
            : ValidationStatus(StatusCode.dataHashMismatch, url: url, "data hash does not match the file", kind: .failure))
        return (report, statuses)
    }
}
