import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A client of the Seedance video-generation API (AsyncHTTPClient): create, get, list, delete, wait, batch poll and
/// download, with DESIGN.md's safety rules.
///
/// - The paid create call is validated first and retried only when the request surely was not accepted; any other
///   doubt throws `ClientError` of kind `.unknownOutcome` (reconcile with `list`, never resubmit blindly).
/// - Reads and downloads retry with capped, jittered backoff honouring `Retry-After`.
/// - Downloads stream to a `.part` file beside the destination (constant memory), are checked against
///   `Content-Length`, resumed with `Range` after a drop, re-read the task for a fresh link when the old one has
///   expired, and are renamed into place only when complete.
/// - The API key is sent only to the base URL's host (never to download links) and never appears in logs or errors.
///
/// Every error thrown is a `ClientError` (or a `CancellationError` mapped to kind `.cancelled`).
/// Call `shutdown()` when done if the client made its own `HTTPClient`.
public final class Client: Sendable {
    /// The configuration in use.
    public let configuration: ClientConfiguration
    let http: HTTPClient
    let ownsHTTPClient: Bool
    let logger: Logger

    /// Makes a client with its own `HTTPClient` (call `shutdown()`), or on `httpClient` (whose owner shuts it down).
    public init(configuration: ClientConfiguration, httpClient: HTTPClient? = nil,
                logger: Logger = Logger(label: "seedance.client")) {
        self.configuration = configuration
        self.logger = logger
        if let httpClient {
            http = httpClient
            ownsHTTPClient = false
        } else {
            var config = HTTPClient.Configuration()
            config.timeout = .init(connect: .milliseconds(Int64(configuration.connectTimeout * 1000)), read: .seconds(120))
            config.redirectConfiguration = .follow(max: 5, allowCycles: false)
            config.decompression = .disabled
            // A connection that cannot be made fails the attempt at once: the retry policy decides what happens
            // next. (Left on, AsyncHTTPClient would retry it silently until the connect timeout, so each attempt
            // at a refusing host lasts `connectTimeout` and a create's five attempts about a minute.)
            config.connectionPool.retryConnectionEstablishment = false
            http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
            ownsHTTPClient = true
        }
    }

    /// Shuts down the client's own `HTTPClient` (nothing when it was given one).
    public func shutdown() async throws {
        if ownsHTTPClient { try await http.shutdown() }
    }

    // MARK: Calls

    /// Validates `request` (see `RequestChecks`) and creates a task; returns its id.
    ///
    /// Throws `.invalidRequest` before sending anything when the request breaks a documented rule;
    /// `.unknownOutcome` when the task may or may not have been made.
    public func create(_ request: GenerationRequest) async throws -> TaskCreated {
        let body = try RequestChecks.encode(request)
        return try await createValidated(body: body)
    }

    /// Creates a task from a prepared JSON body (`--body FILE`), sent as given after the same checks.
    public func create(body: Data) async throws -> TaskCreated {
        let request: GenerationRequest
        do { request = try GenerationRequest.decode(body) } catch { throw ClientError.invalid(error) }
        _ = try RequestChecks.validate(request, bodySize: body.count)
        return try await createValidated(body: body)
    }

    private func createValidated(body: Data) async throws -> TaskCreated {
        let reply = try await send(.create, .POST, tasksURL(), body: body)
        let created: TaskCreated = try decode(reply, as: TaskCreated.self, taskID: nil)
        logger.info("task created", metadata: ["task_id": "\(created.id)"])
        return created
    }

    /// Reads one task.
    public func task(_ id: String) async throws -> GenerationTask {
        try TaskID.check(id)
        let reply = try await send(.read, .GET, tasksURL(id: id), taskID: id)
        return try decode(reply, as: GenerationTask.self, taskID: id)
    }

    /// Lists tasks (the service keeps the last 7 days): filters, repeated `filter.task_ids`, paging.
    public func list(_ query: TaskQuery = TaskQuery()) async throws -> TaskList {
        let reply = try await send(.read, .GET, tasksURL(query: query.queryItems))
        return try decode(reply, as: TaskList.self, taskID: nil)
    }

