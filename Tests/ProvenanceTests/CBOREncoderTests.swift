import Foundation
import Testing
@testable import Provenance

/// The encoder against RFC 8949 Appendix A: every example whose value the enum can hold, in its preferred
/// (shortest) serialization.
@Suite("CBOR encoder")
struct CBOREncoderTests {
    /// One Appendix A example: the value and its hex.
    struct Vector: Sendable, CustomStringConvertible {
        var value: CBORValue
        var hex: String
        var description: String { hex }
    }

    static func text(_ pairs: [(String, CBORValue)]) -> CBORValue {
        .map(pairs.map { CBORPair(key: .text($0.0), value: $0.1) })
    }

    static let vectors: [Vector] = [
        // Integers.
        Vector(value: .unsigned(0), hex: "00"),
        Vector(value: .unsigned(1), hex: "01"),
        Vector(value: .unsigned(10), hex: "0a"),
        Vector(value: .unsigned(23), hex: "17"),
        Vector(value: .unsigned(24), hex: "1818"),
        Vector(value: .unsigned(25), hex: "1819"),
        Vector(value: .unsigned(100), hex: "1864"),
        Vector(value: .unsigned(1000), hex: "1903e8"),
        Vector(value: .unsigned(1_000_000), hex: "1a000f4240"),
        Vector(value: .unsigned(1_000_000_000_000), hex: "1b000000e8d4a51000"),
        Vector(value: .unsigned(18_446_744_073_709_551_615), hex: "1bffffffffffffffff"),
        Vector(value: .tagged(2, .bytes(Data([1, 0, 0, 0, 0, 0, 0, 0, 0]))), hex: "c249010000000000000000"),
        Vector(value: .negative(18_446_744_073_709_551_615), hex: "3bffffffffffffffff"),
        Vector(value: .tagged(3, .bytes(Data([1, 0, 0, 0, 0, 0, 0, 0, 0]))), hex: "c349010000000000000000"),
        Vector(value: .negative(0), hex: "20"),
        Vector(value: .negative(9), hex: "29"),
        Vector(value: .negative(99), hex: "3863"),
        Vector(value: .negative(999), hex: "3903e7"),
        // Floats, each in the shortest precision that holds it.
        Vector(value: .float(0.0), hex: "f90000"),
        Vector(value: .float(-0.0), hex: "f98000"),
        Vector(value: .float(1.0), hex: "f93c00"),
        Vector(value: .float(1.1), hex: "fb3ff199999999999a"),
        Vector(value: .float(1.5), hex: "f93e00"),
        Vector(value: .float(65504.0), hex: "f97bff"),
        Vector(value: .float(100000.0), hex: "fa47c35000"),
        Vector(value: .float(3.4028234663852886e+38), hex: "fa7f7fffff"),
        Vector(value: .float(1.0e+300), hex: "fb7e37e43c8800759c"),
        Vector(value: .float(5.960464477539063e-8), hex: "f90001"),
        Vector(value: .float(0.00006103515625), hex: "f90400"),
        Vector(value: .float(-4.0), hex: "f9c400"),
        Vector(value: .float(-4.1), hex: "fbc010666666666666"),
        Vector(value: .float(.infinity), hex: "f97c00"),
        Vector(value: .float(.nan), hex: "f97e00"),
        Vector(value: .float(-.infinity), hex: "f9fc00"),
        // Simple values.
        Vector(value: .bool(false), hex: "f4"),
        Vector(value: .bool(true), hex: "f5"),
        Vector(value: .null, hex: "f6"),
        Vector(value: .undefined, hex: "f7"),
        Vector(value: .simple(16), hex: "f0"),
        Vector(value: .simple(255), hex: "f8ff"),
        // Tags.
        Vector(value: .tagged(0, .text("2013-03-21T20:04:00Z")), hex: "c074323031332d30332d32315432303a30343a30305a"),
        Vector(value: .tagged(1, .unsigned(1_363_896_240)), hex: "c11a514b67b0"),
        Vector(value: .tagged(1, .float(1_363_896_240.5)), hex: "c1fb41d452d9ec200000"),
        Vector(value: .tagged(23, .bytes(Data([1, 2, 3, 4]))), hex: "d74401020304"),
        Vector(value: .tagged(24, .bytes(Data("dIETF".utf8))), hex: "d818456449455446"),
        Vector(value: .tagged(32, .text("http://www.example.com")),
               hex: "d82076687474703a2f2f7777772e6578616d706c652e636f6d"),
        // Strings.
        Vector(value: .bytes(Data()), hex: "40"),
        Vector(value: .bytes(Data([1, 2, 3, 4])), hex: "4401020304"),
        Vector(value: .text(""), hex: "60"),
        Vector(value: .text("a"), hex: "6161"),
        Vector(value: .text("IETF"), hex: "6449455446"),
        Vector(value: .text("\"\\"), hex: "62225c"),
        Vector(value: .text("\u{00fc}"), hex: "62c3bc"),
        Vector(value: .text("\u{6c34}"), hex: "63e6b0b4"),
        Vector(value: .text("\u{10151}"), hex: "64f0908591"),
        // Arrays and maps.
        Vector(value: .array([]), hex: "80"),
        Vector(value: .array([.unsigned(1), .unsigned(2), .unsigned(3)]), hex: "83010203"),
        Vector(value: .array([.unsigned(1), .array([.unsigned(2), .unsigned(3)]),
                              .array([.unsigned(4), .unsigned(5)])]), hex: "8301820203820405"),
        Vector(value: .array((1...25).map { .unsigned(UInt64($0)) }),
               hex: "98190102030405060708090a0b0c0d0e0f101112131415161718181819"),
        Vector(value: .map([]), hex: "a0"),
        Vector(value: .map([CBORPair(key: .unsigned(1), value: .unsigned(2)),
                            CBORPair(key: .unsigned(3), value: .unsigned(4))]), hex: "a201020304"),
        Vector(value: text([("a", .unsigned(1)), ("b", .array([.unsigned(2), .unsigned(3)]))]),
               hex: "a26161016162820203"),
        Vector(value: .array([.text("a"), text([("b", .text("c"))])]), hex: "826161a161626163"),
        Vector(value: text([("a", .text("A")), ("b", .text("B")), ("c", .text("C")), ("d", .text("D")),
                            ("e", .text("E"))]),
               hex: "a56161614161626142616361436164614461656145"),
    ]

