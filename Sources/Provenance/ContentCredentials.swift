import Foundation

/// Reading and verifying the C2PA Content Credentials of MP4 and MOV files.
///
/// ```swift
/// let trust = try TrustPolicy(pems: [String(contentsOfFile: "roots.pem", encoding: .utf8)])
/// let report = try await ContentCredentials.verify(path: "clip.mp4", trust: trust)
/// print(report.state, report.summary.modelName ?? "-")
/// ```
public enum ContentCredentials {
    /// The largest manifest store read (manifests with thumbnails are a few hundred kilobytes).
    public static let maxManifestStoreSize: UInt64 = 64 << 20

    /// The box structure of `source` and its manifest store; nil when it has none.
    public static func read(source: some ByteSource) throws(ProvenanceError) -> (tree: BMFFBoxTree, store: ManifestStore?) {
        let tree = try BMFFBoxTree(source: source)
        let boxes = try C2PABox.find(in: tree, source: source)
        if boxes.contains(where: { $0.purpose == "update" }) {
            throw ProvenanceError.unsupported("an update manifest store (C2PA A.5.3, purpose 'update')")
        }
        let stores = boxes.filter { $0.purpose == "manifest" || $0.purpose == "original" }
        guard let box = stores.first else { return (tree, nil) }
        guard stores.count == 1 else { throw ProvenanceError.multipleManifestStores(count: stores.count) }
        guard box.dataLength <= maxManifestStoreSize else {
            throw ProvenanceError.manifestStoreTooLarge(size: box.dataLength, limit: maxManifestStoreSize)
        }
        let bytes = try source.read(at: box.dataOffset, length: Int(box.dataLength))
        return (tree, try ManifestStore(bytes: bytes))
    }

    /// The manifest store of the file at `path`; nil when it has none.
    public static func read(path: String) throws(ProvenanceError) -> ManifestStore? {
        try read(source: FileByteSource(path: path)).store
    }

    /// Reads and validates the Content Credentials of `source` (named `file` in the report): the hard binding,
    /// every hashed URI, the claim signatures, and the signers' certificates against `trust`. `now` is the time a
    /// certificate's validity is checked at when no trusted time stamp says when it signed.
    public static func verify(source: some ByteSource, file: String, trust: TrustPolicy = TrustPolicy(),
                              now: Date = Date()) async throws(ProvenanceError) -> ProvenanceReport {
        let (tree, store) = try read(source: source)
        guard let store else { return ProvenanceReport(file: file) }
        var validator = ManifestValidator(store: store, tree: tree, source: source, trust: trust, now: now)
        let active = await validator.validateActive()
        return ProvenanceReport(file: file, store: store, active: active, ingredients: validator.ingredients,
                                hardBinding: validator.hardBinding)
    }

    /// Reads and validates the Content Credentials of the file at `path`.
    public static func verify(path: String, trust: TrustPolicy = TrustPolicy(),
                              now: Date = Date()) async throws(ProvenanceError) -> ProvenanceReport {
        try await verify(source: FileByteSource(path: path), file: path, trust: trust, now: now)
    }
}
