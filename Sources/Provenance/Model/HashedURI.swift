import Foundation

/// A reference from a claim or an assertion to a box of the manifest store, with the hash of that box's content
/// (C2PA specification 8.3): `{url, alg?, hash}`.
public struct HashedURI: Sendable, Hashable, Encodable {
    /// The JUMBF URI: `self#jumbf=c2pa.assertions/c2pa.actions` (relative to its manifest) or
    /// `self#jumbf=/c2pa/urn:uuid:.../c2pa.assertions/c2pa.actions` (absolute).
    public var url: String
    /// The hash algorithm (`sha256`, `sha384`, `sha512`); nil means the claim's.
    public var algorithm: String?
    /// The expected hash of the referenced box's content.
    public var hash: [UInt8]

    /// Makes a reference.
    public init(url: String, algorithm: String? = nil, hash: [UInt8]) {
        self.url = url
        self.algorithm = algorithm
        self.hash = hash
    }

    /// The reference a CBOR map `{url, alg?, hash}` holds, or nil.
    public init?(_ value: CBORValue?) {
        guard let value, let url = value["url"]?.textValue, let hash = value["hash"]?.bytesValue else { return nil }
        self.init(url: url, algorithm: value["alg"]?.textValue, hash: [UInt8](hash))
    }

    /// The path after `self#jumbf=` (without a trailing `/`).
    public var jumbfPath: String {
        var path = url
        if let range = path.range(of: "#jumbf=") { path = String(path[range.upperBound...]) }
        while path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// The last component of the path: an assertion's label (`c2pa.actions__1`) or a box's.
    public var lastLabel: String {
        jumbfPath.split(separator: "/").last.map(String.init) ?? ""
    }

    /// The manifest label an absolute URI names (`urn:uuid:...`), or nil for a relative one.
    public var manifestLabel: String? {
        let parts = jumbfPath.split(separator: "/", omittingEmptySubsequences: true)
        guard jumbfPath.hasPrefix("/"), parts.count >= 2 else { return nil }
        return String(parts[1])
    }

    private enum Keys: String, CodingKey { case url, alg, hash }

    /// `{"url", "alg", "hash"}` with the hash in base64.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(url, forKey: .url)
        try container.encodeIfPresent(algorithm, forKey: .alg)
        try container.encode(Data(hash).base64EncodedString(), forKey: .hash)
    }
}
