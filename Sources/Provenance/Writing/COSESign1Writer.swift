import Crypto
import Foundation

/// Writes the claim signature: a COSE_Sign1 (RFC 9052, CBOR tag 18) with ES256, the claim as detached payload and
/// the X.509 chain in the protected header, as C2PA 2.x requires.
///
/// Structure: `18([protected, unprotected, nil, signature])` where `protected` is the encoded map
/// `{1: -7, 33: [leaf DER, ..., root DER]}` (alg ES256, x5chain), `unprotected` is `{"pad": h'...'}` (bytes that
/// let a manifest fill reserved space exactly; outside the signature), and `signature` is the raw 64-byte `r || s`
/// over the Sig_structure `["Signature1", protected, h'', claim]`.
public enum COSESign1Writer {
    /// CBOR tag of a COSE_Sign1.
    public static let tag: UInt64 = 18
    /// COSE header label of the algorithm.
    public static let algorithmLabel: UInt64 = 1
    /// COSE algorithm id of ES256 (ECDSA with P-256 and SHA-256): -7, stored as CBOR negative 6.
    // Computed, not a stored global: `CBORValue` is an indirect enum, and a global holding its box keeps the pointer
    // in tagged form that LeakSanitizer cannot follow, so every signing process was reported as leaking it.
    public static var es256: CBORValue { .negative(6) }
    /// COSE header label of an X.509 chain (RFC 9360).
    public static let x5chainLabel: UInt64 = 33

    /// The encoded protected header for `chain` (DER certificates, the signer's first).
    public static func protectedHeader(chain: [Data]) -> Data {
        let certificates: CBORValue = chain.count == 1 ? .bytes(chain[0]) : .array(chain.map { .bytes($0) })
        return CBOREncoder.encode(.map([
            CBORPair(key: .unsigned(algorithmLabel), value: es256),
            CBORPair(key: .unsigned(x5chainLabel), value: certificates),
        ]))
    }

    /// The bytes ES256 signs: `["Signature1", protected, h'' (no external data), payload]`.
    public static func toBeSigned(protectedHeader: Data, payload: Data) -> Data {
        CBOREncoder.encode(.array([.text("Signature1"), .bytes(protectedHeader), .bytes(Data()), .bytes(payload)]))
    }

    /// The raw `r || s` ES256 signature of `payload` under `protectedHeader` with `key`.
    public static func signature(protectedHeader: Data, payload: Data, key: P256.Signing.PrivateKey) throws -> Data {
        try key.signature(for: toBeSigned(protectedHeader: protectedHeader, payload: payload)).rawRepresentation
    }

    /// The tagged COSE_Sign1 with a detached payload and `padding` zero bytes in the unprotected header.
    public static func message(protectedHeader: Data, signature: Data, padding: Int = 0) -> Data {
        CBOREncoder.encode(.tagged(tag, .array([
            .bytes(protectedHeader),
            .map([CBORPair(key: .text("pad"), value: .bytes(Data(count: max(0, padding))))]),
            .null,
            .bytes(signature),
        ])))
    }
}
