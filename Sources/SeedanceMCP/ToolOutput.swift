import Foundation
import MCP

/// What a tool returns: structured content (snake_case keys, like the CLI's `--json`) and a short text summary.
struct ToolOutput: Sendable {
    var structured: [String: Value]
    var text: String

    var result: CallTool.Result {
        .init(content: [.text(text: text, annotations: nil, _meta: nil)], structuredContent: .object(structured),
              isError: false)
    }

    static func error(_ sentence: String) -> CallTool.Result {
        .init(content: [.text(text: sentence, annotations: nil, _meta: nil)], isError: true)
    }

    /// A library value as MCP structured content, through its own Codable keys (the CLI's JSON).
    static func value<T: Encodable>(_ value: T) throws -> Value {
        let data = try JSONEncoder().encode(value)
        return try JSONDecoder().decode(Value.self, from: data)
    }
}
