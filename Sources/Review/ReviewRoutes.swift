import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Pipeline

/// The review server's routes: the page and its assets, the run as JSON and as a stream of changes, the actions,
/// and the run folder's files.
///
/// | route | what |
/// |---|---|
/// | `GET /` | the page (token in the query or the cookie; the query sets the cookie) |
/// | `GET /review.js`, `GET /review.css` | the page's script and style (no data in them) |
/// | `GET /api/state` | the page's document (`ReviewState`) |
/// | `GET /api/events` | the document again as server-sent events, each time the run changes |
/// | `POST /api/shots/ID/approve`, `/reject` `{reason}`, `/drop` `{dropped}` | review decisions (overrides) |
/// | `POST /api/shots/ID/regenerate` `{prompt?, seed?, reason?}` | make a rejected shot again (spends; key needed) |
/// | `POST /api/order` `{order: [ID]}` | the join order |
/// | `POST /api/join` | join the edit again into `final.mp4` (key needed) |
/// | `GET /files/PATH` | a file of the run folder (`ReviewFiles`) |
struct ReviewRoutes: Sendable {
    let access: ReviewAccess
    let files: ReviewFiles
    let state: ReviewState
    let jobs: ReviewJobs
    let review: RunReview
    let shutdown: ShutdownFlag
    let logger: Logger

    /// Largest action body read.
    static let maxBody = 64 * 1024

