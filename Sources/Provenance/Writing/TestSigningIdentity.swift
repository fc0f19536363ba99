import Crypto
import Foundation
import SwiftASN1
import X509

/// A throwaway certificate chain for signing test content credentials: a self-signed root CA and a leaf it
/// issued, each with a fresh P-256 key, made in memory (the simulator makes one at start).
///
/// Nothing trusts the root unless told to: a C2PA reader given `rootCertificatePEM` as a trust anchor reports the
/// signer as trusted, one without it reports `signingCredential.untrusted`. The names say plainly what it is, and
/// `isTestSigner(_:)` recognises the leaf from its subject, so a reader can say "signed by the simulator's test
/// certificate" rather than anything about the service.
///
/// The leaf meets C2PA's signing-certificate profile as c2pa-rs checks it: X.509 v3, ECDSA with SHA-256 on P-256,
/// not a CA, key usage digitalSignature (critical), extended key usage emailProtection and documentSigning, an
/// authority key identifier.
public struct TestSigningIdentity: Sendable {
    /// The organisation of both certificates.
    public static let organization = "seedance simulator"
    /// The common name of the root CA.
    public static let rootCommonName = "seedance simulator test root"
    /// The common name of the signing certificate.
    public static let signerCommonName = "seedance simulator test signer"

    /// The signing key (the leaf's).
    public var privateKey: P256.Signing.PrivateKey {
        // Made from bytes this type made from a key: cannot fail.
        try! P256.Signing.PrivateKey(rawRepresentation: privateKeyBytes)
    }
    /// The key's raw scalar: swift-crypto's key type is not `Sendable` on every platform, its bytes are.
    let privateKeyBytes: Data
    /// The leaf certificate.
    public let signer: Certificate
    /// The root CA certificate.
    public let root: Certificate
    /// The chain as it goes into the signature's `x5chain`: leaf DER, then root DER.
    public let chainDER: [Data]

    /// Makes a fresh root and leaf valid from an hour before `now` (clocks differ a little) to `lifetime` after.
    public static func generate(now: Date = Date(), lifetime: TimeInterval = 365 * 86_400) throws
        -> TestSigningIdentity
    {
        let rootKey = P256.Signing.PrivateKey()
        let signerKey = P256.Signing.PrivateKey()
        let notBefore = now.addingTimeInterval(-3_600), notAfter = now.addingTimeInterval(lifetime)
        let rootName = try DistinguishedName {
            CommonName(rootCommonName)
            OrganizationName(organization)
        }
        let signerName = try DistinguishedName {
            CommonName(signerCommonName)
            OrganizationName(organization)
        }
        let rootPublic = Certificate.PublicKey(rootKey.publicKey)
        let rootKeyID = SubjectKeyIdentifier(hash: rootPublic).keyIdentifier
        let root = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: rootPublic,
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: rootName, subject: rootName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(keyIdentifier: rootKeyID)
            },
            issuerPrivateKey: Certificate.PrivateKey(rootKey))
        let signerPublic = Certificate.PublicKey(signerKey.publicKey)
        let signer = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: signerPublic,
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: rootName, subject: signerName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.emailProtection, ExtendedKeyUsage.Usage(oid: documentSigning)])
                SubjectKeyIdentifier(hash: signerPublic)
                AuthorityKeyIdentifier(keyIdentifier: rootKeyID)
            },
            issuerPrivateKey: Certificate.PrivateKey(rootKey))
        return TestSigningIdentity(privateKeyBytes: signerKey.rawRepresentation, signer: signer, root: root,
                                   chainDER: [try der(signer), try der(root)])
    }

    /// The root CA as PEM (ending in a newline), to hand a C2PA reader as its trust anchor.
    public var rootCertificatePEM: String {
        // Serialising a certificate this process just made cannot fail.
        ((try? root.serializeAsPEM().pemString) ?? "") + "\n"
    }

    /// Whether `certificate` is a signing certificate of a `TestSigningIdentity`: its subject is the test signer's
    /// common name and organisation. (A name anyone could copy: it says what a certificate claims to be, and
    /// trust still comes from the root.)
    public static func isTestSigner(_ certificate: Certificate) -> Bool {
        var commonNames: [String] = [], organizations: [String] = []
        for rdn in certificate.subject {
            for attribute in rdn {
                let text = String(describing: attribute.value)
                if attribute.type == .RDNAttributeType.commonName { commonNames.append(text) }
                if attribute.type == .RDNAttributeType.organizationName { organizations.append(text) }
            }
        }
        return commonNames == [signerCommonName] && organizations == [organization]
    }

    /// Whether the DER certificate `der` is a test signer's (false when it does not parse).
    public static func isTestSigner(der: Data) -> Bool {
        guard let certificate = try? Certificate(derEncoded: Array(der)) else { return false }
        return isTestSigner(certificate)
    }

    /// id-kp-documentSigning (RFC 9336), which C2PA lists for claim signers.
    static let documentSigning: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 3, 36]

    private static func der(_ certificate: Certificate) throws -> Data {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return Data(serializer.serializedBytes)
    }
}
