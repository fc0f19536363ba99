/// Why an expectation could not be made: a malformed request or task file, or a bad flag value. The description is
/// one line naming the file and the field.
public struct ExpectationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file concerned (nil for flags).
    public var file: String?
    /// The field or flag concerned (`resolution`, `content[1].role`), nil when the whole document is wrong.
    public var field: String?
    /// What is wrong with it.
    public var reason: String

    /// Makes an error.
    public init(file: String? = nil, field: String?, reason: String) {
        self.file = file
        self.field = field
        self.reason = reason
    }

    public var description: String {
        var line = file.map { "\($0): " } ?? ""
        if let field { line += "field \(field): " }
        return line + reason
    }
}
