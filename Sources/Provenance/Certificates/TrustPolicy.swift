import Foundation
import SwiftASN1
import X509

/// What a signer must meet to be trusted: a chain to one of the trust anchors, and a certificate that the C2PA
/// certificate profile allows (an extended key usage from ``allowedKeyPurposes``, key usage digitalSignature, valid
/// at signing time).
///
/// With no anchors, no signer is trusted (every signer is reported `signingCredential.untrusted`), as c2pa-rs does
/// by default.
public struct TrustPolicy: Sendable {
    /// The trust anchors (roots, or intermediates trusted as they are).
    public var anchors: [Certificate]
    /// Extended key usages (dotted OIDs) a signing certificate may carry; it needs at least one.
    public var allowedKeyPurposes: Set<String>
    /// Certificates of the PEM texts given that could not be used as anchors, each with why (swift-certificates
    /// reads no RSASSA-PSS public keys, for one).
    public var skippedAnchors: [String] = []

    /// The extended key usages c2pa-rs allows by default (its `valid_eku_oids.cfg`, the same list as its test
    /// `store.cfg`): emailProtection, documentSigning, timeStamping, OCSPSigning, MS C2PA signing, C2PA claim
    /// signing.
    public static let defaultKeyPurposes: Set<String> = [
        "1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.36", "1.3.6.1.5.5.7.3.8", "1.3.6.1.5.5.7.3.9",
        "1.3.6.1.4.1.311.76.59.1.9", "1.3.6.1.4.1.62558.2.1",
    ]

    /// The OID of the timeStamping extended key usage.
    public static let timeStampingPurpose = "1.3.6.1.5.5.7.3.8"

    /// A policy with `anchors`.
    public init(anchors: [Certificate] = [], allowedKeyPurposes: Set<String> = TrustPolicy.defaultKeyPurposes) {
        self.anchors = anchors
        self.allowedKeyPurposes = allowedKeyPurposes
    }

    /// A policy whose anchors are every certificate of the PEM texts `pems` (bundles allowed).
    public init(pems: [String], allowedKeyPurposes: Set<String> = TrustPolicy.defaultKeyPurposes) throws(ProvenanceError) {
        self.init(allowedKeyPurposes: allowedKeyPurposes)
        for pem in pems { try addAnchors(pem: pem) }
    }

    /// Adds every certificate of a PEM text. A certificate that cannot be read is skipped and listed in
    /// ``skippedAnchors``; a text with no usable certificate is an error.
    public mutating func addAnchors(pem: String) throws(ProvenanceError) {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: pem)
        } catch {
            throw ProvenanceError.invalidTrustList(reason: "not PEM (\(error))")
        }
        let certificates = documents.filter { $0.discriminator == "CERTIFICATE" }
        guard !certificates.isEmpty else { throw ProvenanceError.invalidTrustList(reason: "no CERTIFICATE block") }
        var added = 0
        for document in certificates {
            do {
                anchors.append(try Certificate(derEncoded: document.derBytes))
                added += 1
            } catch {
                let subject = Self.subjectText(document.derBytes) ?? "certificate \(added + skippedAnchors.count + 1)"
                skippedAnchors.append("\(subject): \(Self.reason(error))")
            }
        }
        guard added > 0 else {
            throw ProvenanceError.invalidTrustList(reason: "no certificate could be read (\(skippedAnchors.last ?? ""))")
        }
    }

    /// Why a certificate could not be read, in a few words.
    static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("1.2.840.113549.1.1.10") { return "RSASSA-PSS public keys are not supported" }
        return text.split(separator: "(").first.map(String.init) ?? text
    }

    /// The subject of a DER certificate that swift-certificates cannot fully read, from its TBS fields.
    static func subjectText(_ der: [UInt8]) -> String? {
        guard let root = try? DER.parse(der), let tbs = DERReading.children(root).first else { return nil }
        var fields = DERReading.children(tbs)
        if let first = fields.first, first.identifier.tagClass == .contextSpecific { fields.removeFirst() }
        // serialNumber, signature, issuer, validity, subject
        guard fields.count > 4, let name = try? DistinguishedName(derEncoded: fields[4]) else { return nil }
        return CertificateSummary.format(name)
    }

    /// The OIDs of an EKU configuration file such as c2pa-rs's `store.cfg`: one dotted OID a line, `//` comments.
    public static func keyPurposes(config text: String) -> Set<String> {
        Set(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.wholeMatch(of: /[0-9]+(\.[0-9]+)+/) != nil })
    }
}
