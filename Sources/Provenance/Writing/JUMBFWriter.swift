import Foundation

/// Writes JUMBF (ISO/IEC 19566-5) boxes as C2PA lays out a manifest store: superboxes (`jumb`), each opened by a
/// description box (`jumd`) naming its content type and label, holding content boxes or more superboxes.
///
/// Boxes are ISO-BMFF boxes: a 32-bit big-endian size that counts the 8-byte header, then the four-character type.
public enum JUMBFWriter {
    /// The content-type UUIDs of the superboxes a C2PA manifest store is made of (C2PA 2.x, "JUMBF boxes"): the
    /// ASCII of a four-character code followed by ISO's fixed suffix 00110010800000AA00389B71.
    public enum ContentType {
        /// The manifest store (`c2pa`), the outermost superbox, labelled "c2pa".
        public static let manifestStore = uuid("c2pa")
        /// One manifest (`c2ma`), labelled with its URN.
        public static let manifest = uuid("c2ma")
        /// The claim (`c2cl`), labelled "c2pa.claim.v2" for claim v2.
        public static let claim = uuid("c2cl")
        /// The claim signature (`c2cs`), labelled "c2pa.signature".
        public static let claimSignature = uuid("c2cs")
        /// The assertion store (`c2as`), labelled "c2pa.assertions".
        public static let assertionStore = uuid("c2as")
        /// A CBOR assertion (`cbor`), labelled with the assertion's label.
        public static let cborAssertion = uuid("cbor")

        /// The 16-byte UUID of a four-character code.
        static func uuid(_ code: String) -> [UInt8] {
            Array(code.utf8) + [0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        }
    }

    /// The description box's toggles: bit 0 "requestable", bit 1 "label present". C2PA's boxes are all requestable
    /// and labelled (with no id, signature or private box), so `3`.
    public static let requestableWithLabel: UInt8 = 0x03

    /// A box: its size, its type, then `payload`. Throws when the box would pass the 32-bit size.
    public static func box(type: String, payload: Data) throws -> Data {
        let typeBytes = Array(type.utf8)
        guard typeBytes.count == 4 else {
            throw ManifestSigningError("the box type \"\(type)\" is not four bytes")
        }
        guard payload.count <= Int(UInt32.max) - 8 else {
            throw ManifestSigningError("a \(type) box of \(payload.count) bytes passes the 32-bit box size")
        }
        var data = Data(capacity: 8 + payload.count)
        appendUInt32(UInt32(8 + payload.count), to: &data)
        data.append(contentsOf: typeBytes)
        data.append(payload)
        return data
    }

    /// A description box (`jumd`): the content type, the toggles, and the label NUL-terminated.
    ///
    /// Labels are the names JUMBF URIs reach boxes by (`self#jumbf=c2pa.assertions/c2pa.actions.v2`), so they may
    /// not hold the NUL that ends them or the `/` that separates them.
    public static func descriptionBox(contentType: [UInt8], label: String,
                                      toggles: UInt8 = requestableWithLabel) throws -> Data {
        guard contentType.count == 16 else { throw ManifestSigningError("a JUMBF content type is 16 bytes") }
        guard !label.isEmpty, !label.utf8.contains(0), !label.contains("/") else {
            throw ManifestSigningError("the JUMBF label \"\(label)\" is empty or holds a NUL or a slash")
        }
        var payload = Data(contentType)
        payload.append(toggles)
        payload.append(contentsOf: Array(label.utf8) + [0])
        return try box(type: "jumd", payload: payload)
    }

    /// The payload of a superbox: its description box, then `contents` (whole boxes) in order.
    ///
    /// C2PA hashes an assertion as exactly these bytes (the superbox without its own 8-byte header), so they are
    /// made separately from `superbox`.
    public static func superboxPayload(contentType: [UInt8], label: String, contents: [Data]) throws -> Data {
        var payload = try descriptionBox(contentType: contentType, label: label)
        for content in contents { payload.append(content) }
        return payload
    }

    /// A superbox (`jumb`) of `contentType` labelled `label` holding `contents` (whole boxes) in order.
    public static func superbox(contentType: [UInt8], label: String, contents: [Data]) throws -> Data {
        try box(type: "jumb", payload: superboxPayload(contentType: contentType, label: label, contents: contents))
    }

    /// A CBOR content box (`cbor`) holding already-encoded CBOR bytes.
    public static func cborBox(_ encoded: Data) throws -> Data {
        try box(type: "cbor", payload: encoded)
    }

    static func appendUInt32(_ value: UInt32, to data: inout Data) {
        data.append(contentsOf: [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF),
                                 UInt8(value & 0xFF)])
    }
}
