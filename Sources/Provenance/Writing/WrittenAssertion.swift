import Crypto
import Foundation

/// One assertion as written into the assertion store: its label, its CBOR bytes, its JUMBF superbox, and the
/// hash the claim refers to it by.
///
/// The hash is the SHA-256 of the superbox's payload: the description box and the content box, without the
/// superbox's own 8-byte header (C2PA 2.x, "Hashing JUMBF boxes"; c2pa-rs hashes the same bytes).
public struct WrittenAssertion: Sendable, Hashable {
    /// The label, e.g. `c2pa.actions.v2`.
    public let label: String
    /// The assertion's encoded CBOR.
    public let cbor: Data
    /// The whole `jumb` superbox of content type `cbor`.
    public let superbox: Data
    /// SHA-256 of `superbox` minus its first 8 bytes.
    public let hash: Data

    /// Encodes `value` and boxes it under `label`.
    public init(label: String, value: CBORValue) throws {
        self.label = label
        cbor = CBOREncoder.encode(value)
        let payload = try JUMBFWriter.superboxPayload(contentType: JUMBFWriter.ContentType.cborAssertion,
                                                      label: label, contents: [JUMBFWriter.cborBox(cbor)])
        hash = Data(SHA256.hash(data: payload))
        superbox = try JUMBFWriter.box(type: "jumb", payload: payload)
    }

    /// The claim's reference to it: `{url, alg, hash}` with a URI relative to the manifest.
    public var hashedURI: CBORValue {
        .map([
            CBORPair(key: .text("url"), value: .text("self#jumbf=c2pa.assertions/\(label)")),
            CBORPair(key: .text("alg"), value: .text("sha256")),
            CBORPair(key: .text("hash"), value: .bytes(hash)),
        ])
    }
}