    /// Cancels a queued task, or deletes the record of a finished one (running and cancelled ones are refused).
    ///
    /// When an attempt's answer was lost and the retry is refused because the task is now cancelled (or gone), the
    /// lost attempt did the work: the task is re-read to make sure, and the outcome says so instead of failing.
    @discardableResult
    public func delete(_ id: String) async throws -> DeleteOutcome {
        try TaskID.check(id)
        do {
            _ = try await send(.read, .DELETE, tasksURL(id: id), taskID: id)
            return .done
        } catch let error as ClientError where error.kind == .api && error.attempts > 1
            && (error.httpStatus == 400 || error.httpStatus == 404) {
            do {
                let current = try await self.task(id)
                guard current.status == .cancelled else { throw error }
                return .alreadyCancelled
            } catch let reread as ClientError where reread.kind == .api && reread.httpStatus == 404 {
                return .alreadyDeleted
            }
        }
    }

    // MARK: URLs and decoding

    func tasksURL(id: String? = nil, query: [URLQueryItem] = []) -> String {
        var url = configuration.baseURL.appendingPathComponent("contents/generations/tasks")
        if let id { url = url.appendingPathComponent(id) }
        guard !query.isEmpty, var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else {
            return url.absoluteString
        }
        components.queryItems = query
        return components.url?.absoluteString ?? url.absoluteString
    }

    func decode<T: Decodable>(_ reply: Reply, as type: T.Type, taskID: String?) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: reply.body))
        } catch {
            let text = String(decoding: Data(buffer: reply.body).prefix(200), as: UTF8.self)
            throw redact(ClientError(.invalidResponse, "the answer is not the documented \(T.self) JSON: \(text)",
                                     httpStatus: reply.status, requestID: reply.requestID, taskID: taskID))
        }
    }

    /// `error` with the API key removed from every text member.
    func redact(_ error: ClientError) -> ClientError {
        error.redacting(configuration.apiKey?.secret)
    }
}

/// What a delete call achieved.
public enum DeleteOutcome: Sendable, Hashable {
    /// The service answered the call: cancelled or deleted.
    case done
    /// An answer was lost, and the retry found the task already cancelled (by the lost attempt).
    case alreadyCancelled
    /// An answer was lost, and the retry found the task already gone (deleted by the lost attempt).
    case alreadyDeleted

    /// A note for the user when the outcome was inferred after a lost answer; nil for `done`.
    public var note: String? {
        switch self {
        case .done: nil
        case .alreadyCancelled: "the first answer was lost; the retry found the task already cancelled"
        case .alreadyDeleted: "the first answer was lost; the retry found the task already deleted"
        }
    }
}

/// Filters and paging of the list call.
public struct TaskQuery: Sendable, Hashable {
    /// Page number, 1-based (1...500).
    public var pageNumber: Int
    /// Items per page (1...500).
    public var pageSize: Int
    /// Only tasks with this status.
    public var status: TaskStatus?
    /// Only these tasks (sent as repeated `filter.task_ids`).
    public var taskIDs: [String]
    /// Only tasks of this model.
    public var model: String?
    /// Only tasks of this processing tier (`filter.service_tier`).
    public var serviceTier: ServiceTier?

    /// Makes a query; the defaults list the newest 20 tasks.
    public init(pageNumber: Int = 1, pageSize: Int = 20, status: TaskStatus? = nil, taskIDs: [String] = [],
                model: String? = nil, serviceTier: ServiceTier? = nil) {
        self.serviceTier = serviceTier
        self.pageNumber = pageNumber
        self.pageSize = pageSize
        self.status = status
        self.taskIDs = taskIDs
        self.model = model
    }

    /// The query string's items, in the service's names.
    public var queryItems: [URLQueryItem] {
        var items = [URLQueryItem(name: "page_num", value: "\(pageNumber)"),
                     URLQueryItem(name: "page_size", value: "\(pageSize)")]
        if let status { items.append(URLQueryItem(name: "filter.status", value: status.rawValue)) }
        for id in taskIDs { items.append(URLQueryItem(name: "filter.task_ids", value: id)) }
        if let model { items.append(URLQueryItem(name: "filter.model", value: model)) }
        if let serviceTier { items.append(URLQueryItem(name: "filter.service_tier", value: serviceTier.rawValue)) }
        return items
    }
}
