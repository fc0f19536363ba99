import Foundation

/// The hard binding of a manifest to an ISO-BMFF file, as the `c2pa.hash.bmff.v3` assertion states it: a SHA-256
/// over the file's top-level boxes minus the excluded ones, each box preceded by its absolute file offset as a
/// big-endian 64-bit number (the box-offset rule of v2 and v3 hashes, so moving a box breaks the binding).
///
/// Excluded, as the C2PA specification recommends and c2pa-rs writes: the C2PA `uuid` box itself (matched by its
/// extended type at byte 8), `ftyp`, `mfra`, `free` and `skip`. Only whole top-level boxes are excluded, so
/// `free` padding after the manifest and the manifest's own size are outside the hash: the manifest can be
/// written after hashing without moving any box that is hashed.
public struct BMFFHashWriter: Sendable {
    /// One exclusion of the assertion: a top-level box type, and for `uuid` the extended type it must carry.
    public struct Exclusion: Sendable, Hashable {
        /// The box path, e.g. "/free".
        public var xpath: String
        /// Bytes the box must hold at `matchOffset` to be excluded (nil: every box of the type).
        public var match: [UInt8]?
        /// Where `match` sits, counted from the box's first byte.
        public var matchOffset: Int

        /// Makes an exclusion.
        public init(xpath: String, match: [UInt8]? = nil, matchOffset: Int = 8) {
            self.xpath = xpath
            self.match = match
            self.matchOffset = matchOffset
        }
    }

    /// The assertion's label.
    public static let label = "c2pa.hash.bmff.v3"

    /// The exclusions written: the C2PA `uuid` box, `ftyp`, `mfra`, `free`, `skip`.
    public static let defaultExclusions: [Exclusion] = [
        Exclusion(xpath: "/uuid", match: ManifestBoxWriter.extendedType, matchOffset: 8),
        Exclusion(xpath: "/ftyp"), Exclusion(xpath: "/mfra"), Exclusion(xpath: "/free"), Exclusion(xpath: "/skip"),
    ]

    /// What is excluded from the hash.
    public var exclusions: [Exclusion]

    /// Makes a hasher; the exclusions are the default ones unless told.
    public init(exclusions: [Exclusion] = BMFFHashWriter.defaultExclusions) {
        self.exclusions = exclusions
    }

    /// The SHA-256 of the file at `path` under the exclusions (blocking: reads every hashed byte once).
    ///
    /// Computed by the reader's `BMFFHasher` from this hasher's own assertion, so what is signed is hashed by the
    /// same rule, over the same exclusions, that verification applies.
    public func hash(fileAt path: String) throws -> Data {
        do {
            let source = try FileByteSource(path: path)
            let tree = try BMFFBoxTree(source: source)
            let stated = try BMFFHashAssertion(value: assertion(hash: Data(count: 32)), label: Self.label)
            let pieces = try BMFFHasher.pieces(for: stated, tree: tree, source: source)
            return Data(try BMFFHasher.hash(pieces, source: source, algorithm: .sha256))
        } catch {
            throw ManifestSigningError("\(path): cannot hash it: \(error)")
        }
    }

    /// Whether `box` is excluded: its type has an exclusion whose data (if any) matches.
    func isExcluded(_ box: TopLevelBoxScan.Box, in handle: FileHandle) throws -> Bool {
        for exclusion in exclusions where exclusion.xpath == "/" + box.type {
            guard let match = exclusion.match else { return true }
            guard Int64(exclusion.matchOffset + match.count) <= box.size else { continue }
            try handle.seek(toOffset: UInt64(box.offset) + UInt64(exclusion.matchOffset))
            if let bytes = try handle.read(upToCount: match.count), Array(bytes) == match { return true }
        }
        return false
    }

    /// The assertion's CBOR: the exclusions, the algorithm, the hash and a name, in the order c2pa-rs writes
    /// them.
    public func assertion(hash: Data) -> CBORValue {
        let excluded: [CBORValue] = exclusions.map { exclusion in
            var pairs = [CBORPair(key: .text("xpath"), value: .text(exclusion.xpath))]
            if let match = exclusion.match {
                let data: CBORValue = .map([
                    CBORPair(key: .text("offset"), value: .unsigned(UInt64(exclusion.matchOffset))),
                    CBORPair(key: .text("value"), value: .bytes(Data(match))),
                ])
                pairs.append(CBORPair(key: .text("data"), value: .array([data])))
            }
            return .map(pairs)
        }
        return .map([
            CBORPair(key: .text("exclusions"), value: .array(excluded)),
            CBORPair(key: .text("alg"), value: .text("sha256")),
            CBORPair(key: .text("hash"), value: .bytes(hash)),
            CBORPair(key: .text("name"), value: .text("jumbf manifest")),
        ])
    }
}
