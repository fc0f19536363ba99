import Foundation

/// A bounded decoder of CBOR (RFC 8949) into ``CBORValue``: every major type, definite and indefinite lengths, tags,
/// half, single and double floats and simple values.
///
/// Input comes from files that anyone can write, so nothing is trusted: every declared length is checked against the
/// bytes that remain before anything is allocated, nesting is limited (``Limits/maxDepth``), and so is the number of
/// items one input may hold (``Limits/maxItems``). Text must be valid UTF-8. Errors say what was wrong and where
/// (``CBORError``).
public struct CBORDecoder: Sendable {
    /// How much one input may hold.
    public struct Limits: Sendable, Hashable {
        /// Deepest nesting of arrays, maps and tags (the top item is depth 1).
        public var maxDepth: Int
        /// Most data items in one input (every array element, map key and value, tag content and string chunk).
        public var maxItems: Int

        /// Makes limits.
        public init(maxDepth: Int = 64, maxItems: Int = 262_144) {
            self.maxDepth = maxDepth
            self.maxItems = maxItems
        }

        /// The limits used unless told otherwise: 64 levels, 262,144 items (C2PA claims and COSE structures need a
        /// few levels and a few hundred items).
        public static let standard = Limits()
    }

    /// The limits this decoder keeps.
    public var limits: Limits

    /// Makes a decoder.
    public init(limits: Limits = .standard) {
        self.limits = limits
    }

    /// Decodes the one item that `bytes` holds; bytes after it are an error.
    public func decode(_ bytes: [UInt8]) throws(CBORError) -> CBORValue {
        let (value, end) = try decodePrefix(bytes)
        if end != bytes.count { throw CBORError(.trailingBytes(count: bytes.count - end), at: end) }
        return value
    }

    /// Decodes the one item that `data` holds; bytes after it are an error.
    public func decode(_ data: Data) throws(CBORError) -> CBORValue {
        try decode([UInt8](data))
    }

    /// Decodes the item at the start of `bytes` and returns it with the offset just past it (the bytes after it are
    /// left alone: C2PA writers may pad a box with zeros after its item).
    public func decodePrefix(_ bytes: [UInt8]) throws(CBORError) -> (value: CBORValue, end: Int) {
        var reader = Reader(bytes: bytes, limits: limits)
        let value = try reader.item(depth: 1)
        return (value, reader.position)
    }

    /// The cursor over one input.
    private struct Reader {
        let bytes: [UInt8]
        let limits: Limits
        var position = 0
        var items = 0

        init(bytes: [UInt8], limits: Limits) {
            self.bytes = bytes
            self.limits = limits
        }

        var remaining: Int { bytes.count - position }