    func build() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: HostCheckMiddleware(access: access))
        router.add(middleware: FilesGuardMiddleware(files: files, access: access))
        router.add(middleware: FileMiddleware(files.root, urlBasePath: "/files", searchForIndexHtml: false, logger: logger))

        router.get("/") { request, _ in page(request) }
        router.get("/review.js") { _, _ in Self.asset(ReviewPage.script, type: "text/javascript; charset=utf-8") }
        router.get("/review.css") { _, _ in Self.asset(ReviewPage.style, type: "text/css; charset=utf-8") }
        router.get("/api/state") { request, _ in
            guard access.readAllowed(request) else { return Self.failure(.forbidden, "missing or wrong token") }
            let (_, document) = await state.current()
            return Self.json(document)
        }
        router.get("/api/events") { request, _ in events(request) }

        router.post("/api/shots/:id/approve") { request, context in
            try await action(request, context) { shot, _ in
                try await review.approve(shot)
                return (.ok, ["shot": shot, "approved": "true"])
            }
        }
        router.post("/api/shots/:id/reject") { request, context in
            try await action(request, context) { shot, body in
                let reason = body.reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                guard !reason.isEmpty else { return (.badRequest, ["error": "reason: say why the shot is rejected"]) }
                try await review.reject(shot, reason: reason)
                return (.ok, ["shot": shot, "approved": "false"])
            }
        }
        router.post("/api/shots/:id/drop") { request, context in
            try await action(request, context) { shot, body in
                let dropped = body.dropped ?? true
                try await review.setDropped(shot, dropped)
                return (.ok, ["shot": shot, "dropped": "\(dropped)"])
            }
        }
        router.post("/api/shots/:id/regenerate") { request, context in
            try await action(request, context, needsKey: true) { shot, body in
                let prompt = body.prompt.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
                let answer = await jobs.regenerate(shot: shot, prompt: prompt, seed: body.seed,
                                                   reason: body.reason ?? "rejected in review")
                return (HTTPResponse.Status(code: answer.status), answer.body)
            }
        }
        router.post("/api/order") { request, context in
            try await action(request, context) { _, body in
                guard let order = body.order else { return (.badRequest, ["error": "order: the shot ids in join order"]) }
                try await review.setJoinOrder(order)
                return (.ok, ["order": order.joined(separator: ",")])
            }
        }
        router.post("/api/join") { request, context in
            try await action(request, context, needsKey: true) { _, _ in
                let answer = await jobs.join()
                return (HTTPResponse.Status(code: answer.status), answer.body)
            }
        }
        return router
    }

    // MARK: page and reads

    private func page(_ request: Request) -> Response {
        let byQuery = request.uri.queryParameters["token"].map { ReviewToken.matches($0, access.token) } ?? false
        guard byQuery || access.readAllowed(request) else {
            return Response(status: .forbidden, headers: [.contentType: "text/html; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: ReviewPage.refused)))
        }
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        if byQuery { headers[.setCookie] = access.setCookie }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: ReviewPage.html(token: access.token))))
    }

    /// The document each time it changes, as `event: state` server-sent events, with a comment every 15 s so
    /// proxies keep the stream open; ends when the server shuts down or the page goes.
    private func events(_ request: Request) -> Response {
        guard access.readAllowed(request) else { return Self.failure(.forbidden, "missing or wrong token") }
        let state = state, shutdown = shutdown
        let body = ResponseBody { writer in
            var sent = 0
            var quietSince = Date()
            while !shutdown.isSet && !Task.isCancelled {
                let (version, document) = await state.current()
                if version != sent {
                    var buffer = ByteBuffer(string: "event: state\ndata: ")
                    buffer.writeBytes(document)
                    buffer.writeString("\n\n")
                    try await writer.write(buffer)
                    sent = version
                    quietSince = Date()
                } else if Date().timeIntervalSince(quietSince) > 15 {
                    try await writer.write(ByteBuffer(string: ": still here\n\n"))
                    quietSince = Date()
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"], body: body)
    }

    // MARK: actions

    /// What an action's JSON body may hold.
    struct ActionBody: Decodable {
        var reason: String?
        var prompt: String?
        var seed: Int64?
        var dropped: Bool?
        var order: [String]?
    }

    /// Checks the token, origin and body of an action, then runs `act` with the shot id (empty for run-wide
    /// actions) and the body; `needsKey`: the action spends, so it must name itself with an `Idempotency-Key`, and
    /// the same key is answered once. Every change is pushed to the page at once.
    private func action(_ request: Request, _ context: BasicRequestContext, needsKey: Bool = false,
                        _ act: @escaping @Sendable (String, ActionBody) async throws -> (HTTPResponse.Status, [String: String]))
        async throws -> Response {
        if let (status, reason) = access.actionRefusal(request) { return Self.failure(status, reason) }
        let key = request.headers[ReviewAccess.idempotencyHeader]
        if needsKey {
            guard let key, (8...128).contains(key.count) else {
                return Self.failure(.badRequest, "actions that spend name themselves with an Idempotency-Key header (8 to 128 characters)")
            }
            _ = key
        }
        var request = request
        let buffer = try await request.collectBody(upTo: Self.maxBody)
        let body: ActionBody
        do {
            body = buffer.readableBytes == 0 ? ActionBody() : try JSONDecoder().decode(ActionBody.self, from: Data(buffer.readableBytesView))
        } catch {
            return Self.failure(.badRequest, "the body is not the JSON this action takes")
        }
        let shot = context.parameters.get("id") ?? ""
        let run: @Sendable () async -> ReviewJobs.Answer = {
            do {
                let (status, fields) = try await act(shot, body)
                return ReviewJobs.Answer(status: Int(status.code), body: fields)
            } catch let error as StoreError {
                let missing = error.reason.contains("no shot")
                return ReviewJobs.Answer(status: missing ? 404 : 409, body: ["error": error.reason])
            } catch {
                return ReviewJobs.Answer(status: 500, body: ["error": "\(error)"])
            }
        }
        let answer: ReviewJobs.Answer
        if let key { answer = await jobs.once(key: key) { await run() } } else { answer = await run() }
        await state.refresh(force: true)
        return Self.json(try JSONEncoder().encode(answer.body), status: HTTPResponse.Status(code: answer.status))
    }

    // MARK: answers

    static func json(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A refusal as `{"error": "..."}`.
    static func failure(_ status: HTTPResponse.Status, _ reason: String) -> Response {
        let data = (try? JSONEncoder().encode(["error": reason])) ?? Data("{}".utf8)
        return json(data, status: status)
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Set once the server starts shutting down: event streams end, so the shutdown does not wait on them.
final class ShutdownFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var set = false
    var isSet: Bool { lock.withLock { set } }
    func raise() { lock.withLock { set = true } }
}
