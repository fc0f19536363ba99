import Foundation
import SwiftASN1
import X509

/// Who a certificate names and for how long: what a report shows of a signer or a time-stamp authority.
public struct CertificateSummary: Sendable, Hashable, Encodable {
    /// The subject, most specific part first (`CN=C2PA Signer, O=C2PA Test Signing Cert, OU=..., C=US`).
    public var subject: String
    /// The issuer, in the same form.
    public var issuer: String
    /// The subject's common name (CN).
    public var commonName: String?
    /// The subject's organization (O).
    public var organization: String?
    /// The serial number, hexadecimal.
    public var serialNumber: String
    /// Start of validity.
    public var notBefore: Date
    /// End of validity.
    public var notAfter: Date

    /// The summary of `certificate`.
    public init(_ certificate: Certificate) {
        subject = Self.format(certificate.subject)
        issuer = Self.format(certificate.issuer)
        commonName = Self.attribute(.RDNAttributeType.commonName, of: certificate.subject)
        organization = Self.attribute(.RDNAttributeType.organizationName, of: certificate.subject)
        serialNumber = certificate.serialNumber.bytes.map { String(format: "%02x", $0) }.joined()
        notBefore = certificate.notValidBefore
        notAfter = certificate.notValidAfter
    }

    /// A name with its most specific part first, parts separated by `, `, values as written (unescaped: for
    /// people, not for parsing).
    static func format(_ name: DistinguishedName) -> String {
        name.reversed().map { rdn in
            rdn.map { attribute in
                let text = attribute.description
                guard let equals = text.firstIndex(of: "="), let value = String(attribute.value) else { return text }
                return text[...equals] + value
            }.joined(separator: "+")
        }.joined(separator: ", ")
    }

    /// The last value of attribute `type` in `name`.
    static func attribute(_ type: ASN1ObjectIdentifier, of name: DistinguishedName) -> String? {
        name.flatMap { Array($0) }.last { $0.type == type }.flatMap { String($0.value) }
    }

    private enum Keys: String, CodingKey {
        case subject, issuer, commonName = "common_name", organization, serialNumber = "serial_number",
             notBefore = "not_before", notAfter = "not_after"
    }

    /// snake_case keys, dates in ISO 8601.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(subject, forKey: .subject)
        try container.encode(issuer, forKey: .issuer)
        try container.encode(commonName, forKey: .commonName)
        try container.encode(organization, forKey: .organization)
        try container.encode(serialNumber, forKey: .serialNumber)
        try container.encode(ISO8601.string(notBefore), forKey: .notBefore)
        try container.encode(ISO8601.string(notAfter), forKey: .notAfter)
    }
}

/// ISO 8601 text of dates, UTC, whole seconds.
enum ISO8601 {
    static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

/// Small readers of DER structures that swift-certificates does not expose.
enum DERReading {
    /// The children of a constructed node.
    static func children(_ node: ASN1Node) -> [ASN1Node] {
        if case .constructed(let nodes) = node.content { return Array(nodes) }
        return []
    }

    /// The dotted OID of the signature algorithm of a DER certificate (its second element).
    static func signatureAlgorithmOID(certificateDER: [UInt8]) -> String? {
        guard let root = try? DER.parse(certificateDER) else { return nil }
        let parts = children(root)
        guard parts.count >= 2, let oidNode = children(parts[1]).first,
              let oid = try? ASN1ObjectIdentifier(derEncoded: oidNode) else { return nil }
        return oid.description
    }

    /// The dotted OIDs of an extended key usage extension's value.
    static func keyPurposes(_ value: ArraySlice<UInt8>) -> [String]? {
        guard let root = try? DER.parse(value) else { return nil }
        return children(root).compactMap { try? ASN1ObjectIdentifier(derEncoded: $0).description }
    }
}
