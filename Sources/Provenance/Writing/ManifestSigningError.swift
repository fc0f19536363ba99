/// Why a manifest could not be written or signed: the file is not one the signer can sign in place, or a value
/// does not fit the format.
public struct ManifestSigningError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong, in one readable line.
    public var reason: String

    /// Makes an error.
    public init(_ reason: String) {
        self.reason = reason
    }

    /// The reason.
    public var description: String { reason }
}
