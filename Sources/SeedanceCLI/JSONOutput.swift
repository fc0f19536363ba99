import Foundation

/// The JSON style of every `--json` output: snake_case keys set by the types, sorted for stable diffs, pretty.
enum JSONOutput {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The `--json` output of a command over files: one entry for one file, an array for several; a file that
    /// failed is `{"file": ..., "error": ...}`.
    static func perFile<Value: Encodable, Failure: Error & CustomStringConvertible>(
        _ files: [String], _ results: [Result<Value, Failure>]
    ) throws -> String {
        let entries: [FileResult<Value>] = zip(files, results).map { file, result in
            switch result {
            case .success(let value): return .value(value)
            case .failure(let error): return .failure(file: file, error: error.description)
            }
        }
        return files.count == 1 ? try encode(entries[0]) : try encode(entries)
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
