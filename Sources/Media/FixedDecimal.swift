import CFFmpeg

/// `value` with `places` digits after the point, exactly as C's `printf("%.*f")` writes it (`2.500`, `-0.1`, `inf`).
///
/// The same text as `String(format: "%.3f", value)`, without Foundation's formatting: that boxes each argument and
/// bridges the format through `NSString`, and its dynamic casts make the Swift runtime scan every protocol
/// conformance record in the program (about 14,000 in `seedance`) again for each new type it meets: 8 of the 61
/// scans `seedance thumbnail` made, about half a millisecond.
public func fixedDecimal(_ value: Double, places: Int) -> String {
    let places = Int32(clamping: max(0, places))
    // 64 bytes hold every value below 1e40 at 20 places; a longer text is measured first, then written in full.
    var capacity = 64
    while true {
        var buffer = [CChar](repeating: 0, count: capacity)
        let needed = buffer.withUnsafeMutableBufferPointer { buf in
            Int(cff_format_fixed(buf.baseAddress, buf.count, value, places))
        }
        if needed < capacity {
            return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        }
        capacity = needed + 1
    }
}
