/// The boxes of an ISO-BMFF file: every top-level box, and the boxes inside the container boxes (`moov`, `trak`,
/// `moof`, `meta`, ...), in file order.
///
/// The walk is bounded: a box that runs past its parent is an error (except a truncated `mdat`, which is cut at the
/// end of the file, as readers of real-world files do), nesting deeper than ``Limits/maxDepth`` and more boxes
/// than ``Limits/maxBoxes`` are errors, and a few bytes too short to be a box at the end of a parent are ignored.
public struct BMFFBoxTree: Sendable {
    /// How far the walk may go.
    public struct Limits: Sendable, Hashable {
        /// Deepest nesting (a top-level box is depth 1).
        public var maxDepth: Int
        /// Most boxes in one file.
        public var maxBoxes: Int

        /// Makes limits.
        public init(maxDepth: Int = 32, maxBoxes: Int = 500_000) {
            self.maxDepth = maxDepth
            self.maxBoxes = maxBoxes
        }
    }

    /// Every box, parents before their children, in file order.
    public private(set) var boxes: [BMFFBox] = []
    /// The size of the file walked.
    public let fileSize: UInt64

    /// The top-level boxes.
    public var topLevel: [BMFFBox] { boxes.filter { $0.parent == nil } }

    /// Walks the boxes of `source`. The first box must be `ftyp` (ISO 14496-12 requires it first; QuickTime files
    /// have it too), else the file is not ISO-BMFF.
    public init(source: some ByteSource, limits: Limits = Limits()) throws(ProvenanceError) {
        fileSize = source.count
        let head = try source.read(at: 0, length: 8)
        guard head.count == 8 else {
            throw ProvenanceError.notBMFF(reason: "the file has \(head.count) bytes, too short for a box")
        }
        let firstType = Self.typeString(head[4..<8])
        guard firstType == "ftyp" else {
            throw ProvenanceError.notBMFF(reason: "the first box is '\(firstType)', not 'ftyp'")
        }
        try walk(source, from: 0, to: fileSize, parent: nil, depth: 1, limits: limits)
    }

    /// The children of the box at `index` in ``boxes``.
    public func children(of index: Int) -> [Int] {
        boxes.indices.filter { boxes[$0].parent == index }
    }

    /// The `/`-separated path of types from the top (`/moov/trak/mdia`).
    public func path(of index: Int) -> String {
        var parts: [String] = []
        var current: Int? = index
        while let at = current {
            parts.append(boxes[at].type)
            current = boxes[at].parent
        }
        return "/" + parts.reversed().joined(separator: "/")
    }

    /// The boxes an exclusion xpath of a BMFF hash names (`/uuid`, `/moov/trak/mdia/minf/stbl/stco`,
    /// `/moov/trak[2]/mdia`: an index counts from 1 among all the boxes of that type at that level). A malformed
    /// path names no box.
    public func boxes(matching xpath: String) -> [Int] {
        let parts = xpath.split(separator: "/", omittingEmptySubsequences: false).dropFirst(xpath.hasPrefix("/") ? 1 : 0)
        var candidates = boxes.indices.filter { boxes[$0].parent == nil }
        var selected: [Int] = []
        for (level, part) in parts.enumerated() {
            var name = Substring(part)
            var index: Int?
            if let open = part.firstIndex(of: "[") {
                guard part.hasSuffix("]"), let number = Int(part[part.index(after: open)..<part.index(before: part.endIndex)]),
                      number >= 1 else { return [] }
                name = part[..<open]
                index = number - 1
            }
            guard name.count >= 4 else { return [] }
            var matching = candidates.filter { boxes[$0].type == name }
            if let index {
                guard index < matching.count else { return [] }
                matching = [matching[index]]
            }
            selected = matching
            if level < parts.count - 1 {
                let wanted = Set(matching)
                candidates = boxes.indices.filter { boxes[$0].parent.map(wanted.contains) ?? false }
            }
        }
        return selected
    }

