import Foundation
import Provenance

/// The provenance fuzz targets: everything runs in memory (no file), so an input is only the bytes.
enum ProvenanceFuzz {
    static func run(_ target: FuzzTarget, _ bytes: [UInt8]) {
        switch target {
        case .provenance:
            // The verifier is async (chain validation); the fuzzer's thread waits for it.
            let done = DispatchSemaphore(value: 0)
            Task.detached {
                if let report = try? await ContentCredentials.verify(source: DataByteSource(bytes), file: "fuzz") {
                    _ = (report.state, report.summary, report.validationStatus.count)
                    _ = try? JSONEncoder().encode(report)
                }
                done.signal()
            }
            done.wait()
        case .boxes:
            let source = DataByteSource(bytes)
            guard let tree = try? BMFFBoxTree(source: source) else { return }
            _ = try? C2PABox.find(in: tree, source: source)
            for xpath in ["/uuid", "/moov/trak/mdia/minf/stbl/stco", "/moov/trak[2]/mdia", "/meta/iloc", "/x"] {
                _ = tree.boxes(matching: xpath)
            }
            if let last = tree.boxes.indices.last { _ = tree.path(of: last) }
        case .jumbf:
            guard let store = try? ManifestStore(bytes: bytes) else { return }
            for manifest in store.manifests {
                _ = (manifest.actions, manifest.ingredients, manifest.hardBindings, manifest.modelName)
                for reference in manifest.claim.assertionReferences {
                    _ = store.resolve(reference.url, relativeTo: manifest.label).map(store.payload)
                }
            }
        case .cbor:
            if let (value, _) = try? CBORDecoder().decodePrefix(bytes) {
                _ = JSONValue(value).description
            }
        default:
            break
        }
    }
}
