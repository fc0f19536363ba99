import Foundation

/// The JSON style of every `--json` output: snake_case keys set by the types, sorted for stable diffs, pretty.
enum JSONOutput {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// One entry of a multi-file JSON output: either the value or `{"file": ..., "error": ...}`.
enum FileResult<Value: Encodable>: Encodable {
    case value(Value)
    case failure(file: String, error: String)

    private enum Keys: String, CodingKey { case file, error }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .value(let value):
            try value.encode(to: encoder)
        case .failure(let file, let error):
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(file, forKey: .file)
            try c.encode(error, forKey: .error)
        }
    }
}
