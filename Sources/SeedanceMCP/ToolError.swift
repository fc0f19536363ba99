/// A tool call that cannot be done: one sentence naming the field or file, returned as a tool error
/// (`isError: true`) so the server keeps serving.
public struct ToolError: Error, Sendable, CustomStringConvertible {
    /// The sentence the client sees.
    public var description: String

    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
