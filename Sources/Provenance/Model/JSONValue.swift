import Foundation

/// A JSON value, as CBOR and JSON assertion content is shown to people and scripts: objects keep their key order,
/// byte strings become base64 text, tags are dropped (a date keeps its text), and integers stay exact.
public indirect enum JSONValue: Sendable, Hashable, Encodable, CustomStringConvertible {
    /// `null` (also CBOR `undefined`).
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer that fits 64 bits.
    case integer(Int64)
    /// Any other number.
    case number(Double)
    /// Text (also base64 of a byte string).
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, keys in their order.
    case object([(key: String, value: JSONValue)])

    /// The value of a CBOR item.
    public init(_ cbor: CBORValue) {
        switch cbor {
        case .unsigned(let value): self = value <= UInt64(Int64.max) ? .integer(Int64(value)) : .number(Double(value))
        case .negative(let value): self = value < UInt64(Int64.max) ? .integer(-1 - Int64(value)) : .number(-1 - Double(value))
        case .bytes(let data): self = .string(data.base64EncodedString())
        case .text(let text): self = .string(text)
        case .array(let items): self = .array(items.map(JSONValue.init))
        case .map(let pairs):
            self = .object(pairs.map { pair in
                let key: String
                switch pair.key {
                case .text(let text): key = text
                default: key = JSONValue(pair.key).description
                }
                return (key, JSONValue(pair.value))
            })
        case .tagged(_, let inner): self = JSONValue(inner)
        case .bool(let value): self = .bool(value)
        case .null, .undefined: self = .null
        case .float(let value): self = value.isFinite ? .number(value) : .string(String(value))
        case .simple(let value): self = .string("simple(\(value))")
        }
    }

    /// The value under `key` of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    /// The text of a string, or nil.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// Compact JSON text, keys in their order.
    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .integer(let value): return String(value)
        case .number(let value):
            return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .string(let text): return Self.quoted(text)
        case .array(let items): return "[" + items.map(\.description).joined(separator: ",") + "]"
        case .object(let pairs):
            return "{" + pairs.map { Self.quoted($0.key) + ":" + $0.value.description }.joined(separator: ",") + "}"
        }
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Encodes as the JSON value it is.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .integer(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .number(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .array(let items):
            var container = encoder.unkeyedContainer()
            for item in items { try container.encode(item) }
        case .object(let pairs):
            var container = encoder.container(keyedBy: AnyKey.self)
            for pair in pairs { try container.encode(pair.value, forKey: AnyKey(pair.key)) }
        }
    }

    /// A coding key of any text.
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Hashable by description (tuples are not Hashable).
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.description == rhs.description }

    /// Hashes the description.
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}

extension CBORValue {
    /// The value of a JSON document (objects become maps with text keys in sorted order, whole numbers integers),
    /// or nil when `data` is not JSON.
    public static func fromJSON(_ data: [UInt8]) -> CBORValue? {
        try? JSONDecoder().decode(JSONDocument.self, from: Data(data)).value
    }
}

/// A JSON document decoded into a ``CBORValue``.
private struct JSONDocument: Decodable {
    var value: CBORValue

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: Key.self) {
            value = .map(try object.allKeys.sorted { $0.stringValue < $1.stringValue }.map { key in
                CBORPair(key: .text(key.stringValue), value: try object.decode(JSONDocument.self, forKey: key).value)
            })
            return
        }
        if var array = try? decoder.unkeyedContainer() {
            var items: [CBORValue] = []
            while !array.isAtEnd { items.append(try array.decode(JSONDocument.self).value) }
            value = .array(items)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            value = .null
        } else if let bool = try? single.decode(Bool.self) {
            value = .bool(bool)
        } else if let integer = try? single.decode(Int64.self) {
            value = integer >= 0 ? .unsigned(UInt64(integer)) : .negative(UInt64(-1 - integer))
        } else if let double = try? single.decode(Double.self) {
            value = .float(double)
        } else {
            value = .text(try single.decode(String.self))
        }
    }
}
