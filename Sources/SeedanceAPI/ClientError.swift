/// An error of `SeedanceClient`: what went wrong, with everything known (HTTP status, API code, message, param,
/// request id, task id, attempts).
///
/// Compare kinds with `error.kind == .unknownOutcome`; the set of kinds can grow without breaking callers (the style of
/// AsyncHTTPClient's `HTTPClientError`). The API key never appears in any member: messages are redacted on creation.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable, Hashable {
            case api, network, unknownOutcome, timedOut, invalidResponse, invalidRequest, download, localFile, cancelled
        }

        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// The service answered with an error envelope (or a non-2xx status).
        public static let api = Kind(.api)
        /// The network failed (connection refused, reset, timed out) and retries did not help.
        public static let network = Kind(.network)
        /// A create call may or may not have made a task (timeout or 5xx after sending): reconcile through the list
        /// call, never resubmit blindly.
        public static let unknownOutcome = Kind(.unknownOutcome)
        /// `wait` reached its wall-clock limit before the task finished.
        public static let timedOut = Kind(.timedOut)
        /// The service answered with something that is not the documented JSON.
        public static let invalidResponse = Kind(.invalidResponse)
        /// The request was refused by the client's own checks before anything was sent.
        public static let invalidRequest = Kind(.invalidRequest)
        /// A download could not be completed (size mismatch, no link, file system).
        public static let download = Kind(.download)
        /// The downloaded file could not be written on this machine (a full disk, a read-only folder): not the
        /// service's doing, and not retried.
        public static let localFile = Kind(.localFile)
        /// The caller cancelled the work.
        public static let cancelled = Kind(.cancelled)

        public var description: String { code.rawValue }
    }

    /// The kind of failure.
    public var kind: Kind
    /// The explanation (redacted).
    public var message: String
    /// The HTTP status, when an answer came.
    public var httpStatus: Int?
    /// The API's error code (`InvalidParameter`, `ServerOverloaded`, ...), when one came.
    public var code: String?
    /// The request field at fault, when known.
    public var param: String?
    /// The service's request id (from `X-Tt-Logid` / `X-Request-Id` or the message's `Request id: ...`).
    public var requestID: String?
    /// The task concerned, when known.
    public var taskID: String?
    /// How many attempts were made.
    public var attempts: Int

    /// Makes an error; `message` is stored as given (callers redact through `SeedanceClient`).
    public init(_ kind: Kind, _ message: String, httpStatus: Int? = nil, code: String? = nil, param: String? = nil,
                requestID: String? = nil, taskID: String? = nil, attempts: Int = 1) {
        self.kind = kind
        self.message = message
        self.httpStatus = httpStatus
        self.code = code
        self.param = param
        self.requestID = requestID
        self.taskID = taskID
        self.attempts = attempts
    }

    /// One line: `API error HTTP 400 InvalidParameter (duration): ... [request id 0217..]`.
    public var description: String {
        var parts: [String] = []
        switch kind {
        case .api: parts.append("API error")
        case .network: parts.append("network error")
        case .unknownOutcome: parts.append("unknown outcome")
        case .timedOut: parts.append("timed out")
        case .invalidResponse: parts.append("invalid response")
        case .invalidRequest: parts.append("invalid request")
        case .download: parts.append("download failed")
        case .localFile: parts.append("download not saved")
        default: parts.append("cancelled")
        }
        if let httpStatus { parts.append("HTTP \(httpStatus)") }
        if let code { parts.append(code) }
        if let param { parts.append("(\(param))") }
        var line = parts.joined(separator: " ") + ": " + message
        if let taskID { line += " [task \(taskID)]" }
        if let requestID, !message.contains(requestID) { line += " [request id \(requestID)]" }
        if attempts > 1 { line += " [after \(attempts) attempts]" }
        return line
    }

    /// Whether the error says the request itself was wrong (the CLI's exit 2) rather than the API or network (exit 3).
    public var isBadInput: Bool { kind == .invalidRequest }

    /// Replaces every occurrence of `secret` in the text members.
    func redacting(_ secret: String?) -> ClientError {
        guard let secret, !secret.isEmpty else { return self }
        var copy = self
        copy.message = Redaction.redact(message, secret: secret)
        copy.param = param.map { Redaction.redact($0, secret: secret) }
        copy.code = code.map { Redaction.redact($0, secret: secret) }
        copy.requestID = requestID.map { Redaction.redact($0, secret: secret) }
        return copy
    }
}

/// Keeps a secret out of text.
enum Redaction {
    static func redact(_ text: String, secret: String) -> String {
        guard !secret.isEmpty, text.contains(secret) else { return text }
        return text.replacingOccurrences(of: secret, with: "[redacted]")
    }
}

extension ClientError {
    /// The error for an invalid request found by the client's checks (`APIError` from `RequestValidation`).
    static func invalid(_ error: APIError) -> ClientError {
        ClientError(.invalidRequest, error.message, code: error.code, param: error.param, attempts: 0)
    }
}
