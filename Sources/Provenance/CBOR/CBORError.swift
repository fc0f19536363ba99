/// Why a CBOR item could not be decoded: always with the byte offset where decoding stopped.
public struct CBORError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: Sendable, Hashable {
        /// The input ended inside an item.
        case truncated
        /// Additional information 28, 29 or 30 (reserved by RFC 8949).
        case reservedAdditionalInformation(UInt8)
        /// An indefinite length where RFC 8949 allows none (integers, tags, simple values).
        case indefiniteLengthNotAllowed(majorType: UInt8)
        /// A chunk of an indefinite byte or text string that is not a definite string of the same type.
        case invalidChunk
        /// A "break" byte (0xff) outside an indefinite-length item.
        case unexpectedBreak
        /// A text string that is not valid UTF-8.
        case invalidUTF8
        /// A one-byte simple value below 32 (RFC 8949 3.3 forbids them).
        case invalidSimpleValue(UInt8)
        /// A declared length longer than the bytes that remain.
        case lengthExceedsInput(length: UInt64, remaining: Int)
        /// Items nested deeper than the limit.
        case tooDeep(limit: Int)
        /// More items than the limit in one input.
        case tooManyItems(limit: Int)
        /// Bytes left after the item, where one item was expected to fill the input.
        case trailingBytes(count: Int)
    }

    /// What was wrong.
    public var reason: Reason
    /// The offset of the byte where decoding stopped.
    public var offset: Int

    /// Makes an error.
    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    /// One line for people: the reason and the offset.
    public var description: String {
        let what: String
        switch reason {
        case .truncated: what = "the data ends inside an item"
        case .reservedAdditionalInformation(let value): what = "reserved additional information \(value)"
        case .indefiniteLengthNotAllowed(let major): what = "indefinite length on major type \(major)"
        case .invalidChunk: what = "a chunk of an indefinite-length string is not a definite string of its type"
        case .unexpectedBreak: what = "a break byte outside an indefinite-length item"
        case .invalidUTF8: what = "a text string is not valid UTF-8"
        case .invalidSimpleValue(let value): what = "invalid simple value \(value)"
        case .lengthExceedsInput(let length, let remaining):
            what = "a length of \(length) with only \(remaining) bytes left"
        case .tooDeep(let limit): what = "items nested deeper than \(limit) levels"
        case .tooManyItems(let limit): what = "more than \(limit) items"
        case .trailingBytes(let count): what = "\(count) bytes after the item"
        }
        return "CBOR: \(what) (at byte \(offset))"
    }
}
