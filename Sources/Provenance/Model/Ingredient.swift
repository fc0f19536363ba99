/// One ingredient of a manifest (`c2pa.ingredient`, `.v2` or `.v3`; C2PA specification 18.15): an asset the
/// media was made from, and the hashed references to its own manifest when it had one.
public struct Ingredient: Sendable, Hashable, Encodable {
    /// 1, 2 or 3, from the assertion label.
    public var version: Int
    /// The label of the ingredient assertion (`c2pa.ingredient__1`).
    public var assertionLabel: String
    /// `dc:title`.
    public var title: String?
    /// `dc:format`.
    public var format: String?
    /// `relationship`: `parentOf`, `componentOf` or `inputTo`.
    public var relationship: String?
    /// `documentID`.
    public var documentID: String?
    /// `instanceID`.
    public var instanceID: String?
    /// The reference to the ingredient's manifest: `c2pa_manifest` (v1, v2) or `activeManifest` (v3).
    public var manifestReference: HashedURI?
    /// The reference to the ingredient's claim signature (v3 `claimSignature`).
    public var claimSignatureReference: HashedURI?
    /// The reference to its thumbnail.
    public var thumbnailReference: HashedURI?
    /// The reference to its data (v2, v3 `data`).
    public var dataReference: HashedURI?

    /// The ingredient a CBOR map holds, or nil.
    public init?(_ value: CBORValue, assertionLabel: String, baseLabel: String) {
        guard case .map = value else { return nil }
        self.assertionLabel = assertionLabel
        version = baseLabel.hasSuffix(".v3") ? 3 : baseLabel.hasSuffix(".v2") ? 2 : 1
        title = value["dc:title"]?.textValue ?? value["title"]?.textValue
        format = value["dc:format"]?.textValue ?? value["format"]?.textValue
        relationship = value["relationship"]?.textValue
        documentID = value["documentID"]?.textValue
        instanceID = value["instanceID"]?.textValue
        manifestReference = HashedURI(value["activeManifest"]) ?? HashedURI(value["c2pa_manifest"])
        claimSignatureReference = HashedURI(value["claimSignature"])
        thumbnailReference = HashedURI(value["thumbnail"])
        dataReference = HashedURI(value["data"])
    }

    /// The label of the ingredient's manifest (`urn:uuid:...`), from its reference.
    public var manifestLabel: String? {
        manifestReference?.manifestLabel
    }

    /// Every hashed reference it holds, each with the field it came from.
    public var references: [(field: String, reference: HashedURI)] {
        [("manifest", manifestReference), ("claimSignature", claimSignatureReference),
         ("thumbnail", thumbnailReference), ("data", dataReference)]
            .compactMap { field, reference in reference.map { (field, $0) } }
    }

    private enum Keys: String, CodingKey {
        case title, format, relationship, manifest, documentID = "document_id", instanceID = "instance_id"
    }

    /// Encodes title, format, relationship, ids and the manifest label.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(title, forKey: .title)
        try container.encode(format, forKey: .format)
        try container.encode(relationship, forKey: .relationship)
        try container.encode(manifestLabel, forKey: .manifest)
        try container.encodeIfPresent(documentID, forKey: .documentID)
        try container.encodeIfPresent(instanceID, forKey: .instanceID)
    }

    /// Equal when they come from the same assertion with the same fields.
    public static func == (lhs: Ingredient, rhs: Ingredient) -> Bool {
        lhs.assertionLabel == rhs.assertionLabel && lhs.title == rhs.title && lhs.manifestReference == rhs.manifestReference
    }

    /// Hashes the assertion label.
    public func hash(into hasher: inout Hasher) { hasher.combine(assertionLabel) }
}