    @Test("RFC 8949 Appendix A", arguments: vectors)
    func appendixA(_ vector: Vector) {
        #expect(hex(CBOREncoder.encode(vector.value)) == vector.hex)
    }

    @Test("lengths take the shortest head at every boundary")
    func lengthBoundaries() {
        #expect(hex(CBOREncoder.encode(.bytes(Data(count: 23)))).hasPrefix("57"))
        #expect(hex(CBOREncoder.encode(.bytes(Data(count: 24)))).hasPrefix("5818"))
        #expect(hex(CBOREncoder.encode(.text(String(repeating: "x", count: 255)))).hasPrefix("78ff"))
        #expect(hex(CBOREncoder.encode(.text(String(repeating: "x", count: 256)))).hasPrefix("790100"))
        #expect(hex(CBOREncoder.encode(.bytes(Data(count: 65_536)))).hasPrefix("5a00010000"))
        #expect(CBOREncoder.encode(.bytes(Data(count: 65_536))).count == 5 + 65_536)
    }

    @Test("floats that only a wider precision holds exactly are not narrowed")
    func floatPrecision() {
        // 1/3 needs a double; 0.1f as a double needs a single; 2^-24 is the smallest half subnormal, 2^-25 is not.
        #expect(hex(CBOREncoder.encode(.float(1.0 / 3))).hasPrefix("fb"))
        #expect(hex(CBOREncoder.encode(.float(Double(Float(0.1))))) == "fa3dcccccd")
        #expect(hex(CBOREncoder.encode(.float(0x1p-24))) == "f90001")
        #expect(hex(CBOREncoder.encode(.float(0x1p-25))) == "fa33000000")
        #expect(hex(CBOREncoder.encode(.float(65520))) == "fa477ff000")
    }

    @Test("map pairs keep their order unless sorting is asked for")
    func mapOrder() {
        let map = Self.text([("signature", .unsigned(1)), ("alg", .unsigned(2)), ("b", .unsigned(3))])
        #expect(hex(CBOREncoder.encode(map)) == "a3697369676e61747572650163616c67026162" + "03")
        // Sorted by encoded key: "b" (6162) before "alg" (63616c67) before "signature" (69...).
        #expect(hex(CBOREncoder(sortingMapKeys: true).encode(map)) == "a361620363616c6702697369676e617475726501")
    }

    func hex(_ data: Data) -> String {
        data.map { String(format: "%02x", $0) }.joined()
    }
}
