import Foundation
import Hummingbird
import NIOCore
import SeedanceAPI

/// The request context: Hummingbird's core storage plus the channel (a `drop` fault closes it).
struct SimulatorContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    var maxUploadSize: Int { 64 * 1024 * 1024 }
}

/// The HTTP face of the engine: the service's routes, auth, envelope and injected request faults.
struct SimulatorRoutes: Sendable {
    let engine: SimulatorEngine
    let configuration: SimulatorConfiguration

    static let tasksPath = "/api/v3/contents/generations/tasks"

    func build() -> Router<SimulatorContext> {
        let router = Router(context: SimulatorContext.self)
        router.add(middleware: ClientRequestIDMiddleware())
        router.add(middleware: UnknownRouteMiddleware())
        router.post(RouterPath(Self.tasksPath)) { request, context in
            try await self.guarded(request, context, route: .createRefused) { try await self.create(request, context) }
        }
        router.get(RouterPath(Self.tasksPath)) { request, context in
            try await self.guarded(request, context, route: .list) { try await self.list(request) }
        }
        router.get(RouterPath(Self.tasksPath + "/:id")) { request, context in
            try await self.guarded(request, context, route: .get) {
                let id = context.parameters.get("id") ?? ""
                guard let task = await self.engine.task(id) else { throw APIError.taskNotFound(id) }
                return try Self.json(task)
            }
        }
        router.delete(RouterPath(Self.tasksPath + "/:id")) { request, context in
            try await self.guarded(request, context, route: .delete) {
                try await self.engine.delete(context.parameters.get("id") ?? "")
                return Response(status: .ok, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(string: "{}")))
            }
        }
        router.get("/_simulator/files/:id/:name") { request, context in
            try await self.download(request, context)
        }
        router.get("/_simulator/stats") { _, _ in
            try Self.json(await self.engine.currentStats())
        }
        // The root of the test certificate that signs the clips, for a C2PA reader's trust anchors.
        router.get("/_simulator/c2pa-root.pem") { _, _ in
            guard let pem = self.engine.signing?.identity.rootCertificatePEM else {
                return Self.xmlError(404, "NoSuchKey", "This simulator does not sign its clips.")
            }
            return Response(status: .ok, headers: [.contentType: "application/x-pem-file"],
                            body: .init(byteBuffer: ByteBuffer(string: pem)))
        }
        return router
    }

    /// Counts the call, checks the key, injects request faults, runs `body`, and turns `APIError` into the envelope.
    private func guarded(_ request: Request, _ context: SimulatorContext, route: SimulatorEngine.Route,
                         _ body: () async throws -> Response) async throws -> Response {
        let isCreate = route == .createRefused
        if !isCreate { await engine.count(route) }
        do {
            try authorize(request)
            if await engine.drawFault(.slow) { try await Task.sleep(for: .seconds(configuration.faults.slowSeconds)) }
            if await engine.drawFault(.rateLimited) {
                throw APIError(httpStatus: 429, code: "ServerOverloaded",
                               message: "The service is overloaded. Please retry later.")
            }
            if await engine.drawFault(.serverError) {
                throw APIError(httpStatus: 500, code: "InternalServiceError",
                               message: "The service encountered an unexpected internal error.")
            }
            let dropped = await engine.drawFault(.drop)
            // A create or delete acts before its answer is lost, as on the network: a dropped create has created its
            // task (the ambiguous create), a dropped delete has cancelled or deleted it (so its retry is refused).
            let actsFirst = isCreate || route == .delete
            if dropped && !actsFirst { return try await drop(context) }
            let response = try await body()
            if dropped { return try await drop(context) }
            return response
        } catch let error as APIError {
            if isCreate { await engine.count(.createRefused) }
            return await errorResponse(error)
        }
    }

    private func drop(_ context: SimulatorContext) async throws -> Response {
        try? await context.channel.close()
        throw CancellationError()
    }

    private func authorize(_ request: Request) throws(APIError) {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw APIError.authentication()
        }
        let key = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        if key.isEmpty || (configuration.apiKey.map { $0 != key } ?? false) {
            throw APIError.authentication()
        }
    }

    private func create(_ request: Request, _ context: SimulatorContext) async throws -> Response {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: configuration.maxBodyBytes)
        } catch {
            throw APIError.invalidParameter("body", "the request body is larger than \(configuration.maxBodyBytes) bytes")
        }
        let body = try GenerationRequest.decode(Data(buffer: buffer))
        let resolved = try RequestValidation().validate(body)
        let imageSize = try Self.firstFrameSize(body, resolved: resolved)
        for (index, item) in body.content.enumerated() where item.type == .draftTask {
            let id = item.draftTask?.id ?? ""
            if !(await engine.isSucceededDraft(id)) {
                throw APIError.invalidParameter("content.draft_task.id",
                                                "content[\(index)]: \(id) is not a succeeded draft task")
            }
        }
        let images = try await ClipImages.read(body, into: engine.imageDirectory)
        let id = try await engine.create(body, resolved: resolved, imageSize: imageSize, images: images)
        return try Self.json(TaskCreated(id: id, safetyIdentifier: body.safetyIdentifier))
    }

    /// The size of the first-frame image when it is a data URL; every data-URL image is checked against the
    /// documented limits by `ImageChecks`, the same rules the client applies before sending.
    static func firstFrameSize(_ request: GenerationRequest, resolved: ResolvedRequest) throws(APIError) -> PixelSize? {
        var firstFrame: PixelSize?
        for (index, item) in request.content.enumerated() where item.type == .imageURL {
            guard let url = item.imageURL?.url, let dataURL = DataURL(url), let data = dataURL.data else { continue }
            let facts: ImageFacts
            do {
                facts = try ImageChecks.check(data)
            } catch {
                throw APIError.invalidParameter("content.image_url.url", "content[\(index)]: \(error.reason)")
            }
            if firstFrame == nil && (item.role == nil || item.role == .firstFrame) { firstFrame = facts.size }
        }
        return firstFrame
    }

    private func list(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        func number(_ name: String, default value: Int) throws(APIError) -> Int {
            guard let text = query[Substring(name)] else { return value }
            guard let number = Int(text), (1...500).contains(number) else {
                throw APIError.invalidParameter(name, "\(name) must be an integer in 1...500")
            }
            return number
        }
        let pageNumber = try number("page_num", default: 1)
        let pageSize = try number("page_size", default: 10)
        var status: TaskStatus?
        if let text = query["filter.status"], !text.isEmpty {
            status = TaskStatus(rawValue: String(text))
            guard let status, TaskStatus.known.contains(status) else {
                throw APIError.invalidParameter("filter.status", "\"\(text)\" is not a task status")
            }
        }
        let ids = query[values: "filter.task_ids"].flatMap { $0.split(separator: ",") }.map(String.init)
        let model = query["filter.model"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        var tier: ServiceTier?
        if let text = query["filter.service_tier"], !text.isEmpty {
            tier = ServiceTier(rawValue: String(text))
            guard tier != nil else {
                throw APIError.invalidParameter("filter.service_tier", "\"\(text)\" is not a service tier (default, flex)")
            }
        }
        return try Self.json(await engine.list(status: status, ids: ids, model: model, serviceTier: tier,
                                               pageNumber: pageNumber, pageSize: pageSize))
    }

    private func download(_ request: Request, _ context: SimulatorContext) async throws -> Response {
        let query = request.uri.queryParameters
        let answer = await engine.file(taskID: context.parameters.get("id") ?? "",
                                       name: context.parameters.get("name") ?? "",
                                       expires: query["expires"].map(String.init),
                                       signature: query["signature"].map(String.init))
        switch answer {
        case let .file(path, contentType, truncated):
            guard let data = FileManager.default.contents(atPath: path) else {
                return Self.xmlError(404, "NoSuchKey", "The specified key does not exist.")
            }
            var headers: HTTPFields = [.contentType: contentType, .acceptRanges: "bytes"]
            var status = HTTPResponse.Status.ok
            var (start, end) = (0, data.count - 1)
            // `Range: bytes=START-[END]` lets a client resume a download, as object storage does.
            if let range = request.headers[.range] {
                guard let (first, last) = Self.byteRange(range, size: data.count) else {
                    headers[.contentRange] = "bytes */\(data.count)"
                    return Response(status: .rangeNotSatisfiable, headers: headers)
                }
                (start, end) = (first, last)
                status = .partialContent
                headers[.contentRange] = "bytes \(start)-\(end)/\(data.count)"
            }
            let bytes = data.count > 0 ? data[start...end] : Data()
            // A truncated answer announces the whole length, sends the bytes up to 3/5 of the file, then closes the
            // connection, as a dropped transfer does (a resume from past that point goes through).
            let cut = data.count * 3 / 5
            guard truncated, start < cut else {
                return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
            let partial = ByteBuffer(bytes: data[start..<cut])
            let channel = context.channel
            return Response(status: status, headers: headers, body: ResponseBody(contentLength: bytes.count) { writer in
                try await writer.write(partial)
                try? await channel.close()
                throw CancellationError()
            })
        case .expired:
            return Self.xmlError(403, "AccessDenied", "Request has expired")
        case .forbidden:
            return Self.xmlError(403, "SignatureDoesNotMatch", "The request signature does not match")
        case .notFound:
            return Self.xmlError(404, "NoSuchKey", "The specified key does not exist.")
        }
    }

    /// The inclusive byte range of a single-range `bytes=START-[END]` or `bytes=-SUFFIX` header; nil when unsatisfiable.
    static func byteRange(_ header: String, size: Int) -> (Int, Int)? {
        guard header.hasPrefix("bytes="), size > 0 else { return nil }
        let spec = header.dropFirst("bytes=".count)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        if first.isEmpty {
            guard let suffix = Int(last), suffix > 0 else { return nil }
            return (max(0, size - suffix), size - 1)
        }
        guard let start = Int(first), start < size else { return nil }
        if last.isEmpty { return (start, size - 1) }
        guard let end = Int(last), end >= start else { return nil }
        return (start, min(end, size - 1))
    }

    // MARK: Bodies

    private func errorResponse(_ error: APIError) async -> Response {
        var error = error
        error.message += (error.message.hasSuffix(".") ? " " : ". ") + "Request id: \(await engine.nextRequestID())"
        var headers: HTTPFields = [.contentType: "application/json"]
        if error.httpStatus == 429 { headers[.retryAfter] = "1" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = (try? encoder.encode(APIErrorEnvelope(error: error))) ?? Data("{}".utf8)
        return Response(status: .init(code: error.httpStatus), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// An object-storage style XML error, as signed-link hosts answer.
    private static func xmlError(_ status: Int, _ code: String, _ message: String) -> Response {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>\(code)</Code><Message>\(message)</Message></Error>"
        return Response(status: .init(code: status), headers: [.contentType: "application/xml"],
                        body: .init(byteBuffer: ByteBuffer(string: xml)))
    }

    static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}

/// Echoes the `X-Client-Request-Id` the official SDKs send on every call: they read it back as the request id
/// (`with_raw_response.request_id`), as the service returns it.
struct ClientRequestIDMiddleware: RouterMiddleware {
    typealias Context = SimulatorContext
    static let header = HTTPFields.Element.Name("X-Client-Request-Id")!

    func handle(_ request: Request, context: SimulatorContext,
                next: (Request, SimulatorContext) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if let id = request.headers[Self.header] { response.headers[Self.header] = id }
        return response
    }
}

/// Answers requests for routes the service does not have with its JSON envelope rather than an empty 404.
struct UnknownRouteMiddleware: RouterMiddleware {
    typealias Context = SimulatorContext

    func handle(_ request: Request, context: SimulatorContext,
                next: (Request, SimulatorContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed {
            let envelope = APIErrorEnvelope(error: APIError(
                httpStatus: 404, code: "NotFound",
                message: "\(request.method) \(request.uri.path) is not an API route."))
            let data = (try? JSONEncoder().encode(envelope)) ?? Data("{}".utf8)
            return Response(status: .notFound, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}
