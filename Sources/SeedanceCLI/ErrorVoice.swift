import Foundation
import Media
import Pipeline
import SeedanceAPI

/// The one place where an error that reached the top of the command becomes DESIGN.md's single stderr line and exit
/// status: 2 bad input (plan, store, media, file system, decoding), 3 the API or the network, 130 interrupted,
/// 1 anything else. Messages are one line (newlines collapsed) and never a raw Foundation, SQLite or parser dump.
enum ErrorVoice {
    /// Longest message kept from an error of an unknown type.
    static let maxUnknownLength = 300

    /// The failure to print and exit with for `error`.
    static func failure(for error: any Error) -> CommandFailure {
        let failure = classify(error)
        return CommandFailure(failure.status, oneLine(failure.message))
    }

    /// The full stderr line for `failure` (`seedance: ...`), or nil when there is nothing to print.
    static func line(for failure: CommandFailure) -> String? {
        let message = oneLine(failure.message)
        guard !message.isEmpty else { return nil }
        return message.hasPrefix("seedance: ") ? message : "seedance: \(message)"
    }

    private static func classify(_ error: any Error) -> CommandFailure {
        switch error {
        case let failure as CommandFailure:
            return failure
        case let error as ClientError:
            // A download this machine could not write is a local problem (like any other file), not the service's.
            return CommandFailure(error.isBadInput || error.kind == .localFile ? .badInput : .remoteFailure,
                                  error.description)
        case let error as PlanError:
            return CommandFailure(.badInput, error.description)
        case let error as StoreError:
            return CommandFailure(.badInput, error.description)
        case let error as DatabaseUnavailable:
            return CommandFailure(.remoteFailure, error.description)
        case let error as MediaError:
            return CommandFailure(.badInput, error.description)
        case let error as DecodingError:
            return CommandFailure(.badInput, decoding(error))
        case let error as POSIXError:
            return CommandFailure(.badInput, String(cString: strerror(error.code.rawValue)))
        case is CancellationError:
            return CommandFailure(.interrupted, "interrupted")
        default:
            break
        }
        if let message = fileSystem(error) {
            return CommandFailure(.badInput, message)
        }
        if let message = database(error) {
            return CommandFailure(.badInput, message)
        }
        return CommandFailure(.failedChecks, truncated(oneLine(String(describing: error))))
    }

    // MARK: file system

    /// `PATH: cannot OPERATION: REASON` for a Foundation file error (`CocoaError` or an `NSError` of its domain).
    static func fileSystem(_ error: any Error) -> String? {
        let nsError = error as NSError
        guard nsError.domain == NSCocoaErrorDomain || error is CocoaError else { return nil }
        let code = CocoaError.Code(rawValue: nsError.code)
        var path = (error as? CocoaError)?.filePath ?? nsError.userInfo[NSFilePathErrorKey] as? String
        if path == nil, let url = (error as? CocoaError)?.url ?? nsError.userInfo[NSURLErrorKey] as? URL {
            path = url.path
        }
        let reason = FileErrorReason.errno(of: error).map { FileErrorReason.words(errno: $0) }
            ?? FileErrorReason.words(cocoa: code) ?? "file error \(code.rawValue)"
        let operation = code.rawValue >= 512 && code.rawValue < 1024 ? "cannot write" : "cannot read"
        guard let path else { return "\(operation): \(reason)" }
        return "\(path): \(operation): \(reason)"
    }

    // MARK: decoding

    /// `a.b[2].c: debugDescription` on one line.
    static func decoding(_ error: DecodingError) -> String {
        let (path, detail): ([any CodingKey], String)
        switch error {
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            (path, detail) = (context.codingPath, context.debugDescription)
        case let .keyNotFound(key, context):
            (path, detail) = (context.codingPath + [key], context.debugDescription)
        @unknown default:
            (path, detail) = ([], String(describing: error))
        }
        let where_ = codingPath(path)
        return "cannot decode the JSON" + (where_.isEmpty ? "" : " at \(where_)") + ": " + detail
    }

    /// `shots[2].duration` from coding keys.
    static func codingPath(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == "\(index)" {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    // MARK: the run's state file

    /// The store's SQLite errors (GRDB's `DatabaseError`, matched by name: this module does not link GRDB).
    static func database(_ error: any Error) -> String? {
        guard String(describing: type(of: error)).contains("DatabaseError") else { return nil }
        let code = Mirror(reflecting: error).children
            .first { $0.label == "extendedResultCode" || $0.label == "resultCode" }
            .map { String(describing: $0.value) }
        guard let code else { return "the run's state file could not be read" }
        return "the run's state file could not be read (\(resultCode(code)))"
    }

    /// `26 (file is not a database)` said as `file is not a database, code 26`.
    static func resultCode(_ text: String) -> String {
        guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else { return "code \(text)" }
        let number = text[..<open].trimmingCharacters(in: .whitespaces)
        let words = text[text.index(after: open)..<text.index(before: text.endIndex)]
        return "\(words), code \(number)"
    }

    // MARK: one line

    /// `text` on one line: line breaks become `; `, runs of blank space one space, trimmed.
    static func oneLine(_ text: String) -> String {
        let lines = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        return lines.joined(separator: "; ").replacingOccurrences(of: "\t", with: " ")
    }

    /// `text` cut to `maxUnknownLength` characters (an ellipsis marks the cut).
    static func truncated(_ text: String) -> String {
        text.count <= maxUnknownLength ? text : String(text.prefix(maxUnknownLength - 3)) + "..."
    }
}