        mutating func byte() throws(CBORError) -> UInt8 {
            guard position < bytes.count else { throw CBORError(.truncated, at: position) }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func unsigned(byteCount: Int) throws(CBORError) -> UInt64 {
            guard remaining >= byteCount else { throw CBORError(.truncated, at: position) }
            var value: UInt64 = 0
            for index in 0..<byteCount { value = value << 8 | UInt64(bytes[position + index]) }
            position += byteCount
            return value
        }

        /// The argument of an initial byte: nil for additional information 31 (indefinite length).
        mutating func argument(_ info: UInt8, start: Int) throws(CBORError) -> UInt64? {
            switch info {
            case 0...23: return UInt64(info)
            case 24: return try unsigned(byteCount: 1)
            case 25: return try unsigned(byteCount: 2)
            case 26: return try unsigned(byteCount: 4)
            case 27: return try unsigned(byteCount: 8)
            case 31: return nil
            default: throw CBORError(.reservedAdditionalInformation(info), at: start)
            }
        }

        /// A length that must fit in what remains, each unit taking at least `unitSize` bytes.
        func checkedLength(_ length: UInt64, unitSize: Int, at start: Int) throws(CBORError) -> Int {
            guard length <= UInt64(remaining / unitSize) else {
                throw CBORError(.lengthExceedsInput(length: length, remaining: remaining), at: start)
            }
            return Int(length)
        }

        mutating func count(at start: Int) throws(CBORError) {
            items += 1
            if items > limits.maxItems { throw CBORError(.tooManyItems(limit: limits.maxItems), at: start) }
        }

        mutating func item(depth: Int) throws(CBORError) -> CBORValue {
            let start = position
            if depth > limits.maxDepth { throw CBORError(.tooDeep(limit: limits.maxDepth), at: start) }
            let initial = try byte()
            let major = initial >> 5, info = initial & 0x1f
            if initial == 0xff { throw CBORError(.unexpectedBreak, at: start) }
            try count(at: start)
            let argument = try self.argument(info, start: start)
            switch major {
            case 0, 1, 6:
                guard let argument else { throw CBORError(.indefiniteLengthNotAllowed(majorType: major), at: start) }
                if major == 0 { return .unsigned(argument) }
                if major == 1 { return .negative(argument) }
                return .tagged(argument, try item(depth: depth + 1))
            case 2:
                return .bytes(Data(try stringBytes(major: 2, length: argument, start: start)))
            case 3:
                let raw = try stringBytes(major: 3, length: argument, start: start)
                guard let text = String(validating: raw, as: UTF8.self) else { throw CBORError(.invalidUTF8, at: start) }
                return .text(text)
            case 4:
                var elements: [CBORValue] = []
                if let argument {
                    let length = try checkedLength(argument, unitSize: 1, at: start)
                    elements.reserveCapacity(length)
                    for _ in 0..<length { elements.append(try item(depth: depth + 1)) }
                } else {
                    while try !atBreak() { elements.append(try item(depth: depth + 1)) }
                }
                return .array(elements)
            case 5:
                var pairs: [CBORPair] = []
                if let argument {
                    let length = try checkedLength(argument, unitSize: 2, at: start)
                    pairs.reserveCapacity(length)
                    for _ in 0..<length {
                        let key = try item(depth: depth + 1)
                        pairs.append(CBORPair(key: key, value: try item(depth: depth + 1)))
                    }
                } else {
                    while try !atBreak() {
                        let key = try item(depth: depth + 1)
                        if position < bytes.count, bytes[position] == 0xff { throw CBORError(.unexpectedBreak, at: position) }
                        pairs.append(CBORPair(key: key, value: try item(depth: depth + 1)))
                    }
                }
                return .map(pairs)
            default:
                return try simpleOrFloat(info: info, argument: argument, start: start)
            }
        }

        /// True (and the break consumed) when the next byte ends an indefinite-length item.
        mutating func atBreak() throws(CBORError) -> Bool {
            guard position < bytes.count else { throw CBORError(.truncated, at: position) }
            if bytes[position] == 0xff {
                position += 1
                return true
            }
            return false
        }

        /// The content of a byte or text string: definite, or the concatenated definite chunks of an indefinite one.
        mutating func stringBytes(major: UInt8, length: UInt64?, start: Int) throws(CBORError) -> ArraySlice<UInt8> {
            if let length {
                let count = try checkedLength(length, unitSize: 1, at: start)
                defer { position += count }
                return bytes[position..<position + count]
            }
            var joined: [UInt8] = []
            while try !atBreak() {
                let chunkStart = position
                let initial = try byte()
                guard initial >> 5 == major, initial & 0x1f != 31 else { throw CBORError(.invalidChunk, at: chunkStart) }
                try count(at: chunkStart)
                guard let chunkLength = try argument(initial & 0x1f, start: chunkStart) else {
                    throw CBORError(.invalidChunk, at: chunkStart)
                }
                let count = try checkedLength(chunkLength, unitSize: 1, at: chunkStart)
                if major == 3, String(validating: bytes[position..<position + count], as: UTF8.self) == nil {
                    // RFC 8949 3.2.3: every chunk of an indefinite text string is itself valid UTF-8.
                    throw CBORError(.invalidUTF8, at: chunkStart)
                }
                joined.append(contentsOf: bytes[position..<position + count])
                position += count
            }
            return joined[...]
        }

        mutating func simpleOrFloat(info: UInt8, argument: UInt64?, start: Int) throws(CBORError) -> CBORValue {
            switch info {
            case 0...19: return .simple(info)
            case 20: return .bool(false)
            case 21: return .bool(true)
            case 22: return .null
            case 23: return .undefined
            case 24:
                let value = UInt8(argument ?? 0)
                if value < 32 { throw CBORError(.invalidSimpleValue(value), at: start) }
                return .simple(value)
            case 25: return .float(Self.half(UInt16(argument ?? 0)))
            case 26: return .float(Double(Float(bitPattern: UInt32(argument ?? 0))))
            case 27: return .float(Double(bitPattern: argument ?? 0))
            default:
                // 31 without an enclosing indefinite item (the break itself is caught earlier).
                throw CBORError(.indefiniteLengthNotAllowed(majorType: 7), at: start)
            }
        }

        /// IEEE 754 binary16 to Double (RFC 8949 Appendix D).
        static func half(_ bits: UInt16) -> Double {
            let exponent = Int(bits >> 10) & 0x1f
            let mantissa = Double(bits & 0x3ff)
            let magnitude: Double
            switch exponent {
            case 0: magnitude = mantissa * pow(2, -24)
            case 31: magnitude = mantissa == 0 ? .infinity : .nan
            default: magnitude = (mantissa + 1024) * pow(2, Double(exponent - 25))
            }
            return bits & 0x8000 != 0 ? -magnitude : magnitude
        }
    }
}
