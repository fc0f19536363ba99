import Crypto
import _CryptoExtras
import Foundation
import Testing
@testable import Provenance
import X509

/// Every COSE algorithm the verifier accepts, with keys made here: a signature of a `Sig_structure` verifies, the
/// same signature over one changed byte does not, and a key of the wrong kind never does. (The fixtures cover ES256
/// and PS256 end to end.)
@Suite("COSE signature algorithms")
struct SignatureAlgorithmTests {
    static let signed = SigStructure.signature1(protected: [0xa1, 0x01, 0x26], payload: Array("a claim".utf8))
    static var tampered: [UInt8] {
        var bytes = signed
        bytes[bytes.count - 1] ^= 0x01
        return bytes
    }

    /// A key pair's public half and its signature of `data`, for `algorithm`.
    static func sign(_ algorithm: COSEAlgorithm, _ data: [UInt8]) throws -> (Certificate.PublicKey, [UInt8]) {
        switch algorithm {
        case .es256:
            let key = P256.Signing.PrivateKey()
            return (Certificate.PublicKey(key.publicKey), Array(try key.signature(for: data).rawRepresentation))
        case .es384:
            let key = P384.Signing.PrivateKey()
            return (Certificate.PublicKey(key.publicKey), Array(try key.signature(for: data).rawRepresentation))
        case .es512:
            let key = P521.Signing.PrivateKey()
            return (Certificate.PublicKey(key.publicKey), Array(try key.signature(for: data).rawRepresentation))
        case .ps256, .ps384, .ps512:
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            let signature: _RSA.Signing.RSASignature
            switch algorithm {
            case .ps384: signature = try key.signature(for: SHA384.hash(data: data), padding: .PSS)
            case .ps512: signature = try key.signature(for: SHA512.hash(data: data), padding: .PSS)
            default: signature = try key.signature(for: SHA256.hash(data: data), padding: .PSS)
            }
            return (Certificate.PublicKey(key.publicKey), Array(signature.rawRepresentation))
        case .ed25519:
            let key = Curve25519.Signing.PrivateKey()
            return (Certificate.PublicKey(key.publicKey), Array(try key.signature(for: data)))
        }
    }

    @Test("a signature verifies, a changed message does not", arguments: COSEAlgorithm.allCases)
    func roundTrip(_ algorithm: COSEAlgorithm) throws {
        let (key, signature) = try Self.sign(algorithm, Self.signed)
        #expect(SignatureCheck.verifyCOSE(algorithm, signature: signature, data: Self.signed, key: key))
        #expect(!SignatureCheck.verifyCOSE(algorithm, signature: signature, data: Self.tampered, key: key))
        var flipped = signature
        flipped[flipped.count / 2] ^= 0x80
        #expect(!SignatureCheck.verifyCOSE(algorithm, signature: flipped, data: Self.signed, key: key))
    }

    @Test("a key of another kind, or a hash of another size, never verifies", arguments: COSEAlgorithm.allCases)
    func wrongKind(_ algorithm: COSEAlgorithm) throws {
        let (key, signature) = try Self.sign(algorithm, Self.signed)
        for other in COSEAlgorithm.allCases where other != algorithm {
            #expect(!SignatureCheck.verifyCOSE(other, signature: signature, data: Self.signed, key: key),
                    "\(algorithm.name) signature accepted as \(other.name)")
        }
    }

    @Test("COSE labels and names")
    func labels() {
        #expect(COSEAlgorithm(rawValue: -7) == .es256 && COSEAlgorithm(rawValue: -35) == .es384)
        #expect(COSEAlgorithm(rawValue: -37) == .ps256 && COSEAlgorithm(rawValue: -8) == .ed25519)
        #expect(COSEAlgorithm.allCases.map(\.name) == ["ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "Ed25519"])
        #expect(Array(Self.signed.prefix(12)) == [0x84, 0x6a] + Array("Signature1".utf8))
    }
}
