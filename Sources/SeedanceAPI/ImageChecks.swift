import Foundation

/// What an image's bytes say about it: the format (from the signature, never the file name) and its pixel size.
public struct ImageFacts: Sendable, Hashable {
    /// The lowercase format name a data URL uses (`png`, `jpeg`, `webp`, `bmp`, `tiff`, `gif`).
    public var format: String
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int

    /// Makes the facts.
    public init(format: String, width: Int, height: Int) {
        self.format = format
        self.width = width
        self.height = height
    }

    /// The size as a `PixelSize`.
    public var size: PixelSize { PixelSize(width, height) }
}

/// The service's input-image limits, checked on the bytes: used by the CLI (`--image PATH`), plans and the simulator
/// (data URLs), so each rule lives here once.
///
/// Limits: a JPEG, PNG, WebP, BMP, TIFF or GIF image, under 30 MB, sides 300...6000 px, width/height 0.4...2.5.
public enum ImageChecks {
    /// Images must be smaller than this (30 MB).
    public static let maxBytes = 30 * 1024 * 1024
    /// Allowed side lengths in pixels.
    public static let sides = 300...6000
    /// Allowed width/height ratios.
    public static let aspectRatios = 0.4...2.5

    /// One broken rule, said as a short clause (`100x100: each side must be 300...6000 px`).
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// The rule and what the image has.
        public var reason: String
        /// Makes a problem.
        public init(_ reason: String) { self.reason = reason }
        public var description: String { reason }
    }

    /// Checks `data` against every limit; returns its format and size, or throws the first broken rule.
    public static func check(_ data: Data) throws(Problem) -> ImageFacts {
        guard data.count < maxBytes else {
            throw Problem("\(data.count) bytes: images must be under 30 MB")
        }
        guard let facts = facts(of: data) else {
            throw Problem("not a JPEG, PNG, WebP, BMP, TIFF or GIF image (by its bytes)")
        }
        let (w, h) = (facts.width, facts.height)
        guard sides.contains(w), sides.contains(h) else {
            throw Problem("\(w)x\(h): each side must be 300...6000 px")
        }
        let aspect = Double(w) / Double(h)
        guard aspectRatios.contains(aspect) else {
            throw Problem("\(w)x\(h): width/height \(String(format: "%.2f", aspect)) must be within 0.4...2.5")
        }
        return facts
    }

    /// The format from the first bytes (lowercase, as data URLs want it); nil when none of the six.
    public static func format(of data: Data) -> String? {
        let b = [UInt8](data.prefix(12))
        guard b.count >= 4 else { return nil }
        if b.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "png" }
        if b.starts(with: [0xFF, 0xD8, 0xFF]) { return "jpeg" }
        if b.starts(with: [0x47, 0x49, 0x46]) { return "gif" }
        if b.starts(with: [0x42, 0x4D]) { return "bmp" }
        if b.starts(with: [0x49, 0x49, 0x2A, 0x00]) || b.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return "tiff" }
        if b.count >= 12, b.starts(with: [0x52, 0x49, 0x46, 0x46]), Array(b[8..<12]) == [0x57, 0x45, 0x42, 0x50] {
            return "webp"
        }
        return nil
    }

    /// Format and pixel size read from the header (no decoding: SeedanceAPI knows no media library).
    public static func facts(of data: Data) -> ImageFacts? {
        guard let format = format(of: data) else { return nil }
        let b = [UInt8](data)
        let size: (Int, Int)?
        switch format {
        case "png": size = b.count >= 24 ? (be32(b, 16), be32(b, 20)) : nil
        case "gif": size = b.count >= 10 ? (le16(b, 6), le16(b, 8)) : nil
        case "bmp": size = b.count >= 26 ? (Int(Int32(bitPattern: UInt32(le32(b, 18)))),
                                            abs(Int(Int32(bitPattern: UInt32(le32(b, 22)))))) : nil
        case "jpeg": size = jpegSize(b)
        case "webp": size = webpSize(b)
        case "tiff": size = tiffSize(b)
        default: size = nil
        }
        guard let (w, h) = size, w > 0, h > 0 else { return nil }
        return ImageFacts(format: format, width: w, height: h)
    }

    static func be16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
    static func be32(_ b: [UInt8], _ i: Int) -> Int { be16(b, i) << 16 | be16(b, i + 2) }
    static func le16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
    static func le32(_ b: [UInt8], _ i: Int) -> Int { le16(b, i) | le16(b, i + 2) << 16 }

    /// The frame size of the first SOFn marker.
    static func jpegSize(_ b: [UInt8]) -> (Int, Int)? {
        var i = 2
        while i + 9 < b.count {
            guard b[i] == 0xFF else { return nil }
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }
            let length = be16(b, i + 2)
            // SOF0...SOF15 except DHT (C4), JPG (C8) and DAC (CC).
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                return (be16(b, i + 7), be16(b, i + 5))
            }
            guard length >= 2 else { return nil }
            i += 2 + length
        }
        return nil
    }

    /// VP8 (lossy), VP8L (lossless) or VP8X (extended) canvas size.
    static func webpSize(_ b: [UInt8]) -> (Int, Int)? {
        guard b.count >= 30 else { return nil }
        switch String(decoding: b[12..<16], as: UTF8.self) {
        case "VP8 ": return (le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF)
        case "VP8L":
            let bits = le32(b, 21)
            return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        case "VP8X":
            let w = Int(b[24]) | Int(b[25]) << 8 | Int(b[26]) << 16
            let h = Int(b[27]) | Int(b[28]) << 8 | Int(b[29]) << 16
            return (w + 1, h + 1)
        default: return nil
        }
    }

    /// ImageWidth (256) and ImageLength (257) of the first IFD.
    static func tiffSize(_ b: [UInt8]) -> (Int, Int)? {
        let little = b[0] == 0x49
        func u16(_ i: Int) -> Int { little ? le16(b, i) : be16(b, i) }
        func u32(_ i: Int) -> Int { little ? le32(b, i) : be32(b, i) }
        guard b.count >= 8 else { return nil }
        let ifd = u32(4)
        guard ifd + 2 <= b.count else { return nil }
        var width: Int?, height: Int?
        for entry in 0..<u16(ifd) {
            let at = ifd + 2 + entry * 12
            guard at + 12 <= b.count else { break }
            let tag = u16(at), type = u16(at + 2)
            let value = type == 3 ? u16(at + 8) : u32(at + 8)
            if tag == 256 { width = value } else if tag == 257 { height = value }
        }
        guard let width, let height else { return nil }
        return (width, height)
    }
}
