import Crypto
import _CryptoExtras
import Foundation
import X509

/// Signature verification with swift-crypto for the algorithms C2PA uses: COSE claim signatures and the CMS
/// signatures of time-stamp tokens.
enum SignatureCheck {
    /// Whether `signature` is `algorithm`'s signature of `data` by `key`. ECDSA signatures are the fixed-size
    /// `r|s` form COSE uses; RSA is PSS with MGF1 and a salt the size of the hash.
    static func verifyCOSE(_ algorithm: COSEAlgorithm, signature: [UInt8], data: [UInt8], key: Certificate.PublicKey) -> Bool {
        switch algorithm {
        case .es256:
            guard let key = P256.Signing.PublicKey(key),
                  let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: data)
        case .es384:
            guard let key = P384.Signing.PublicKey(key),
                  let signature = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: data)
        case .es512:
            guard let key = P521.Signing.PublicKey(key),
                  let signature = try? P521.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: data)
        case .ps256, .ps384, .ps512:
            guard let key = _RSA.Signing.PublicKey(key) else { return false }
            let rsa = _RSA.Signing.RSASignature(rawRepresentation: signature)
            switch algorithm {
            case .ps384: return key.isValidSignature(rsa, for: SHA384.hash(data: data), padding: .PSS)
            case .ps512: return key.isValidSignature(rsa, for: SHA512.hash(data: data), padding: .PSS)
            default: return key.isValidSignature(rsa, for: SHA256.hash(data: data), padding: .PSS)
            }
        case .ed25519:
            guard let key = Curve25519.Signing.PublicKey(key) else { return false }
            return key.isValidSignature(signature, for: data)
        }
    }

    /// The digest of `data` with the hash a dotted OID names (SHA-1, SHA-256, SHA-384, SHA-512); nil for others.
    static func digest(_ data: [UInt8], algorithm oid: String) -> [UInt8]? {
        switch oid {
        case "2.16.840.1.101.3.4.2.1": return Array(SHA256.hash(data: data))
        case "2.16.840.1.101.3.4.2.2": return Array(SHA384.hash(data: data))
        case "2.16.840.1.101.3.4.2.3": return Array(SHA512.hash(data: data))
        case "1.3.14.3.2.26": return Array(Insecure.SHA1.hash(data: data))
        default: return nil
        }
    }

    /// Whether a CMS signature (RFC 5652 SignerInfo) over `data` verifies with `key`: RSA PKCS #1 v1.5 or PSS, or
    /// ECDSA (DER), with the digest algorithm the SignerInfo names.
    static func verifyCMS(signature: [UInt8], data: [UInt8], key: Certificate.PublicKey, digestAlgorithm: String,
                          signatureAlgorithm: String) -> Bool {
        if let rsa = _RSA.Signing.PublicKey(key) {
            let value = _RSA.Signing.RSASignature(rawRepresentation: signature)
            let padding: _RSA.Signing.Padding = signatureAlgorithm == "1.2.840.113549.1.1.10" ? .PSS : .insecurePKCS1v1_5
            switch digestAlgorithm {
            case "2.16.840.1.101.3.4.2.1": return rsa.isValidSignature(value, for: SHA256.hash(data: data), padding: padding)
            case "2.16.840.1.101.3.4.2.2": return rsa.isValidSignature(value, for: SHA384.hash(data: data), padding: padding)
            case "2.16.840.1.101.3.4.2.3": return rsa.isValidSignature(value, for: SHA512.hash(data: data), padding: padding)
            case "1.3.14.3.2.26": return rsa.isValidSignature(value, for: Insecure.SHA1.hash(data: data), padding: padding)
            default: return false
            }
        }
        func ecdsa<Digest: Crypto.Digest>(_ digest: Digest) -> Bool {
            if let p256 = P256.Signing.PublicKey(key), let value = try? P256.Signing.ECDSASignature(derRepresentation: signature) {
                return p256.isValidSignature(value, for: digest)
            }
            if let p384 = P384.Signing.PublicKey(key), let value = try? P384.Signing.ECDSASignature(derRepresentation: signature) {
                return p384.isValidSignature(value, for: digest)
            }
            if let p521 = P521.Signing.PublicKey(key), let value = try? P521.Signing.ECDSASignature(derRepresentation: signature) {
                return p521.isValidSignature(value, for: digest)
            }
            return false
        }
        switch digestAlgorithm {
        case "2.16.840.1.101.3.4.2.1": return ecdsa(SHA256.hash(data: data))
        case "2.16.840.1.101.3.4.2.2": return ecdsa(SHA384.hash(data: data))
        case "2.16.840.1.101.3.4.2.3": return ecdsa(SHA512.hash(data: data))
        default: return false
        }
    }
}

/// The CBOR structures COSE signs (RFC 9052 4.4): `Sig_structure` for a claim signature and the countersignature
/// structure C2PA time stamps cover, encoded by hand (four items, no encoder needed).
enum SigStructure {
    /// `["Signature1", protected, h'', payload]`.
    static func signature1(protected: [UInt8], payload: [UInt8]) -> [UInt8] {
        encode(context: "Signature1", protected: protected, payload: payload)
    }

    /// `["CounterSignature", protected, h'', payload]`: what a `sigTst` or `sigTst2` time stamp stamps.
    static func counterSignature(protected: [UInt8], payload: [UInt8]) -> [UInt8] {
        encode(context: "CounterSignature", protected: protected, payload: payload)
    }

    /// A CBOR byte string of `bytes`.
    static func byteString(_ bytes: [UInt8]) -> [UInt8] {
        header(major: 2, length: bytes.count) + bytes
    }

    private static func encode(context: String, protected: [UInt8], payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x84]
        out += header(major: 3, length: context.utf8.count) + Array(context.utf8)
        out += byteString(protected)
        out += [0x40]
        out += byteString(payload)
        return out
    }

    private static func header(major: UInt8, length: Int) -> [UInt8] {
        let type = major << 5
        switch UInt64(length) {
        case 0..<24: return [type | UInt8(length)]
        case 24..<0x100: return [type | 24, UInt8(length)]
        case 0x100..<0x10000: return [type | 25, UInt8(length >> 8), UInt8(length & 0xff)]
        case 0x10000..<0x1_0000_0000: return [type | 26] + (0..<4).reversed().map { UInt8(truncatingIfNeeded: length >> ($0 * 8)) }
        default: return [type | 27] + (0..<8).reversed().map { UInt8(truncatingIfNeeded: length >> ($0 * 8)) }
        }
    }
}
