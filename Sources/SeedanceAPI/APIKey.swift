/// An API key that does not show itself: `description`, `debugDescription` and string interpolation give
/// `[redacted]`, so a key in a configuration that is logged or printed stays secret.
public struct APIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The key itself; read it only to build the `Authorization` header.
    public let secret: String

    /// Wraps a key; nil when `secret` is empty or only whitespace.
    public init?(_ secret: String) {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        self.secret = trimmed
    }

    public var description: String { "[redacted]" }
    public var debugDescription: String { "APIKey([redacted])" }
}

import Foundation
