/// A review server that cannot start or an action that cannot be done, in one line.
public enum ReviewError: Error, Sendable, CustomStringConvertible {
    /// Why the folder cannot be served or the action cannot be done.
    case refused(String)

    /// The reason, in one line.
    public var description: String {
        switch self {
        case .refused(let reason): reason
        }
    }
}
