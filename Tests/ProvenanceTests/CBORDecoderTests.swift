import Foundation
import Testing
@testable import Provenance

/// The decoder against RFC 8949 Appendix A (every example that decodes to a value this enum holds), and its refusals.
@Suite("CBOR decoder")
struct CBORDecoderTests {
    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    static func decode(_ hex: String) throws -> CBORValue {
        try CBORDecoder().decode(bytes(hex))
    }

    /// RFC 8949 Appendix A, in its order: encoded hex and the value.
    static let appendixA: [(String, CBORValue)] = [
        ("00", .unsigned(0)), ("01", .unsigned(1)), ("0a", .unsigned(10)), ("17", .unsigned(23)), ("1818", .unsigned(24)),
        ("1819", .unsigned(25)), ("1864", .unsigned(100)), ("1903e8", .unsigned(1000)), ("1a000f4240", .unsigned(1_000_000)),
        ("1b000000e8d4a51000", .unsigned(1_000_000_000_000)), ("1bffffffffffffffff", .unsigned(18_446_744_073_709_551_615)),
        ("c249010000000000000000", .tagged(2, .bytes(Data([1, 0, 0, 0, 0, 0, 0, 0, 0])))),
        ("3bffffffffffffffff", .negative(18_446_744_073_709_551_615)),
        ("c349010000000000000000", .tagged(3, .bytes(Data([1, 0, 0, 0, 0, 0, 0, 0, 0])))),
        ("20", .negative(0)), ("29", .negative(9)), ("3863", .negative(99)), ("3903e7", .negative(999)),
        ("f90000", .float(0.0)), ("f98000", .float(-0.0)), ("f93c00", .float(1.0)), ("fb3ff199999999999a", .float(1.1)),
        ("f93e00", .float(1.5)), ("f97bff", .float(65504.0)), ("fa47c35000", .float(100000.0)),
        ("fa7f7fffff", .float(3.4028234663852886e+38)), ("fb7e37e43c8800759c", .float(1.0e+300)),
        ("f90001", .float(5.960464477539063e-8)), ("f90400", .float(0.00006103515625)), ("f9c400", .float(-4.0)),
        ("fbc010666666666666", .float(-4.1)), ("f97c00", .float(.infinity)), ("f9fc00", .float(-.infinity)),
        ("fa7f800000", .float(.infinity)), ("faff800000", .float(-.infinity)),
        ("fb7ff0000000000000", .float(.infinity)), ("fbfff0000000000000", .float(-.infinity)),
        ("f4", .bool(false)), ("f5", .bool(true)), ("f6", .null), ("f7", .undefined), ("f0", .simple(16)),
        ("f8ff", .simple(255)),
        ("c074323031332d30332d32315432303a30343a30305a", .tagged(0, .text("2013-03-21T20:04:00Z"))),
        ("c11a514b67b0", .tagged(1, .unsigned(1_363_896_240))), ("c1fb41d452d9ec200000", .tagged(1, .float(1363896240.5))),
        ("d74401020304", .tagged(23, .bytes(Data([1, 2, 3, 4])))),
        ("d818456449455446", .tagged(24, .bytes(Data([0x64, 0x49, 0x45, 0x54, 0x46])))),
        ("d82076687474703a2f2f7777772e6578616d706c652e636f6d", .tagged(32, .text("http://www.example.com"))),
        ("40", .bytes(Data())), ("4401020304", .bytes(Data([1, 2, 3, 4]))), ("60", .text("")), ("6161", .text("a")),
        ("6449455446", .text("IETF")), ("62225c", .text("\"\\")), ("62c3bc", .text("\u{00fc}")), ("63e6b0b4", .text("\u{6c34}")),
        ("64f0908591", .text("\u{10151}")), ("80", .array([])),
        ("83010203", .array([.unsigned(1), .unsigned(2), .unsigned(3)])),
        ("8301820203820405", .array([.unsigned(1), .array([.unsigned(2), .unsigned(3)]), .array([.unsigned(4), .unsigned(5)])])),
        ("98190102030405060708090a0b0c0d0e0f101112131415161718181819", .array((1...25).map { .unsigned(UInt64($0)) })),
        ("a0", .map([])),
        ("a201020304", .map([CBORPair(key: .unsigned(1), value: .unsigned(2)), CBORPair(key: .unsigned(3), value: .unsigned(4))])),
        ("a26161016162820203", .map([CBORPair(key: .text("a"), value: .unsigned(1)),
                                     CBORPair(key: .text("b"), value: .array([.unsigned(2), .unsigned(3)]))])),
        ("826161a161626163", .array([.text("a"), .map([CBORPair(key: .text("b"), value: .text("c"))])])),
        ("a56161614161626142616361436164614461656145",
         .map(["a", "b", "c", "d", "e"].map { CBORPair(key: .text($0), value: .text($0.uppercased())) })),
        ("5f42010243030405ff", .bytes(Data([1, 2, 3, 4, 5]))),
        ("7f657374726561646d696e67ff", .text("streaming")),
        ("9fff", .array([])),
        ("9f018202039f0405ffff", .array([.unsigned(1), .array([.unsigned(2), .unsigned(3)]), .array([.unsigned(4), .unsigned(5)])])),
        ("9f01820203820405ff", .array([.unsigned(1), .array([.unsigned(2), .unsigned(3)]), .array([.unsigned(4), .unsigned(5)])])),
        ("83018202039f0405ff", .array([.unsigned(1), .array([.unsigned(2), .unsigned(3)]), .array([.unsigned(4), .unsigned(5)])])),
        ("83019f0203ff820405", .array([.unsigned(1), .array([.unsigned(2), .unsigned(3)]), .array([.unsigned(4), .unsigned(5)])])),
        ("9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff", .array((1...25).map { .unsigned(UInt64($0)) })),
        ("bf61610161629f0203ffff", .map([CBORPair(key: .text("a"), value: .unsigned(1)),
                                         CBORPair(key: .text("b"), value: .array([.unsigned(2), .unsigned(3)]))])),
        ("826161bf61626163ff", .array([.text("a"), .map([CBORPair(key: .text("b"), value: .text("c"))])])),
        ("bf6346756ef563416d7421ff", .map([CBORPair(key: .text("Fun"), value: .bool(true)),
                                           CBORPair(key: .text("Amt"), value: .negative(1))])),
    ]

