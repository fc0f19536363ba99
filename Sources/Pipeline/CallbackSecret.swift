import Foundation

/// The per-run secret of a run's callback URL: the last path segment of every `callback_url` the run sends, so only
/// the service (which was told the URL) can knock. It is never logged or stored in full: `redacted` is what messages
/// show.
public struct CallbackSecret: Sendable, Hashable, CustomStringConvertible {
    /// 64 lowercase hex digits (256 random bits).
    public let value: String

    /// A fresh secret from the system's random source.
    public static func random() -> CallbackSecret {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return CallbackSecret(value: bytes.map { String(format: "%02x", $0) }.joined())
    }

    /// A secret with this value (tests; a value is never read from the command line).
    public init(value: String) { self.value = value }

    /// The first four digits and an ellipsis: enough to tell two runs apart in a log, useless to an attacker.
    public var redacted: String { "\(value.prefix(4))…" }

    /// Never the value: a secret interpolated into a message by mistake stays redacted.
    public var description: String { redacted }

    /// Whether `candidate` is the secret, in time that depends only on the lengths (the secret's length is public):
    /// a guess that shares a prefix with the secret takes no longer to refuse than one that shares nothing.
    public func matches(_ candidate: Substring) -> Bool {
        let expected = Array(value.utf8), given = Array(candidate.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0
    }
}
