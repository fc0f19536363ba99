/// A C2PA manifest store (C2PA specification 11.1): the JUMBF superbox labelled `c2pa` that holds one manifest per
/// signing step, the active one last.
public struct ManifestStore: Sendable {
    /// The JUMBF bytes of the store (offsets of every box refer to these).
    public let bytes: [UInt8]
    /// The store superbox.
    public let root: JUMBFSuperBox
    /// The manifests, in store order.
    public let manifests: [Manifest]

    /// The active manifest: the last in the store.
    public var activeManifest: Manifest? { manifests.last }

    /// The manifest labelled `label`, or nil.
    public func manifest(labelled label: String) -> Manifest? {
        manifests.first { $0.label == label }
    }

    /// Parses a manifest store from its JUMBF bytes.
    public init(bytes: [UInt8], limits: JUMBFParser.Limits = JUMBFParser.Limits()) throws(ProvenanceError) {
        self.bytes = bytes
        root = try JUMBFParser(limits: limits).parseSuperBox(bytes)
        guard root.descriptionBox.typeName == "c2pa" || root.label == "c2pa" else {
            throw ProvenanceError.malformedJUMBF(reason: "the store superbox is '\(root.label ?? root.descriptionBox.typeName)', not 'c2pa'")
        }
        var manifests: [Manifest] = []
        for box in root.superBoxes where ["c2ma", "c2um"].contains(box.descriptionBox.typeName) {
            manifests.append(try Manifest(box: box, bytes: bytes))
        }
        guard !manifests.isEmpty else { throw ProvenanceError.malformedJUMBF(reason: "the manifest store holds no manifest") }
        self.manifests = manifests
    }

    /// The superbox a JUMBF URI names: absolute (`self#jumbf=/c2pa/urn:uuid:.../c2pa.assertions/x`) or relative to
    /// the manifest labelled `manifestLabel` (`self#jumbf=c2pa.assertions/x`). Nil when nothing has that path.
    public func resolve(_ url: String, relativeTo manifestLabel: String) -> JUMBFSuperBox? {
        var path = url
        if let range = path.range(of: "#jumbf=") { path = String(path[range.upperBound...]) }
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var box: JUMBFSuperBox
        if path.hasPrefix("/") {
            guard parts.first == root.label else { return nil }
            parts.removeFirst()
            box = root
        } else {
            guard let manifest = manifest(labelled: manifestLabel) else { return nil }
            box = manifest.box
        }
        for part in parts {
            guard let next = box.child(labelled: part) else { return nil }
            box = next
        }
        return box
    }

    /// The content of a superbox: what a hashed URI to it hashes.
    public func payload(of box: JUMBFSuperBox) -> ArraySlice<UInt8> {
        bytes[box.payloadRange]
    }
}
