import Foundation
import SwiftASN1
import X509

/// An RFC 3161 time-stamp token as C2PA stores it in a claim signature's `sigTst` (a whole TimeStampResp) or
/// `sigTst2` (the token alone): when it was stamped, what was stamped, and who signed the stamp.
public struct TimeStampToken: Sendable {
    /// One signer of the token's CMS SignedData.
    struct Signer: Sendable {
        var digestAlgorithm: String
        var signatureAlgorithm: String
        var signature: [UInt8]
        /// The signed attributes re-tagged as a SET (what the signature covers), when present.
        var signedAttributes: [UInt8]?
        /// The messageDigest signed attribute.
        var messageDigest: [UInt8]?
    }

    /// `genTime`: when the authority stamped it.
    public var time: Date
    /// The accuracy the authority states, in seconds (0 when it states none).
    public var accuracySeconds: Double
    /// The dotted OID of the message imprint's hash algorithm.
    public var imprintAlgorithm: String
    /// The message imprint: the hash of what was stamped.
    public var imprint: [UInt8]
    /// The certificates the token carries, DER.
    public var certificates: [[UInt8]]
    /// The TSTInfo as encoded (what the signed attributes' messageDigest hashes).
    var content: [UInt8]
    var signers: [Signer]

    /// Reads a TimeStampResp or a TimeStampToken (ContentInfo of SignedData).
    public init(bytes: [UInt8]) throws(ProvenanceError) {
        do {
            try self.init(parsing: bytes)
        } catch let error as ProvenanceError {
            throw error
        } catch {
            throw ProvenanceError.malformedJUMBF(reason: "time stamp: \(error)")
        }
    }

