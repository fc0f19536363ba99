import Foundation
import Media
import Testing

/// `fixedDecimal` writes what `String(format: "%.Nf")` writes, for the values a report shows and the awkward ones.
@Suite struct FixedDecimalTests {
    static let values: [Double] = [
        0, -0.0, 2.5, 4.9, 1.0 / 3, 2.0005, 0.0625, 0.125, 999.9995, -0.0004, -1.5, 1e-7, 123_456_789.123_456,
        5.041666666666667, 1e22, -1e300, Double.greatestFiniteMagnitude, .infinity, -.infinity, .nan,
    ]

    @Test(arguments: [0, 1, 2, 3, 6])
    func agreesWithFoundationsFormat(places: Int) {
        for value in Self.values {
            #expect(fixedDecimal(value, places: places) == String(format: "%.\(places)f", value), "\(value)")
        }
    }

    /// Many random values, at the places the command line uses.
    @Test func agreesOnRandomValues() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let value = Double.random(in: -1e6...1e6, using: &generator)
            #expect(fixedDecimal(value, places: 3) == String(format: "%.3f", value), "\(value)")
            #expect(fixedDecimal(value, places: 1) == String(format: "%.1f", value), "\(value)")
        }
    }

    /// Longer than its first buffer: the largest double at 20 places is 330 characters, all written.
    @Test func longTextsAreWrittenInFull() {
        let text = fixedDecimal(.greatestFiniteMagnitude, places: 20)
        #expect(text.count == 330)
        #expect(text.hasPrefix("17976931348623157") && text.hasSuffix(".00000000000000000000"))
        #expect(fixedDecimal(2.5, places: -3) == "2", "a negative count means none")
    }
}
