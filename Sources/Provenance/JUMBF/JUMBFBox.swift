/// The description box (`jumd`) that opens every JUMBF superbox (ISO/IEC 19566-5): what the superbox holds, its
/// label, and the optional id, hash and private box.
public struct JUMBFDescription: Sendable, Hashable {
    /// The 16-byte content type UUID.
    public var typeUUID: [UInt8]
    /// The toggles byte: 0x01 requestable, 0x02 label present, 0x04 id present, 0x08 hash present, 0x10 private
    /// box present.
    public var toggles: UInt8
    /// The label (`c2pa`, `urn:uuid:...`, `c2pa.claim`, `c2pa.actions`, ...).
    public var label: String?
    /// The id, when present.
    public var id: UInt32?
    /// The SHA-256 hash, when present.
    public var hash: [UInt8]?
    /// The private box (C2PA puts a `c2sh` salt box here), when present.
    public var privateBox: JUMBFContentBox?

    /// The content type as C2PA names it: the four characters of an ISO-style UUID (`c2pa`, `c2ma`, `c2cl`, `c2cs`,
    /// `c2as`, `cbor`, `json`, ...), else the UUID in its usual text form.
    public var typeName: String {
        if typeUUID.count == 16, Array(typeUUID[4...]) == JUMBFTypes.isoSuffix,
           typeUUID[0..<4].allSatisfy({ (0x20...0x7e).contains($0) }) {
            return String(decoding: typeUUID[0..<4], as: UTF8.self)
        }
        return JUMBFTypes.uuidString(typeUUID)
    }
}

/// A JUMBF box that is not a superbox: `cbor`, `json`, `bidb`, `bfdb`, `uuid`, `c2sh`, ... Offsets are into the
/// manifest store's bytes.
public struct JUMBFContentBox: Sendable, Hashable {
    /// The four-character box type.
    public var type: String
    /// The offset of the box in the manifest store.
    public var offset: Int
    /// The whole box size, header included.
    public var size: Int
    /// The header size: 8, or 16 with an extended size.
    public var headerSize: Int

    /// The range of its payload in the manifest store.
    public var payloadRange: Range<Int> { (offset + headerSize)..<(offset + size) }
}

/// A JUMBF superbox (`jumb`): a description and its content, which may be further superboxes.
public struct JUMBFSuperBox: Sendable, Hashable {
    /// One element of a superbox's content.
    public enum Child: Sendable, Hashable {
        /// A nested superbox.
        case superBox(JUMBFSuperBox)
        /// A content box.
        case content(JUMBFContentBox)
    }

    /// The description box.
    public var descriptionBox: JUMBFDescription
    /// The boxes after the description, in order.
    public var children: [Child]
    /// The offset of the superbox in the manifest store.
    public var offset: Int
    /// The whole superbox size, header included.
    public var size: Int
    /// The header size: 8, or 16 with an extended size.
    public var headerSize: Int

    /// The label of its description.
    public var label: String? { descriptionBox.label }

    /// The range of its payload (description and content, without its own header) in the manifest store: what a
    /// hashed URI to it hashes.
    public var payloadRange: Range<Int> { (offset + headerSize)..<(offset + size) }

    /// The nested superboxes.
    public var superBoxes: [JUMBFSuperBox] {
        children.compactMap { if case .superBox(let box) = $0 { return box } else { return nil } }
    }

    /// The content boxes.
    public var contentBoxes: [JUMBFContentBox] {
        children.compactMap { if case .content(let box) = $0 { return box } else { return nil } }
    }

    /// The first nested superbox labelled `label`.
    public func child(labelled label: String) -> JUMBFSuperBox? {
        superBoxes.first { $0.label == label }
    }
}

/// The content type UUIDs C2PA uses.
public enum JUMBFTypes {
    /// The last 12 bytes of the ISO-style UUIDs (`XXXXXXXX-0011-0010-8000-00AA00389B71`).
    public static let isoSuffix: [UInt8] = [0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]

    /// The UUID of a four-character ISO-style type.
    public static func uuid(_ fourCC: String) -> [UInt8] {
        Array(fourCC.utf8.prefix(4)) + isoSuffix
    }

    /// Text form of a 16-byte UUID, lower case.
    public static func uuidString(_ bytes: [UInt8]) -> String {
        let hex = bytes.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
        }
        guard hex.count == 16 else { return hex.joined() }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
    }
}
