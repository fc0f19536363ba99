/// Why a file's Content Credentials could not be read at all (as opposed to read and found wanting, which is a
/// ``ProvenanceReport`` with failure codes).
public enum ProvenanceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be opened or read.
    case cannotRead(path: String, reason: String)
    /// The file is not ISO-BMFF (MP4, MOV, ...): no `ftyp` box at its start.
    case notBMFF(reason: String)
    /// The box structure of the file is broken (a box runs past its parent or the file, boxes nest too deep).
    case malformedBox(offset: UInt64, reason: String)
    /// The C2PA manifest store box is broken (JUMBF structure, labels, sizes).
    case malformedJUMBF(reason: String)
    /// A CBOR structure of the manifest store could not be decoded.
    case malformedCBOR(what: String, error: CBORError)
    /// More than one C2PA manifest store box.
    case multipleManifestStores(count: Int)
    /// The manifest store is larger than the reader accepts.
    case manifestStoreTooLarge(size: UInt64, limit: UInt64)
    /// A trust list (PEM) could not be read.
    case invalidTrustList(reason: String)
    /// Something this reader does not read (an update manifest store).
    case unsupported(String)

    /// One line for people.
    public var description: String {
        switch self {
        case .cannotRead(let path, let reason): return "\(path): cannot read: \(reason)"
        case .notBMFF(let reason): return "not an MP4 or MOV file: \(reason)"
        case .malformedBox(let offset, let reason): return "broken box structure at byte \(offset): \(reason)"
        case .malformedJUMBF(let reason): return "broken C2PA manifest store: \(reason)"
        case .malformedCBOR(let what, let error): return "broken C2PA manifest store: \(what): \(error)"
        case .multipleManifestStores(let count): return "\(count) C2PA manifest stores where one is allowed"
        case .manifestStoreTooLarge(let size, let limit):
            return "the C2PA manifest store is \(size) bytes, more than the \(limit) bytes read"
        case .invalidTrustList(let reason): return "trust list: \(reason)"
        case .unsupported(let what): return "not supported: \(what)"
        }
    }
}
