import Foundation
import X509

extension Manifest {
    /// The signer's certificate as the claim signature carries it (the first of its `x5chain`), read without
    /// verifying anything: what a quick look such as `seedance probe` shows. Nil when there is no readable
    /// signature or certificate.
    public var statedSigner: CertificateSummary? {
        statedSignerCertificate.map(CertificateSummary.init)
    }

    /// Whether the signer's certificate is a ``TestSigningIdentity``'s (the simulator's), by its names alone.
    public var isSignedByTestSigner: Bool {
        statedSignerCertificate.map(TestSigningIdentity.isTestSigner) ?? false
    }

    /// ``statedSigner`` and ``isSignedByTestSigner`` from one parse of the certificate (a quick look at many files
    /// parses each once).
    public var statedSignerAndTestFlag: (signer: CertificateSummary, isTestSigner: Bool)? {
        statedSignerCertificate.map { (CertificateSummary($0), TestSigningIdentity.isTestSigner($0)) }
    }

    /// When the signature's time stamp says it was made, read without checking the stamp (a verified time is the
    /// ``SignerReport/timeStamp`` of a ``ProvenanceReport``). Nil without a readable time stamp.
    public var statedSigningTime: Date? {
        guard let bytes = signature?.timeStampTokens.first else { return nil }
        return try? TimeStampToken(bytes: bytes).time
    }

    private var statedSignerCertificate: Certificate? {
        guard let der = signature?.certificateChain.first else { return nil }
        return try? Certificate(derEncoded: der)
    }
}

extension CertificateSummary {
    /// The issuer's common name, else the whole issuer: a short name for one line.
    public var issuerCommonName: String {
        // `issuer` lists the most specific part first: `CN=Intermediate CA, O=..., C=US`.
        for part in issuer.components(separatedBy: ", ") where part.hasPrefix("CN=") {
            return String(part.dropFirst(3))
        }
        return issuer
    }

    /// `common name / organization` (either alone when the other is missing, the subject when both are).
    public var shortName: String {
        let parts = [commonName, organization].compactMap { $0 }
        return parts.isEmpty ? subject : parts.joined(separator: " / ")
    }
}
