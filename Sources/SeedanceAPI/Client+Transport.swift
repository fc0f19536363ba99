import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix

/// An HTTP answer with its body collected (API answers are small JSON).
struct Reply: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: ByteBuffer

    /// The service's request id: a header, else the `Request id: ...` at the end of an error message.
    var requestID: String? {
        for name in ["x-request-id", "x-tt-logid", "x-client-request-id"] {
            if let value = headers.first(name: name), !value.isEmpty { return value }
        }
        return nil
    }
}

extension Client {
    /// Largest API answer read into memory.
    static let maxAnswerBytes = 32 * 1024 * 1024

    /// Sends one API call with the retry rules of `RetryPolicy` for `call`; returns a 2xx answer or throws
    /// `ClientError` (`.api`, `.network`, `.unknownOutcome`, `.cancelled`).
    func send(_ call: CallKind, _ method: HTTPMethod, _ url: String, body: Data? = nil,
              taskID: String? = nil) async throws -> Reply {
        let policy = configuration.retry
        var attempt = 0
        let path = URL(string: url)?.path ?? ""
        while true {
            attempt += 1
            var request = HTTPClientRequest(url: url)
            request.method = method
            if let key = configuration.apiKey { request.headers.add(name: "Authorization", value: "Bearer \(key.secret)") }
            request.headers.add(name: "Accept", value: "application/json")
            request.headers.add(name: "User-Agent", value: "seedance-swift/0.1")
            if let body {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(data: body))
            }
            let outcome: AttemptOutcome
            var failure: ClientError
            do {
                // AsyncHTTPClient gets no logger: its trace output is noise here, and ours never carries headers.
                let response = try await http.execute(request, timeout: .milliseconds(Int64(configuration.requestTimeout * 1000)))
                let buffer = try await response.body.collect(upTo: Self.maxAnswerBytes)
                let reply = Reply(status: Int(response.status.code), headers: response.headers, body: buffer)
                logger.debug("api call", metadata: ["method": "\(method.rawValue)", "path": "\(path)",
                                                    "status": "\(reply.status)", "attempt": "\(attempt)"])
                if (200..<300).contains(reply.status) { return reply }
                failure = apiError(reply, taskID: taskID, attempts: attempt)
                outcome = .answered(status: reply.status, code: failure.code,
                                    retryAfter: Self.retryAfter(response.headers))
            } catch {
                if error is CancellationError || Task.isCancelled {
                    throw ClientError(.cancelled, "\(method.rawValue) \(path) was cancelled", taskID: taskID,
                                      attempts: attempt)
                }
                let connected = !Self.failedBeforeSending(error)
                outcome = connected ? .noAnswer : .notConnected
                failure = ClientError(.network, "\(method.rawValue) \(path): \(Self.describe(error))", taskID: taskID,
                                      attempts: attempt)
                logger.debug("api call failed", metadata: ["method": "\(method.rawValue)", "path": "\(path)",
                                                           "error": "\(Self.describe(error))", "attempt": "\(attempt)"])
            }
            switch policy.decide(call, outcome, attempt: attempt, random: Double.random(in: 0..<1)) {
            case let .retry(after):
                logger.notice("retrying", metadata: ["method": "\(method.rawValue)", "path": "\(path)",
                                                     "attempt": "\(attempt)", "delay_s": "\(String(format: "%.2f", after))"])
                do {
                    try await Self.sleep(seconds: after, taskID: taskID)
                } catch {
                    // Cancelled between attempts: nothing more was sent, so the last attempt's error is the truth
                    // (for a create, one that surely made nothing).
                    throw redact(failure)
                }
            case .fail:
                throw redact(failure)
            case .unknownOutcome:
                var unknown = failure
                unknown.kind = .unknownOutcome
                unknown.message = "the task may have been created (\(failure.message)); list recent tasks "
                    + "(`seedance list`) before creating it again"
                logger.warning("create outcome unknown", metadata: ["error": "\(failure.message)"])
                throw redact(unknown)
            }
        }
    }

    /// The typed error for a non-2xx answer: the envelope's code, message and param, or the body's first line.
    func apiError(_ reply: Reply, taskID: String?, attempts: Int) -> ClientError {
        let data = Data(buffer: reply.body)
        let requestIDFromHeader = reply.requestID
        if let envelope = try? JSONDecoder().decode(APIErrorEnvelope.self, from: data) {
            let error = envelope.error
            let requestID = requestIDFromHeader ?? Self.requestID(inMessage: error.message)
            return redact(ClientError(.api, error.message, httpStatus: reply.status, code: error.code,
                                      param: error.param, requestID: requestID, taskID: taskID, attempts: attempts))
        }
        let text = String(decoding: data.prefix(300), as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        let reason = HTTPResponseStatus(statusCode: reply.status).reasonPhrase
        return redact(ClientError(.api, text.isEmpty ? reason : text, httpStatus: reply.status,
                                  requestID: requestIDFromHeader, taskID: taskID, attempts: attempts))
    }

    /// `Request id: 0217...` at the end of a service message.
    static func requestID(inMessage message: String) -> String? {
        guard let range = message.range(of: "Request id: ", options: [.caseInsensitive, .backwards]) else { return nil }
        let id = message[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        return id.isEmpty ? nil : String(id)
    }

    /// `Retry-After` in seconds (delta-seconds or an HTTP date), nil when absent or unreadable.
    static func retryAfter(_ headers: HTTPHeaders) -> Double? {
        guard let value = headers.first(name: "retry-after")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.timeIntervalSinceNow)
    }

    /// Whether `error` happened before any byte of the request could leave: no connection was made.
    static func failedBeforeSending(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError {
            return error == .connectTimeout
        }
        if error is NIOConnectionError { return true }
        if let error = error as? ChannelError, case .connectTimeout = error { return true }
        if let error = error as? IOError {
            return [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL].contains(error.errnoCode)
        }
        return false
    }

    /// A short text for a transport error.
    static func describe(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError {
            let inner = error.connectionErrors.first.map { "\($0.error)" } ?? error.dnsAError.map { "\($0)" } ?? ""
            return "could not connect to \(error.host):\(error.port)" + (inner.isEmpty ? "" : " (\(inner))")
        }
        return String(describing: error)
    }

    /// Sleeps `seconds`; cancellation becomes `ClientError.cancelled`.
    static func sleep(seconds: Double, taskID: String?) async throws {
        guard seconds > 0 else { return }
        do {
            try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
        } catch {
            throw ClientError(.cancelled, "cancelled while waiting", taskID: taskID)
        }
    }
}
