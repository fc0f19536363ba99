import Crypto
import _CryptoExtras
import Foundation
import SwiftASN1
@_spi(FixedExpiryValidationTime) import X509

/// The C2PA profile of a signing (or time-stamping) certificate (C2PA specification 14.5.1): what makes a
/// certificate acceptable for the job, whoever issued it.
enum CertificateProfile {
    /// Why a certificate does not fit the profile.
    enum Problem: Error, Equatable {
        /// Outside its validity at the time that counts: `signingCredential.expired`.
        case notValidAt(Date)
        /// Anything else: `signingCredential.invalid`.
        case invalid(String)
    }

    /// Signature algorithms a certificate may be signed with.
    static let signatureAlgorithms: Set<String> = [
        "1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12", "1.2.840.113549.1.1.13", // sha256/384/512WithRSAEncryption
        "1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3", "1.2.840.10045.4.3.4", // ecdsa-with-SHA256/384/512
        "1.2.840.113549.1.1.10", // RSASSA-PSS
        "1.3.101.112", // Ed25519
    ]

    /// Extensions understood here, so they may be critical.
    static let understoodExtensions: Set<String> = [
        "2.5.29.35", "2.5.29.14", "2.5.29.15", "2.5.29.32", "2.5.29.33", "2.5.29.17", "2.5.29.19", "2.5.29.30",
        "2.5.29.36", "2.5.29.37", "2.5.29.31", "2.5.29.54", "1.3.6.1.5.5.7.1.1", "2.16.840.1.113730.1.1",
        "2.5.29.20", "2.5.29.21", "2.5.29.24",
    ]

    /// Checks the end-entity certificate `certificate` (DER `der`) at `time` against the profile, accepting the
    /// extended key usages `purposes`.
    static func check(_ certificate: Certificate, der: [UInt8], at time: Date, purposes: Set<String>) -> Problem? {
        guard certificate.version == .v3 else { return .invalid("the certificate is not version 3") }
        guard certificate.notValidBefore <= time, time <= certificate.notValidAfter else { return .notValidAt(time) }
        guard let algorithm = DERReading.signatureAlgorithmOID(certificateDER: der),
              signatureAlgorithms.contains(algorithm) else {
            return .invalid("the certificate is signed with an algorithm C2PA does not allow")
        }
        if let rsa = _RSA.Signing.PublicKey(certificate.publicKey), rsa.keySizeInBits < 2048 {
            return .invalid("the RSA key has \(rsa.keySizeInBits) bits, fewer than 2048")
        }
        let isCA: Bool
        switch try? certificate.extensions.basicConstraints {
        case .isCertificateAuthority?: isCA = true
        default: isCA = false
        }
        if isCA { return .invalid("the signer's certificate is a CA certificate") }
        guard let ekuExtension = certificate.extensions[oid: .X509ExtensionID.extendedKeyUsage] else {
            return .invalid("the certificate has no extended key usage")
        }
        guard let usages = DERReading.keyPurposes(ekuExtension.value) else {
            return .invalid("the extended key usage cannot be read")
        }
        if usages.contains("2.5.29.37.0") { return .invalid("the certificate allows any extended key usage") }
        guard usages.contains(where: purposes.contains) else {
            return .invalid("no allowed extended key usage (has \(usages.joined(separator: ", ")))")
        }
        let ocsp = usages.contains("1.3.6.1.5.5.7.3.9"), stamping = usages.contains(TrustPolicy.timeStampingPurpose)
        if (ocsp && stamping) || (ocsp != stamping && usages.count > 1) {
            return .invalid("OCSP signing or time stamping must be the only extended key usage")
        }
        guard (try? certificate.extensions.authorityKeyIdentifier) != nil else {
            return .invalid("the certificate has no authority key identifier")
        }
        guard let keyUsage = (try? certificate.extensions.keyUsage) ?? nil else {
            return .invalid("the certificate has no key usage")
        }
        if keyUsage.keyCertSign { return .invalid("an end-entity certificate may not sign certificates") }
        guard keyUsage.digitalSignature || keyUsage.nonRepudiation else {
            return .invalid("the key usage lacks digitalSignature")
        }
        for ext in certificate.extensions where ext.critical && !understoodExtensions.contains(ext.oid.description) {
            return .invalid("unknown critical extension \(ext.oid)")
        }
        return nil
    }
}

/// Chain validation against trust anchors with swift-certificates.
enum ChainTrust {
    /// Whether `leaf`, with the `intermediates` the signer sent, chains to one of `anchors`, every certificate valid
    /// at `time`.
    static func isTrusted(leaf: Certificate, intermediates: [Certificate], anchors: [Certificate], at time: Date) async -> Bool {
        guard !anchors.isEmpty else { return false }
        var verifier = Verifier(rootCertificates: CertificateStore(anchors)) {
            RFC5280Policy(fixedExpiryValidationTime: time)
            UsagesCheckedElsewhere()
        }
        let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore(intermediates))
        if case .validCertificate = result { return true }
        return false
    }

    /// Marks the extended key usage and key usage extensions as understood: the C2PA profile checks them on the
    /// end-entity certificate (``CertificateProfile``), so a critical one must not fail the chain.
    struct UsagesCheckedElsewhere: VerifierPolicy {
        let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [.X509ExtensionID.extendedKeyUsage,
                                                                   .X509ExtensionID.keyUsage]

        func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
            .meetsPolicy
        }
    }
}