    private init(parsing bytes: [UInt8]) throws {
        var root = try BER.parse(bytes)
        var parts = DERReading.children(root)
        if parts.count >= 1, parts[0].identifier == .sequence {
            // TimeStampResp: status, then the token.
            guard parts.count >= 2 else { throw Self.malformed("the response holds no token (status only)") }
            root = parts[1]
            parts = DERReading.children(root)
        }
        guard parts.count >= 2, (try? ASN1ObjectIdentifier(berEncoded: parts[0]))?.description == "1.2.840.113549.1.7.2",
              let signedData = DERReading.children(parts[1]).first else {
            throw Self.malformed("not a CMS SignedData")
        }
        let fields = DERReading.children(signedData)
        guard fields.count >= 4 else { throw Self.malformed("SignedData has too few fields") }
        let encapsulated = DERReading.children(fields[2])
        guard encapsulated.count >= 2, let octets = DERReading.children(encapsulated[1]).first else {
            throw Self.malformed("no TSTInfo")
        }
        content = Self.octetString(octets)
        certificates = []
        for field in fields[3...] where field.identifier.tagClass == .contextSpecific && field.identifier.tagNumber == 0 {
            certificates = DERReading.children(field).map { Array($0.encodedBytes) }
        }
        guard let signerSet = fields.last, signerSet.identifier == .set else { throw Self.malformed("no SignerInfos") }
        signers = DERReading.children(signerSet).compactMap(Self.signer)

        let info = DERReading.children(try BER.parse(content))
        guard info.count >= 5 else { throw Self.malformed("TSTInfo has too few fields") }
        let imprintParts = DERReading.children(info[2])
        guard imprintParts.count == 2, let algorithm = DERReading.children(imprintParts[0]).first else {
            throw Self.malformed("no message imprint")
        }
        imprintAlgorithm = try ASN1ObjectIdentifier(berEncoded: algorithm).description
        imprint = Self.octetString(imprintParts[1])
        let generalized = try GeneralizedTime(berEncoded: info[4])
        var components = DateComponents()
        (components.year, components.month, components.day) = (generalized.year, generalized.month, generalized.day)
        (components.hour, components.minute, components.second) = (generalized.hours, generalized.minutes, generalized.seconds)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: components) else { throw Self.malformed("genTime is not a date") }
        time = date.addingTimeInterval(generalized.fractionalSeconds)
        accuracySeconds = 0
        if info.count > 5, info[5].identifier == .sequence {
            for part in DERReading.children(info[5]) {
                let value = Double((try? Int(berEncoded: part, withIdentifier: part.identifier)) ?? 0)
                switch (part.identifier.tagClass, part.identifier.tagNumber) {
                case (.universal, _): accuracySeconds += value
                case (.contextSpecific, 0): accuracySeconds += value / 1000
                case (.contextSpecific, 1): accuracySeconds += value / 1_000_000
                default: break
                }
            }
        }
    }

    static func malformed(_ reason: String) -> ProvenanceError {
        ProvenanceError.malformedJUMBF(reason: "time stamp: \(reason)")
    }

    /// The bytes of an OCTET STRING (primitive, or constructed of primitive pieces in BER).
    static func octetString(_ node: ASN1Node) -> [UInt8] {
        switch node.content {
        case .primitive(let bytes): return Array(bytes)
        case .constructed(let pieces): return pieces.flatMap(octetString)
        }
    }

    static func signer(_ node: ASN1Node) -> Signer? {
        let parts = DERReading.children(node)
        guard parts.count >= 5 else { return nil }
        var index = 2
        guard let digest = DERReading.children(parts[index]).first.flatMap({ try? ASN1ObjectIdentifier(berEncoded: $0) }) else {
            return nil
        }
        index += 1
        var signedAttributes: [UInt8]?
        var messageDigest: [UInt8]?
        if parts[index].identifier.tagClass == .contextSpecific, parts[index].identifier.tagNumber == 0 {
            var encoded = Array(parts[index].encodedBytes)
            encoded[0] = 0x31 // [0] IMPLICIT -> SET OF, as signed (RFC 5652 5.4)
            signedAttributes = encoded
            for attribute in DERReading.children(parts[index]) {
                let pieces = DERReading.children(attribute)
                guard pieces.count == 2, (try? ASN1ObjectIdentifier(berEncoded: pieces[0]))?.description == "1.2.840.113549.1.9.4",
                      let value = DERReading.children(pieces[1]).first else { continue }
                messageDigest = octetString(value)
            }
            index += 1
        }
        guard index + 1 < parts.count,
              let signatureAlgorithm = DERReading.children(parts[index]).first.flatMap({ try? ASN1ObjectIdentifier(berEncoded: $0) })
        else { return nil }
        return Signer(digestAlgorithm: digest.description, signatureAlgorithm: signatureAlgorithm.description,
                      signature: octetString(parts[index + 1]), signedAttributes: signedAttributes,
                      messageDigest: messageDigest)
    }

    /// The certificate of the authority whose signature over the token verifies, DER and parsed; nil when none
    /// does (or the signed attributes' messageDigest does not match the TSTInfo).
    public func verifiedSigner() -> (certificate: Certificate, der: [UInt8])? {
        for signer in signers {
            let covered: [UInt8]
            if let attributes = signer.signedAttributes {
                guard let digest = SignatureCheck.digest(content, algorithm: signer.digestAlgorithm),
                      digest == signer.messageDigest else { continue }
                covered = attributes
            } else {
                covered = content
            }
            for der in certificates {
                guard let certificate = try? Certificate(derEncoded: der) else { continue }
                if SignatureCheck.verifyCMS(signature: signer.signature, data: covered, key: certificate.publicKey,
                                            digestAlgorithm: signer.digestAlgorithm,
                                            signatureAlgorithm: signer.signatureAlgorithm) {
                    return (certificate, der)
                }
            }
        }
        return nil
    }

    /// Whether the message imprint is the hash of `data`; nil when its hash algorithm is unknown.
    public func imprintMatches(_ data: [UInt8]) -> Bool? {
        SignatureCheck.digest(data, algorithm: imprintAlgorithm).map { $0 == imprint }
    }
}
