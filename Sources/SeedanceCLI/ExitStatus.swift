import Foundation

/// The exit statuses of DESIGN.md.
public enum ExitStatus: Int32, Sendable {
    /// Everything worked and passed.
    case success = 0
    /// A file or clip failed QA.
    case failedChecks = 1
    /// Bad input or usage.
    case badInput = 2
    /// The API or the network failed.
    case remoteFailure = 3
    /// Interrupted (Ctrl-C / SIGTERM): the run's state is kept and `seedance resume DIR` continues it.
    case interrupted = 130
}

/// A command's failure after it printed what it could: the message (one line, may be empty when already printed)
/// and the exit status.
public struct CommandFailure: Error, Sendable {
    /// The exit status to end with.
    public var status: ExitStatus
    /// The line to print on stderr; empty when the command already reported everything.
    public var message: String

    /// Makes a failure.
    public init(_ status: ExitStatus, _ message: String = "") {
        self.status = status
        self.message = message
    }
}

/// Unbuffered writes to stderr and buffered, flushed writes to stdout.
enum StandardError {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

enum StandardOutput {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
