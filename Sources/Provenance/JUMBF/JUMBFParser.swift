/// Parses JUMBF (ISO/IEC 19566-5) as C2PA uses it: a tree of superboxes, each opened by a description box.
///
/// Every size is checked against its parent before use, nesting and the number of boxes are limited, and the
/// label must be NUL-terminated inside its description box.
public struct JUMBFParser: Sendable {
    /// How much one manifest store may hold.
    public struct Limits: Sendable, Hashable {
        /// Deepest nesting of superboxes (the manifest store is depth 1).
        public var maxDepth: Int
        /// Most boxes in one manifest store.
        public var maxBoxes: Int

        /// Makes limits.
        public init(maxDepth: Int = 16, maxBoxes: Int = 100_000) {
            self.maxDepth = maxDepth
            self.maxBoxes = maxBoxes
        }
    }

    /// The limits kept.
    public var limits: Limits

    /// Makes a parser.
    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// The superbox at the start of `bytes` (bytes after it, such as zero padding, are ignored).
    public func parseSuperBox(_ bytes: [UInt8]) throws(ProvenanceError) -> JUMBFSuperBox {
        var count = 0
        let header = try Self.header(bytes, at: 0, end: bytes.count)
        guard header.type == "jumb" else {
            throw ProvenanceError.malformedJUMBF(reason: "the manifest store starts with a '\(header.type)' box, not 'jumb'")
        }
        return try superBox(bytes, at: 0, header: header, depth: 1, count: &count)
    }

    /// A box header: type, total size and header size, checked to fit before `end`.
    static func header(_ bytes: [UInt8], at offset: Int, end: Int) throws(ProvenanceError) -> (type: String, size: Int, headerSize: Int) {
        guard end - offset >= 8 else {
            throw ProvenanceError.malformedJUMBF(reason: "\(end - offset) bytes at \(offset), too few for a box header")
        }
        let lbox = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
        let type = BMFFBoxTree.typeString(bytes[(offset + 4)..<(offset + 8)])
        switch lbox {
        case 0:
            return (type, end - offset, 8)
        case 1:
            guard end - offset >= 16 else {
                throw ProvenanceError.malformedJUMBF(reason: "box '\(type)' at \(offset) ends inside its extended size")
            }
            let xl = bytes[(offset + 8)..<(offset + 16)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard xl >= 16, xl <= UInt64(end - offset) else {
                throw ProvenanceError.malformedJUMBF(reason: "box '\(type)' at \(offset) has size \(xl), outside 16...\(end - offset)")
            }
            return (type, Int(xl), 16)
        default:
            guard lbox >= 8, lbox <= end - offset else {
                throw ProvenanceError.malformedJUMBF(reason: "box '\(type)' at \(offset) has size \(lbox), outside 8...\(end - offset)")
            }
            return (type, lbox, 8)
        }
    }

    private func superBox(_ bytes: [UInt8], at offset: Int, header: (type: String, size: Int, headerSize: Int),
                          depth: Int, count: inout Int) throws(ProvenanceError) -> JUMBFSuperBox {
        guard depth <= limits.maxDepth else {
            throw ProvenanceError.malformedJUMBF(reason: "superboxes nested deeper than \(limits.maxDepth) levels")
        }
        let end = offset + header.size
        var position = offset + header.headerSize
        let descriptionHeader = try Self.header(bytes, at: position, end: end)
        guard descriptionHeader.type == "jumd" else {
            throw ProvenanceError.malformedJUMBF(reason: "superbox at \(offset) opens with '\(descriptionHeader.type)', not 'jumd'")
        }
        let description = try self.description(bytes, at: position, header: descriptionHeader, count: &count)
        position += descriptionHeader.size
        var children: [JUMBFSuperBox.Child] = []
        while position < end {
            count += 1
            guard count <= limits.maxBoxes else {
                throw ProvenanceError.malformedJUMBF(reason: "more than \(limits.maxBoxes) boxes")
            }
            let child = try Self.header(bytes, at: position, end: end)
            if child.type == "jumb" {
                children.append(.superBox(try superBox(bytes, at: position, header: child, depth: depth + 1, count: &count)))
            } else {
                children.append(.content(JUMBFContentBox(type: child.type, offset: position, size: child.size,
                                                         headerSize: child.headerSize)))
            }
            position += child.size
        }
        return JUMBFSuperBox(descriptionBox: description, children: children, offset: offset, size: header.size,
                             headerSize: header.headerSize)
    }

    private func description(_ bytes: [UInt8], at offset: Int, header: (type: String, size: Int, headerSize: Int),
                             count: inout Int) throws(ProvenanceError) -> JUMBFDescription {
        let end = offset + header.size
        var position = offset + header.headerSize
        guard end - position >= 17 else {
            throw ProvenanceError.malformedJUMBF(reason: "description box at \(offset) too small for its type and toggles")
        }
        let uuid = Array(bytes[position..<(position + 16)])
        let toggles = bytes[position + 16]
        position += 17
        var result = JUMBFDescription(typeUUID: uuid, toggles: toggles)
        if toggles & 0x02 != 0 {
            guard let nul = bytes[position..<end].firstIndex(of: 0) else {
                throw ProvenanceError.malformedJUMBF(reason: "description box at \(offset): the label has no terminating NUL")
            }
            guard let label = String(validating: bytes[position..<nul], as: UTF8.self) else {
                throw ProvenanceError.malformedJUMBF(reason: "description box at \(offset): the label is not UTF-8")
            }
            result.label = label
            position = nul + 1
        }
        if toggles & 0x04 != 0 {
            guard end - position >= 4 else {
                throw ProvenanceError.malformedJUMBF(reason: "description box at \(offset) ends inside its id")
            }
            result.id = bytes[position..<(position + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            position += 4
        }
        if toggles & 0x08 != 0 {
            guard end - position >= 32 else {
                throw ProvenanceError.malformedJUMBF(reason: "description box at \(offset) ends inside its hash")
            }
            result.hash = Array(bytes[position..<(position + 32)])
            position += 32
        }
        if toggles & 0x10 != 0 {
            let box = try Self.header(bytes, at: position, end: end)
            count += 1
            result.privateBox = JUMBFContentBox(type: box.type, offset: position, size: box.size, headerSize: box.headerSize)
        }
        return result
    }
}
