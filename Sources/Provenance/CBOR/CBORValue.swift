import Foundation

/// One decoded CBOR data item (RFC 8949), as C2PA claims, assertions and COSE structures use them.
///
/// Maps keep their pairs in the order they were read: C2PA hashes the encoded bytes, never a re-encoding, so the
/// order only matters for display, and keys need not be strings (COSE headers use integer labels).
public indirect enum CBORValue: Sendable, Hashable {
    /// Major type 0: an unsigned integer.
    case unsigned(UInt64)
    /// Major type 1: a negative integer, stored as CBOR stores it (the value is `-1 - n`).
    case negative(UInt64)
    /// Major type 2: a byte string.
    case bytes(Data)
    /// Major type 3: a UTF-8 text string.
    case text(String)
    /// Major type 4: an array.
    case array([CBORValue])
    /// Major type 5: a map, pairs in encoded order.
    case map([CBORPair])
    /// Major type 6: a tagged item (COSE_Sign1 is tag 18, dates are tags 0 and 1).
    case tagged(UInt64, CBORValue)
    /// Major type 7: `false` or `true`.
    case bool(Bool)
    /// Major type 7: `null`.
    case null
    /// Major type 7: `undefined`.
    case undefined
    /// Major type 7: a half, single or double precision float.
    case float(Double)
    /// Major type 7: any other simple value.
    case simple(UInt8)
}

/// One key and value of a CBOR map.
public struct CBORPair: Sendable, Hashable {
    /// The key, usually text in C2PA and an integer label in COSE.
    public var key: CBORValue
    /// The value.
    public var value: CBORValue

    /// Makes a pair.
    public init(key: CBORValue, value: CBORValue) {
        self.key = key
        self.value = value
    }
}

extension CBORValue {
    /// The value stored under a text key of a map, or nil when this is not a map or has no such key.
    public subscript(key: String) -> CBORValue? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.key == .text(key) }?.value
    }

    /// The value stored under an integer label of a map (COSE header labels), or nil.
    public subscript(label label: Int) -> CBORValue? {
        guard case .map(let pairs) = self else { return nil }
        let key: CBORValue = label >= 0 ? .unsigned(UInt64(label)) : .negative(UInt64(-1 - label))
        return pairs.first { $0.key == key }?.value
    }

    /// The text of a text string, or nil.
    public var textValue: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// The bytes of a byte string, or nil.
    public var bytesValue: Data? {
        if case .bytes(let value) = self { return value }
        return nil
    }

    /// The value of an integer that fits `Int`, or nil.
    public var intValue: Int? {
        switch self {
        case .unsigned(let value): return value <= UInt64(Int.max) ? Int(value) : nil
        case .negative(let value): return value <= UInt64(Int.max) ? -1 - Int(value) : nil
        default: return nil
        }
    }

    /// The elements of an array, or nil.
    public var arrayValue: [CBORValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The item inside a tag, or the value itself when untagged.
    public var untagged: CBORValue {
        if case .tagged(_, let inner) = self { return inner.untagged }
        return self
    }
}