    @Test("RFC 8949 Appendix A examples decode to their values", arguments: appendixA.indices)
    func appendixExample(_ index: Int) throws {
        let (hex, expected) = Self.appendixA[index]
        let value = try Self.decode(hex)
        if case .float(let number) = expected, number.isNaN {
            guard case .float(let got) = value else { Issue.record("\(hex): \(value)"); return }
            #expect(got.isNaN)
        } else if case .float(let number) = expected, number == 0 {
            // 0.0 and -0.0 compare equal: the sign must survive too.
            guard case .float(let got) = value else { Issue.record("\(hex): \(value)"); return }
            #expect(got == 0 && got.sign == number.sign, "\(hex)")
        } else {
            #expect(value == expected, "\(hex)")
        }
    }

    @Test("NaN in half, single and double precision")
    func notANumber() throws {
        for hex in ["f97e00", "fa7fc00000", "fb7ff8000000000000"] {
            guard case .float(let value) = try Self.decode(hex) else { Issue.record("\(hex) is not a float"); continue }
            #expect(value.isNaN, "\(hex)")
        }
    }

    @Test("a prefix decode stops after the item and leaves padding alone")
    func prefix() throws {
        let (value, end) = try CBORDecoder().decodePrefix(Self.bytes("a1616101000000"))
        #expect(value == .map([CBORPair(key: .text("a"), value: .unsigned(1))]))
        #expect(end == 4)
        #expect(throws: CBORError(.trailingBytes(count: 3), at: 4)) { try CBORDecoder().decode(Self.bytes("a1616101000000")) }
    }

    static func reason(_ hex: String, limits: CBORDecoder.Limits = .standard) -> CBORError.Reason? {
        do {
            _ = try CBORDecoder(limits: limits).decode(bytes(hex))
            return nil
        } catch {
            return error.reason
        }
    }

    @Test("malformed items are refused with the reason and the offset")
    func refusals() {
        #expect(Self.reason("") == .truncated)
        #expect(Self.reason("1a0001") == .truncated)
        #expect(Self.reason("830102") == .lengthExceedsInput(length: 3, remaining: 2))
        #expect(Self.reason("8301820203") == .truncated)
        #expect(Self.reason("1c") == .reservedAdditionalInformation(28))
        #expect(Self.reason("7e") == .reservedAdditionalInformation(30))
        #expect(Self.reason("1f") == .indefiniteLengthNotAllowed(majorType: 0))
        #expect(Self.reason("df01") == .indefiniteLengthNotAllowed(majorType: 6))
        #expect(Self.reason("ff") == .unexpectedBreak)
        #expect(Self.reason("bf01ff") == .unexpectedBreak)
        #expect(Self.reason("5f6161ff") == .invalidChunk)
        #expect(Self.reason("5f5f4101ffff") == .invalidChunk)
        #expect(Self.reason("62c328") == .invalidUTF8)
        #expect(Self.reason("7f61c361bcff") == .invalidUTF8)
        #expect(Self.reason("f801") == .invalidSimpleValue(1))
        #expect(Self.reason("9f01") == .truncated)
        #expect(Self.reason("0102") == .trailingBytes(count: 1))
        do {
            _ = try CBORDecoder().decode(Self.bytes("8301021c"))
            Issue.record("decoded an item with reserved additional information")
        } catch {
            #expect(error.offset == 3)
        }
    }

    @Test("huge declared lengths are refused before anything is allocated")
    func hugeLengths() {
        #expect(Self.reason("5bffffffffffffffff") == .lengthExceedsInput(length: .max, remaining: 0))
        #expect(Self.reason("7b00000000ffffffff61") == .lengthExceedsInput(length: 0xffff_ffff, remaining: 1))
        #expect(Self.reason("9b7fffffffffffffff00") == .lengthExceedsInput(length: 0x7fff_ffff_ffff_ffff, remaining: 1))
        // A map of n pairs needs at least 2n bytes.
        #expect(Self.reason("a3010203") == .lengthExceedsInput(length: 3, remaining: 3))
        #expect(Self.reason("5f5bffffffffffffffffff") == .lengthExceedsInput(length: .max, remaining: 1))
    }

    @Test("nesting and item count are bounded")
    func limits() {
        let deep = String(repeating: "81", count: 100) + "00"
        #expect(Self.reason(deep) == .tooDeep(limit: 64))
        #expect(Self.reason(String(repeating: "81", count: 63) + "00") == nil)
        #expect(Self.reason(deep, limits: .init(maxDepth: 200)) == nil)
        let many = "99ffff" + String(repeating: "00", count: 0xffff)
        #expect(Self.reason(many, limits: .init(maxItems: 1000)) == .tooManyItems(limit: 1000))
        #expect(Self.reason(many) == nil)
        // Deep tags count as depth too.
        #expect(Self.reason(String(repeating: "c1", count: 80) + "00") == .tooDeep(limit: 64))
    }

    @Test("errors read as one line with the offset")
    func errorText() {
        let error = CBORError(.lengthExceedsInput(length: 100, remaining: 3), at: 7)
        #expect(error.description == "CBOR: a length of 100 with only 3 bytes left (at byte 7)")
    }
}