    private mutating func walk(_ source: some ByteSource, from start: UInt64, to end: UInt64, parent: Int?,
                               depth: Int, limits: Limits) throws(ProvenanceError) {
        if depth > limits.maxDepth {
            throw ProvenanceError.malformedBox(offset: start, reason: "boxes nested deeper than \(limits.maxDepth) levels")
        }
        var position = start
        while position < end, end - position >= 8 {
            let header = try source.read(at: position, length: 16)
            guard header.count >= 8 else { break }
            let size32 = UInt64(header[0]) << 24 | UInt64(header[1]) << 16 | UInt64(header[2]) << 8 | UInt64(header[3])
            let type = Self.typeString(header[4..<8])
            var headerSize = 8
            var size: UInt64
            switch size32 {
            case 1:
                guard header.count >= 16, end - position >= 16 else {
                    throw ProvenanceError.malformedBox(offset: position, reason: "box '\(type)' ends inside its 64-bit size")
                }
                size = header[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
                headerSize = 16
                guard size >= 16 else {
                    throw ProvenanceError.malformedBox(offset: position, reason: "box '\(type)' has a 64-bit size of \(size), smaller than its header")
                }
            case 0:
                size = end - position
            default:
                size = size32
                guard size >= 8 else {
                    throw ProvenanceError.malformedBox(offset: position, reason: "box '\(type)' has a size of \(size), smaller than its header")
                }
            }
            if size > end - position {
                guard type == "mdat" else {
                    throw ProvenanceError.malformedBox(offset: position,
                        reason: "box '\(type)' of \(size) bytes runs past the end of its \(parent == nil ? "file" : "parent") (\(end - position) bytes left)")
                }
                size = end - position
            }
            guard boxes.count < limits.maxBoxes else {
                throw ProvenanceError.malformedBox(offset: position, reason: "more than \(limits.maxBoxes) boxes")
            }
            var box = BMFFBox(type: type, offset: position, size: size, headerSize: headerSize, parent: parent, depth: depth)
            var childStart = position + UInt64(headerSize)
            if type == "uuid" {
                let extended = try source.read(at: childStart, length: 20)
                guard size >= UInt64(headerSize + 16), extended.count >= 16 else {
                    throw ProvenanceError.malformedBox(offset: position, reason: "uuid box of \(size) bytes has no room for its extended type")
                }
                box.userType = Array(extended[0..<16])
                box.headerSize += 16
                if box.userType == BMFFBoxTypes.c2paUUID, size >= UInt64(headerSize + 20), extended.count >= 20 {
                    box.version = extended[16]
                    box.flags = UInt32(extended[17]) << 16 | UInt32(extended[18]) << 8 | UInt32(extended[19])
                }
            } else if BMFFBoxTypes.fullBoxes.contains(type), size >= UInt64(headerSize + 4) {
                let versionAndFlags = try source.read(at: childStart, length: 12)
                // QuickTime writes `meta` as a plain box: its payload starts with the `hdlr` child, not version and flags.
                let quickTimeMeta = type == "meta" && versionAndFlags.count >= 8
                    && Self.typeString(versionAndFlags[4..<8]) == "hdlr"
                if !quickTimeMeta, versionAndFlags.count >= 4 {
                    box.version = versionAndFlags[0]
                    box.flags = UInt32(versionAndFlags[1]) << 16 | UInt32(versionAndFlags[2]) << 8 | UInt32(versionAndFlags[3])
                    childStart += 4
                }
            }
            boxes.append(box)
            if BMFFBoxTypes.containers.contains(type) {
                try walk(source, from: childStart, to: position + size, parent: boxes.count - 1, depth: depth + 1,
                         limits: limits)
            }
            position += size
        }
    }

    /// Four type bytes as text (Latin-1, so any byte maps to one character).
    static func typeString(_ bytes: ArraySlice<UInt8>) -> String {
        String(bytes.map { Character(Unicode.Scalar($0)) })
    }
}
