/// One assertion of a manifest's assertion store: its JUMBF superbox, its label and its decoded content.
public struct Assertion: Sendable {
    /// How the assertion's content is stored.
    public enum Content: Sendable, Hashable {
        /// A `cbor` content box.
        case cbor
        /// A `json` content box.
        case json
        /// An embedded file (`bfdb` + `bidb`), with its media type.
        case embeddedFile(mediaType: String?)
        /// A `uuid` content box.
        case uuid
        /// Something else: the content box type.
        case other(String)
    }

    /// The label as stored, with any instance suffix (`c2pa.actions`, `c2pa.ingredient__1`).
    public var label: String
    /// The superbox in the manifest store.
    public var box: JUMBFSuperBox
    /// How the content is stored.
    public var content: Content
    /// The decoded content of a CBOR or JSON assertion; nil for other kinds or when it could not be decoded.
    public var value: CBORValue?
    /// Why a CBOR or JSON assertion could not be decoded.
    public var decodeError: String?

    /// The label without its instance suffix (`c2pa.ingredient__1` -> `c2pa.ingredient`).
    public var baseLabel: String {
        guard let range = label.range(of: "__", options: .backwards),
              Int(label[range.upperBound...]) != nil else { return label }
        return String(label[..<range.lowerBound])
    }

    /// The instance number: 0 without a suffix, N for `__N`.
    public var instance: Int {
        guard let range = label.range(of: "__", options: .backwards) else { return 0 }
        return Int(label[range.upperBound...]) ?? 0
    }

    /// Reads the assertion superbox `box` of the manifest store `bytes`.
    public init(box: JUMBFSuperBox, bytes: [UInt8]) {
        self.box = box
        label = box.label ?? ""
        let first = box.contentBoxes.first
        switch first?.type {
        case "cbor":
            content = .cbor
            if let first {
                do {
                    value = try CBORDecoder().decodePrefix(Array(bytes[first.payloadRange])).value
                } catch {
                    decodeError = error.description
                }
            }
        case "json":
            content = .json
            if let first {
                value = CBORValue.fromJSON(Array(bytes[first.payloadRange]))
                if value == nil { decodeError = "not valid JSON" }
            }
        case "bfdb":
            // The file description box: toggles byte, NUL-terminated media type, optional file name.
            let payload = first.map { Array(bytes[$0.payloadRange]) } ?? []
            let media = payload.count > 1 ? payload[1...].split(separator: 0, omittingEmptySubsequences: false).first : nil
            content = .embeddedFile(mediaType: media.map { String(decoding: $0, as: UTF8.self) })
        case "uuid":
            content = .uuid
        default:
            content = .other(first?.type ?? "")
        }
    }

    /// Whether the label names one of the hard-binding assertions (`c2pa.hash.data`, `c2pa.hash.bmff*`,
    /// `c2pa.hash.boxes`, `c2pa.hash.collection.data`).
    public var isHardBinding: Bool {
        let base = baseLabel
        return base == "c2pa.hash.data" || base.hasPrefix("c2pa.hash.bmff") || base == "c2pa.hash.boxes"
            || base == "c2pa.hash.collection.data"
    }
}
