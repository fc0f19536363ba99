/// A BMFF hard binding (`c2pa.hash.bmff`, `.v2`, `.v3`; C2PA specification 18.6): which boxes are left out of the
/// hash, and the expected hash of the rest of the file.
public struct BMFFHashAssertion: Sendable {
    /// One exclusion: the boxes an xpath names, narrowed by length, version, flags and data, excluded whole or in
    /// subsets.
    public struct Exclusion: Sendable, Hashable {
        /// The box path (`/uuid`, `/moov/trak/mdia/minf/stbl/stco`).
        public var xpath: String
        /// Only boxes of this size.
        public var length: UInt64?
        /// Only boxes whose bytes at `offset` equal `value` (offsets from the box start).
        public var data: [(offset: UInt64, value: [UInt8])]
        /// Only these parts of the box (offset from the box start; length 0 means to the end).
        public var subsets: [(offset: UInt64, length: UInt64)]?
        /// Only full boxes of this version.
        public var version: UInt8?
        /// Only full boxes with these flags (3 bytes).
        public var flags: [UInt8]?
        /// Whether the flags must be equal (true, the default) or only covered.
        public var exact: Bool?

        /// Equal when every field is.
        public static func == (lhs: Exclusion, rhs: Exclusion) -> Bool {
            lhs.xpath == rhs.xpath && lhs.length == rhs.length && lhs.version == rhs.version && lhs.flags == rhs.flags
                && lhs.exact == rhs.exact && lhs.data.map(\.offset) == rhs.data.map(\.offset)
                && lhs.data.map(\.value) == rhs.data.map(\.value)
                && lhs.subsets?.map(\.offset) == rhs.subsets?.map(\.offset)
                && lhs.subsets?.map(\.length) == rhs.subsets?.map(\.length)
        }

        /// Hashes the xpath.
        public func hash(into hasher: inout Hasher) { hasher.combine(xpath) }
    }

    /// 1 for `c2pa.hash.bmff`, 2 for `.v2`, 3 for `.v3`: from 2 on, the offset of every top-level box that is not
    /// wholly excluded is hashed (8 bytes, big-endian) before its bytes.
    public var version: Int
    /// The exclusions.
    public var exclusions: [Exclusion]
    /// `alg`, when given.
    public var algorithm: String?
    /// The expected hash of the whole file minus the exclusions; nil when only Merkle trees are given.
    public var hash: [UInt8]?
    /// Whether Merkle trees (`merkle`) are given.
    public var hasMerkleTrees: Bool
    /// `name`, when given.
    public var name: String?

    /// Reads the assertion labelled `label` (its version comes from the label).
    public init(value: CBORValue, label: String) throws(ProvenanceError) {
        version = label.hasSuffix(".v3") ? 3 : label.hasSuffix(".v2") ? 2 : 1
        algorithm = value["alg"]?.textValue
        hash = value["hash"]?.bytesValue.map { [UInt8]($0) }
        hasMerkleTrees = value["merkle"]?.arrayValue.map { !$0.isEmpty } ?? false
        name = value["name"]?.textValue
        guard let list = value["exclusions"]?.arrayValue else {
            throw ProvenanceError.malformedJUMBF(reason: "\(label) has no exclusions")
        }
        exclusions = try list.map { (item: CBORValue) throws(ProvenanceError) -> Exclusion in
            guard let xpath = item["xpath"]?.textValue else {
                throw ProvenanceError.malformedJUMBF(reason: "an exclusion of \(label) has no xpath")
            }
            var exclusion = Exclusion(xpath: xpath, data: [])
            exclusion.length = item["length"].flatMap(Self.unsigned)
            exclusion.version = item["version"].flatMap(Self.unsigned).flatMap { UInt8(exactly: $0) }
            exclusion.flags = item["flags"]?.bytesValue.map { [UInt8]($0) }
            if case .bool(let exact)? = item["exact"] { exclusion.exact = exact }
            for entry in item["data"]?.arrayValue ?? [] {
                guard let offset = entry["offset"].flatMap(Self.unsigned), let bytes = entry["value"]?.bytesValue else {
                    throw ProvenanceError.malformedJUMBF(reason: "a data entry of \(label) lacks offset or value")
                }
                exclusion.data.append((offset, [UInt8](bytes)))
            }
            if let subsets = item["subset"]?.arrayValue {
                exclusion.subsets = try subsets.map { (entry: CBORValue) throws(ProvenanceError) -> (offset: UInt64, length: UInt64) in
                    guard let offset = entry["offset"].flatMap(Self.unsigned),
                          let length = entry["length"].flatMap(Self.unsigned) else {
                        throw ProvenanceError.malformedJUMBF(reason: "a subset of \(label) lacks offset or length")
                    }
                    return (offset, length)
                }
            }
            return exclusion
        }
    }

    static func unsigned(_ value: CBORValue) -> UInt64? {
        if case .unsigned(let number) = value { return number }
        return nil
    }

    /// Whether it is well formed (C2PA 18.6): at least one exclusion, and subsets in offset order without overlap.
    public var isWellFormed: Bool {
        guard !exclusions.isEmpty else { return false }
        for exclusion in exclusions {
            guard let subsets = exclusion.subsets, subsets.count > 1 else { continue }
            for (a, b) in zip(subsets, subsets.dropFirst()) {
                let (end, overflow) = a.offset.addingReportingOverflow(a.length)
                if overflow || a.offset > b.offset || end > b.offset { return false }
            }
        }
        return true
    }

    /// Whether it excludes more than the manifest store's own `uuid` box.
    public var hasAdditionalExclusions: Bool {
        exclusions.contains { $0.xpath != "/uuid" }
    }
}
