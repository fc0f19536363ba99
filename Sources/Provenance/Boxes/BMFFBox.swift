/// One box of an ISO-BMFF file (MP4, MOV): where it is, what it is, and for the boxes that have them its extended
/// type and full-box version and flags.
public struct BMFFBox: Sendable, Hashable {
    /// The four-character type (`moov`, `uuid`, ...); bytes that are not printable ASCII are kept as Latin-1.
    public var type: String
    /// The offset of the box's first byte in the file.
    public var offset: UInt64
    /// The size of the whole box, header included.
    public var size: UInt64
    /// The size of its header: 8, 16 with a 64-bit size, plus 16 for a `uuid` box's extended type.
    public var headerSize: Int
    /// The extended type of a `uuid` box.
    public var userType: [UInt8]?
    /// The version of a full box (ISO 14496-12 lists which boxes are full boxes), or of the C2PA `uuid` box.
    public var version: UInt8?
    /// The 24-bit flags of a full box.
    public var flags: UInt32?
    /// The index of the parent in ``BMFFBoxTree/boxes``; nil for a top-level box.
    public var parent: Int?
    /// Depth: 1 for a top-level box.
    public var depth: Int

    /// The offset just past the box.
    public var end: UInt64 { offset + size }
    /// The offset of its payload (after the header and extended type).
    public var payloadOffset: UInt64 { offset + UInt64(headerSize) }

    /// Makes a box.
    public init(type: String, offset: UInt64, size: UInt64, headerSize: Int, userType: [UInt8]? = nil,
                version: UInt8? = nil, flags: UInt32? = nil, parent: Int? = nil, depth: Int = 1) {
        self.type = type
        self.offset = offset
        self.size = size
        self.headerSize = headerSize
        self.userType = userType
        self.version = version
        self.flags = flags
        self.parent = parent
        self.depth = depth
    }
}

/// Well-known box types and extended types.
public enum BMFFBoxTypes {
    /// The extended type of the C2PA `uuid` box (ContentProvenanceBox): d8fec3d6-1b0e-483c-9297-5828877ec481.
    public static let c2paUUID: [UInt8] = [0xd8, 0xfe, 0xc3, 0xd6, 0x1b, 0x0e, 0x48, 0x3c,
                                           0x92, 0x97, 0x58, 0x28, 0x87, 0x7e, 0xc4, 0x81]
    /// The extended type of the XMP `uuid` box: be7acfcb-97a9-42e8-9c71-999491e3afac.
    public static let xmpUUID: [UInt8] = [0xbe, 0x7a, 0xcf, 0xcb, 0x97, 0xa9, 0x42, 0xe8,
                                          0x9c, 0x71, 0x99, 0x94, 0x91, 0xe3, 0xaf, 0xac]

    /// Boxes whose payload is a sequence of boxes, walked into (as c2pa-rs does for hash exclusions).
    static let containers: Set<String> = ["moov", "trak", "mdia", "minf", "stbl", "moof", "traf", "edts", "udta",
                                          "dinf", "tref", "trgr", "mvex", "mfra", "meta", "schi"]

    /// Full boxes of ISO/IEC 14496-12:2022: a version byte and 24 bits of flags follow the header.
    static let fullBoxes: Set<String> = [
        "pdin", "mvhd", "tkhd", "mdhd", "hdlr", "nmhd", "elng", "stsd", "stdp", "stts", "ctts", "cslg", "stss",
        "stsh", "elst", "dref", "stsz", "stz2", "stsc", "stco", "co64", "padb", "subs", "saiz", "saio", "mehd",
        "trex", "mfhd", "tfhd", "trun", "tfra", "mfro", "tfdt", "leva", "trep", "assp", "sbgp", "sgpd", "csgp",
        "cprt", "tsel", "kind", "meta", "xml ", "bxml", "iloc", "pitm", "ipro", "infe", "iinf", "iref", "ipma",
        "schm", "fiin", "fpar", "fecr", "gitn", "fire", "stri", "stsg", "stvi", "csch", "sidx", "ssix", "prft",
        "srpp", "vmhd", "smhd", "srat", "chnl", "dmix", "txtC", "mime", "uri ", "uriI", "hmhd", "sthd", "vvhd",
        "medc",
    ]
}
