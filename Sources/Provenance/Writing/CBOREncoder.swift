import Foundation

/// Encodes `CBORValue`s as bytes, deterministically: the same value always gives the same bytes.
///
/// Every argument takes its shortest form (RFC 8949 §4.2.1 "preferred serialization"): integers, lengths and tags in
/// the fewest bytes, definite lengths only, and floats in the shortest of half, single or double precision that
/// keeps the value exactly (NaN as the canonical `f97e00`). Map pairs are written in the order given, because C2PA
/// and COSE structures are written field by field in the order their specifications list; `sortingMapKeys`
/// gives RFC 8949's core deterministic order (bytewise lexicographic order of the encoded keys) instead.
///
/// C2PA hashes and signs the encoded bytes, so a claim must be encoded exactly once and those bytes kept.
public struct CBOREncoder: Sendable {
    /// Whether map pairs are sorted by their encoded keys (RFC 8949 §4.2.1) rather than kept in the given order.
    public var sortingMapKeys: Bool

    /// Makes an encoder; by default map pairs keep the order given.
    public init(sortingMapKeys: Bool = false) {
        self.sortingMapKeys = sortingMapKeys
    }

    /// The encoded bytes of `value`.
    public func encode(_ value: CBORValue) -> Data {
        var output = Data()
        append(value, to: &output)
        return output
    }

    /// The encoded bytes of `value` with the default encoder (pairs in the order given).
    public static func encode(_ value: CBORValue) -> Data {
        CBOREncoder().encode(value)
    }

    private func append(_ value: CBORValue, to output: inout Data) {
        switch value {
        case .unsigned(let number):
            Self.appendHead(major: 0, argument: number, to: &output)
        case .negative(let number):
            Self.appendHead(major: 1, argument: number, to: &output)
        case .bytes(let bytes):
            Self.appendHead(major: 2, argument: UInt64(bytes.count), to: &output)
            output.append(bytes)
        case .text(let text):
            let utf8 = Data(text.utf8)
            Self.appendHead(major: 3, argument: UInt64(utf8.count), to: &output)
            output.append(utf8)
        case .array(let items):
            Self.appendHead(major: 4, argument: UInt64(items.count), to: &output)
            for item in items { append(item, to: &output) }
        case .map(let pairs):
            Self.appendHead(major: 5, argument: UInt64(pairs.count), to: &output)
            if sortingMapKeys {
                let encoded = pairs.map { (key: encode($0.key), value: encode($0.value)) }
                for pair in encoded.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                    output.append(pair.key)
                    output.append(pair.value)
                }
            } else {
                for pair in pairs {
                    append(pair.key, to: &output)
                    append(pair.value, to: &output)
                }
            }
        case .tagged(let tag, let inner):
            Self.appendHead(major: 6, argument: tag, to: &output)
            append(inner, to: &output)
        case .bool(let flag):
            output.append(flag ? 0xF5 : 0xF4)
        case .null:
            output.append(0xF6)
        case .undefined:
            output.append(0xF7)
        case .float(let number):
            Self.appendFloat(number, to: &output)
        case .simple(let number):
            // 0...23 fit the initial byte; 24...31 are reserved and 32...255 take one more byte.
            if number < 24 {
                output.append(0xE0 | number)
            } else {
                output.append(contentsOf: [0xF8, number])
            }
        }
    }

    /// The initial byte and the argument in its shortest form: in the byte itself below 24, else 1, 2, 4 or 8 bytes.
    static func appendHead(major: UInt8, argument: UInt64, to output: inout Data) {
        let type = major << 5
        switch argument {
        case 0..<24:
            output.append(type | UInt8(argument))
        case 24...0xFF:
            output.append(contentsOf: [type | 24, UInt8(argument)])
        case 0x100...0xFFFF:
            output.append(type | 25)
            appendBigEndian(argument, bytes: 2, to: &output)
        case 0x1_0000...0xFFFF_FFFF:
            output.append(type | 26)
            appendBigEndian(argument, bytes: 4, to: &output)
        default:
            output.append(type | 27)
            appendBigEndian(argument, bytes: 8, to: &output)
        }
    }

    /// A float in the shortest precision that holds it exactly (half, single, then double).
    static func appendFloat(_ value: Double, to output: inout Data) {
        if value.isNaN {
            output.append(contentsOf: [0xF9, 0x7E, 0x00])
            return
        }
        if let half = halfBits(exactly: value) {
            output.append(0xF9)
            appendBigEndian(UInt64(half), bytes: 2, to: &output)
            return
        }
        let single = Float(value)
        if Double(single) == value {
            output.append(0xFA)
            appendBigEndian(UInt64(single.bitPattern), bytes: 4, to: &output)
            return
        }
        output.append(0xFB)
        appendBigEndian(value.bitPattern, bytes: 8, to: &output)
    }

    /// The IEEE 754 half-precision bits of `value` when it converts without loss (infinities and signed zeros
    /// included), else nil. Done by hand: `Float16` is not available on every platform Swift builds for.
    static func halfBits(exactly value: Double) -> UInt16? {
        let sign: UInt16 = value.sign == .minus ? 0x8000 : 0
        let magnitude = abs(value)
        if magnitude == 0 { return sign }
        if magnitude.isInfinite { return sign | 0x7C00 }
        // Halves reach 65504; below 2^-14 they are subnormal, in steps of 2^-24.
        guard magnitude <= 65504 else { return nil }
        let exponent = magnitude.exponent
        if exponent < -14 {
            let steps = magnitude * 0x1p24
            guard steps == steps.rounded(), steps >= 1 else { return nil }
            return sign | UInt16(steps)
        }
        // Normal: 10 bits of fraction must hold every significant bit.
        let scaled = magnitude.significand * 1024    // 1024...2047.99
        guard scaled == scaled.rounded() else { return nil }
        let fraction = UInt16(scaled) - 1024
        return sign | UInt16(exponent + 15) << 10 | fraction
    }

    private static func appendBigEndian(_ value: UInt64, bytes: Int, to output: inout Data) {
        for index in (0..<bytes).reversed() {
            output.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))))
        }
    }
}
