import Foundation

/// The top-level box that carries a C2PA manifest store in an ISO-BMFF (MP4/MOV) file (C2PA 2.x, "Embedding
/// manifests into BMFF-based assets"): a `uuid` box of C2PA's extended type whose payload is version and flags, the
/// purpose "manifest" NUL-terminated, an 8-byte offset to the first Merkle `uuid` box (0: none), then the store.
public enum ManifestBoxWriter {
    /// C2PA's extended type for its `uuid` box: d8fec3d6-1b0e-483c-9297-5828877ec481.
    public static let extendedType: [UInt8] = [0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C,
                                               0x92, 0x97, 0x58, 0x28, 0x87, 0x7E, 0xC4, 0x81]

    /// The purpose of a box that holds a whole manifest store (other purposes carry Merkle trees).
    public static let manifestPurpose = "manifest"

    /// Bytes of the box before the store: header 8, extended type 16, version and flags 4, "manifest\0" 9, offset 8.
    public static let headerSize = 8 + 16 + 4 + 9 + 8

    /// The whole `uuid` box around `manifestStore` (a `jumb` superbox of the store's content type).
    public static func box(manifestStore: Data) throws -> Data {
        var payload = Data(extendedType)
        payload.append(contentsOf: [0, 0, 0, 0])                                // version 0, flags 0
        payload.append(contentsOf: Array(manifestPurpose.utf8) + [0])
        payload.append(contentsOf: [UInt8](repeating: 0, count: 8))             // no Merkle boxes
        payload.append(manifestStore)
        return try JUMBFWriter.box(type: "uuid", payload: payload)
    }

    /// A `free` box of exactly `size` bytes (at least 8), zero-filled: what is left of reserved space after the
    /// manifest. BMFF readers skip it, and C2PA's hard binding excludes `/free`.
    public static func freeBox(size: Int) throws -> Data {
        guard size >= 8 else { throw ManifestSigningError("a free box takes at least 8 bytes, not \(size)") }
        return try JUMBFWriter.box(type: "free", payload: Data(count: size - 8))
    }
}
