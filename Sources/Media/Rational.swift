import CFFmpeg

/// A time in seconds.
public typealias Seconds = Double

/// An exact ratio of two integers, as FFmpeg keeps frame rates and time bases. Printed as `num/den`, like ffprobe.
public struct Rational: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Numerator.
    public var numerator: Int32
    /// Denominator.
    public var denominator: Int32

    /// Makes `numerator/denominator`.
    public init(_ numerator: Int32, _ denominator: Int32) {
        self.numerator = numerator
        self.denominator = denominator
    }

    init(_ q: AVRational) { self.init(q.num, q.den) }

    var av: AVRational { AVRational(num: numerator, den: denominator) }

    /// The value as a Double; nil when the denominator is zero (FFmpeg's "unknown").
    public var value: Double? { denominator == 0 ? nil : Double(numerator) / Double(denominator) }

    /// True for FFmpeg's "unknown" ratio 0/0 or any ratio with a zero denominator.
    public var isUnknown: Bool { denominator == 0 || numerator == 0 }

    /// The reduced form (`48/2` is `24/1`); unknown ratios stay as they are.
    public var reduced: Rational {
        guard denominator != 0 else { return self }
        var num: Int32 = 0, den: Int32 = 0
        av_reduce(&num, &den, Int64(numerator), Int64(denominator), Int64(Int32.max))
        return Rational(num, den)
    }

    public var description: String { "\(numerator)/\(denominator)" }

    /// Parses `num/den` or a plain integer.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 1, let n = Int32(parts[0]) { self.init(n, 1); return }
        guard parts.count == 2, let n = Int32(parts[0]), let d = Int32(parts[1]) else { return nil }
        self.init(n, d)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Rational(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "expected num/den, got \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
