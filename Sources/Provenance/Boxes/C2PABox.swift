/// A top-level C2PA `uuid` box (ContentProvenanceBox, C2PA specification A.3): a full box whose payload is a
/// purpose (`manifest`, `merkle`, `original`, `update`), then for a manifest store an 8-byte offset to the first
/// auxiliary `uuid` box and the JUMBF manifest store itself.
public struct C2PABox: Sendable, Hashable {
    /// The box in the file.
    public var box: BMFFBox
    /// Its purpose.
    public var purpose: String
    /// For a manifest store: the offset of the first auxiliary (Merkle) `uuid` box, 0 when there is none.
    public var auxiliaryOffset: UInt64?
    /// Where the purpose-specific data starts in the file (the JUMBF for a manifest store).
    public var dataOffset: UInt64
    /// How many bytes of data follow.
    public var dataLength: UInt64

    /// The C2PA boxes among the top-level boxes of `tree`.
    public static func find(in tree: BMFFBoxTree, source: some ByteSource) throws(ProvenanceError) -> [C2PABox] {
        var found: [C2PABox] = []
        for box in tree.topLevel where box.type == "uuid" && box.userType == BMFFBoxTypes.c2paUUID {
            // After the header and extended type: version and flags (4 bytes), the purpose, a NUL.
            let start = box.payloadOffset + 4
            guard box.end >= start else {
                throw ProvenanceError.malformedBox(offset: box.offset, reason: "C2PA box too small for its version and flags")
            }
            let probe = try source.read(at: start, length: Int(min(256, box.end - start)))
            guard let nul = probe.firstIndex(of: 0) else {
                throw ProvenanceError.malformedBox(offset: box.offset, reason: "C2PA box purpose has no terminating NUL within 256 bytes")
            }
            let purpose = String(decoding: probe[..<nul], as: UTF8.self)
            var dataOffset = start + UInt64(nul) + 1
            var auxiliary: UInt64?
            if purpose == "manifest" || purpose == "original" {
                guard box.end >= dataOffset + 8 else {
                    throw ProvenanceError.malformedBox(offset: box.offset, reason: "C2PA manifest box too small for its auxiliary offset")
                }
                auxiliary = try source.read(at: dataOffset, length: 8).reduce(0) { $0 << 8 | UInt64($1) }
                dataOffset += 8
            }
            found.append(C2PABox(box: box, purpose: purpose, auxiliaryOffset: auxiliary, dataOffset: dataOffset,
                                 dataLength: box.end - dataOffset))
        }
        return found
    }
}
