/// The signature algorithms of a C2PA claim signature (COSE algorithm identifiers, RFC 9053).
public enum COSEAlgorithm: Int, Sendable, Hashable, CaseIterable {
    /// ECDSA P-256 with SHA-256.
    case es256 = -7
    /// ECDSA P-384 with SHA-384.
    case es384 = -35
    /// ECDSA P-521 with SHA-512.
    case es512 = -36
    /// RSASSA-PSS with SHA-256.
    case ps256 = -37
    /// RSASSA-PSS with SHA-384.
    case ps384 = -38
    /// RSASSA-PSS with SHA-512.
    case ps512 = -39
    /// EdDSA (Ed25519).
    case ed25519 = -8

    /// The name people know it by (`ES256`, `PS256`, `Ed25519`).
    public var name: String {
        switch self {
        case .es256: return "ES256"
        case .es384: return "ES384"
        case .es512: return "ES512"
        case .ps256: return "PS256"
        case .ps384: return "PS384"
        case .ps512: return "PS512"
        case .ed25519: return "Ed25519"
        }
    }
}

/// A COSE_Sign1 structure (RFC 9052 4.2) as C2PA uses it for claim signatures: the payload is detached (it is the
/// claim), the certificate chain is in `x5chain` (label 33) in the protected header (claim v2) or the unprotected one
/// (claim v1), and RFC 3161 time-stamp tokens may sit in the unprotected header under `sigTst` or `sigTst2`.
public struct COSESign1: Sendable {
    /// Where a time-stamp token was stored, which decides what it stamps (C2PA specification 10.3.2.5).
    public enum TimeStampStorage: String, Sendable, Hashable {
        /// `sigTst`: a TimeStampResp over the countersignature structure of the claim.
        case sigTst
        /// `sigTst2`: a TimeStampToken over the countersignature structure of the signature value.
        case sigTst2
    }

    /// The protected header exactly as encoded (it is signed as these bytes).
    public var protectedBytes: [UInt8]
    /// The protected header decoded (empty map when the bytes are empty).
    public var protectedHeader: CBORValue
    /// The unprotected header.
    public var unprotectedHeader: CBORValue
    /// The payload when attached; nil when detached (C2PA).
    public var payload: [UInt8]?
    /// The signature value.
    public var signature: [UInt8]
    /// The algorithm label of the protected header (or unprotected, for old signers), as stored.
    public var algorithmLabel: Int?
    /// The certificates of `x5chain`, signer first, DER.
    public var certificateChain: [[UInt8]]
    /// The time-stamp tokens of `sigTst` or `sigTst2` (the first of `tstTokens` is used), DER.
    public var timeStampTokens: [[UInt8]]
    /// Where the tokens were.
    public var timeStampStorage: TimeStampStorage?

    /// The algorithm, when it is one this reader verifies.
    public var algorithm: COSEAlgorithm? { algorithmLabel.flatMap(COSEAlgorithm.init(rawValue:)) }

    /// Parses the CBOR of a claim signature box (tag 18 optional; zero padding after the item ignored).
    public init(bytes: [UInt8]) throws(ProvenanceError) {
        let decoded: CBORValue
        do {
            decoded = try CBORDecoder().decodePrefix(bytes).value
        } catch {
            throw ProvenanceError.malformedCBOR(what: "claim signature", error: error)
        }
        var value = decoded
        if case .tagged(let tag, let inner) = decoded {
            guard tag == 18 else { throw ProvenanceError.malformedJUMBF(reason: "claim signature has CBOR tag \(tag), not 18 (COSE_Sign1)") }
            value = inner
        }
        guard case .array(let parts) = value, parts.count == 4,
              let protectedData = parts[0].bytesValue, case .map = parts[1],
              let signatureData = parts[3].bytesValue else {
            throw ProvenanceError.malformedJUMBF(reason: "claim signature is not a COSE_Sign1 array [protected, unprotected, payload, signature]")
        }
        protectedBytes = [UInt8](protectedData)
        if protectedBytes.isEmpty {
            protectedHeader = .map([])
        } else {
            do {
                protectedHeader = try CBORDecoder().decode(protectedBytes)
            } catch {
                throw ProvenanceError.malformedCBOR(what: "claim signature protected header", error: error)
            }
        }
        unprotectedHeader = parts[1]
        payload = parts[2].bytesValue.map { [UInt8]($0) }
        signature = [UInt8](signatureData)
        algorithmLabel = protectedHeader[label: 1]?.intValue ?? unprotectedHeader[label: 1]?.intValue
        let chain = protectedHeader[label: 33] ?? unprotectedHeader[label: 33]
            ?? protectedHeader["x5chain"] ?? unprotectedHeader["x5chain"]
        switch chain {
        case .bytes(let single)?: certificateChain = [[UInt8](single)]
        case .array(let items)?: certificateChain = items.compactMap { $0.bytesValue.map { [UInt8]($0) } }
        default: certificateChain = []
        }
        timeStampTokens = []
        for (key, storage) in [("sigTst2", TimeStampStorage.sigTst2), ("sigTst", .sigTst)] {
            guard let container = unprotectedHeader[key] else { continue }
            timeStampTokens = (container["tstTokens"]?.arrayValue ?? []).compactMap { $0["val"]?.bytesValue.map { [UInt8]($0) } }
            timeStampStorage = storage
            break
        }
    }
}
