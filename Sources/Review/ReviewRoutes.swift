import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Pipeline

/// The review server's routes: the page and its assets, the run as JSON and as a stream of changes, the actions,
/// and the run folder's files. A server of one run (a folder, or a stored run named with `--run`) has them at the
/// root; a server of a store's runs lists the runs at `/` (and `/api/runs`) and has each run's routes under
/// `/runs/ID` (`/runs/ID/`, `/runs/ID/api/state`, `/runs/ID/files/PATH`, ...).
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
    let sites: ReviewSites
    let shutdown: ShutdownFlag
    let logger: Logger

    /// Largest action body read.
    static let maxBody = 64 * 1024

    /// Finds the site a request is for (the one site, or the run its `:run` parameter names).
    typealias Resolve = @Sendable (BasicRequestContext) async throws -> ReviewSite

    func build() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: HostCheckMiddleware(access: access))
        router.add(middleware: FilesGuardMiddleware(sites: sites, access: access))

        router.get("/review.js") { _, _ in Self.asset(ReviewPage.script, type: "text/javascript; charset=utf-8") }
        router.get("/review.css") { _, _ in Self.asset(ReviewPage.style, type: "text/css; charset=utf-8") }
        switch sites.mode {
        case .single(let site):
            addSite(to: router, listed: false) { _ in site }
        case .list(let database):
            router.get("/") { request, _ in await runsPage(request, database: database) }
            router.get("/api/runs") { request, _ in
                guard access.readAllowed(request) else { return Self.failure(.forbidden, "missing or wrong token") }
                return await Self.runsJSON(database)
            }
            let sites = sites
            addSite(to: router.group("runs/:run"), listed: true) { context in
                try await sites.site(context.parameters.get("run") ?? "")
            }
        }
        return router
    }

    /// A run's routes on `router`, for the site `resolve` finds.
    private func addSite<R: RouterMethods<BasicRequestContext>>(to router: R, listed: Bool, _ resolve: @escaping Resolve) {
        let access = access
        router.get("/") { request, context in
            // The token first: a request without it opens no run (nothing is read from the store for it).
            let byQuery = request.uri.queryParameters["token"].map { ReviewToken.matches($0, access.token) } ?? false
            guard byQuery || access.readAllowed(request) else {
                return Response(status: .forbidden, headers: [.contentType: "text/html; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: ReviewPage.refused)))
            }
            return try await withSite(request, context, resolve) { site in
                page(site: site, setCookie: byQuery, listed: listed)
            }
        }
        router.get("/api/state") { request, context in
            guard access.readAllowed(request) else { return Self.failure(.forbidden, "missing or wrong token") }
            return try await withSite(request, context, resolve) { site in
                let (_, document) = await site.state.current()
                return Self.json(document)
            }
        }
        router.get("/api/events") { request, context in
            guard access.readAllowed(request) else { return Self.failure(.forbidden, "missing or wrong token") }
            return try await withSite(request, context, resolve) { site in events(site) }
        }

        router.post("/api/shots/:id/approve") { request, context in
            try await action(request, context, resolve) { site, shot, _ in
                try await site.review.approve(shot)
                return (.ok, ["shot": shot, "approved": "true"])
            }
        }
        router.post("/api/shots/:id/reject") { request, context in
            try await action(request, context, resolve) { site, shot, body in
                let reason = body.reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                guard !reason.isEmpty else { return (.badRequest, ["error": "reason: say why the shot is rejected"]) }
                try await site.review.reject(shot, reason: reason)
                return (.ok, ["shot": shot, "approved": "false"])
            }
        }
        router.post("/api/shots/:id/drop") { request, context in
            try await action(request, context, resolve) { site, shot, body in
                let dropped = body.dropped ?? true
                try await site.review.setDropped(shot, dropped)
                return (.ok, ["shot": shot, "dropped": "\(dropped)"])
            }
        }
        router.post("/api/shots/:id/regenerate") { request, context in
            try await action(request, context, resolve, needsKey: true) { site, shot, body in
                let prompt = body.prompt.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
                let answer = await site.jobs.regenerate(shot: shot, prompt: prompt, seed: body.seed,
                                                        reason: body.reason ?? "rejected in review")
                return (HTTPResponse.Status(code: answer.status), answer.body)
            }
        }
        router.post("/api/order") { request, context in
            try await action(request, context, resolve) { site, _, body in
                guard let order = body.order else { return (.badRequest, ["error": "order: the shot ids in join order"]) }
                try await site.review.setJoinOrder(order)
                return (.ok, ["order": order.joined(separator: ",")])
            }
        }
        router.post("/api/join") { request, context in
            try await action(request, context, resolve, needsKey: true) { site, _, _ in
                let answer = await site.jobs.join()
                return (HTTPResponse.Status(code: answer.status), answer.body)
            }
        }
    }

    /// Runs `body` with the request's site, or answers why there is none: 404 for a run the store does not have,
    /// 409 for one this machine cannot serve, 503 when the store cannot be read.
    private func withSite(_ request: Request, _ context: BasicRequestContext, _ resolve: Resolve,
                          _ body: (ReviewSite) async throws -> Response) async throws -> Response {
        let site: ReviewSite
        do {
            site = try await resolve(context)
        } catch let missing as ReviewSiteMissing {
            return Self.failure(.notFound, missing.description)
        } catch let refused as ReviewError {
            return Self.failure(.conflict, refused.description)
        } catch {
            logger.warning("could not open a stored run", metadata: ["error": "\(error)"])
            return Self.failure(.serviceUnavailable, "the store cannot be read now: \(error)")
        }
        return try await body(site)
    }

    // MARK: page and reads

    /// The run's page (the token was checked); `setCookie`: it came in the query, so the cookie is set.
    private func page(site: ReviewSite, setCookie: Bool, listed: Bool) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        if setCookie { headers[.setCookie] = access.setCookie }
        let html = ReviewPage.html(token: access.token, base: site.prefix + "/", listLink: listed)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The list of a store's runs, each linking to its page.
    private func runsPage(_ request: Request, database: PostgresDatabase) async -> Response {
        let byQuery = request.uri.queryParameters["token"].map { ReviewToken.matches($0, access.token) } ?? false
        guard byQuery || access.readAllowed(request) else {
            return Response(status: .forbidden, headers: [.contentType: "text/html; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: ReviewPage.refused)))
        }
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        if byQuery { headers[.setCookie] = access.setCookie }
        let html: String
        do {
            html = ReviewRunsPage.html(runs: try await database.runs(), store: database.url.redacted)
        } catch {
            logger.warning("could not list the runs", metadata: ["error": "\(error)"])
            return Response(status: .serviceUnavailable, headers: headers,
                            body: .init(byteBuffer: ByteBuffer(string: ReviewRunsPage.unavailable("\(error)"))))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// `GET /api/runs`: the store's runs as `seedance runs --json` lists them, with each one's page path.
    static func runsJSON(_ database: PostgresDatabase) async -> Response {
        do {
            let runs = try await database.runs().map { ReviewRunsPage.Entry(run: $0) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return json(try encoder.encode(["runs": runs]))
        } catch {
            return failure(.serviceUnavailable, "the store cannot be read now: \(error)")
        }
    }

    /// The document each time it changes, as `event: state` server-sent events, with a comment every 15 s so
    /// proxies keep the stream open; ends when the server shuts down or the page goes.
    private func events(_ site: ReviewSite) -> Response {
        let state = site.state, shutdown = shutdown
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
    private func action(_ request: Request, _ context: BasicRequestContext, _ resolve: Resolve, needsKey: Bool = false,
                        _ act: @escaping @Sendable (ReviewSite, String, ActionBody) async throws -> (HTTPResponse.Status, [String: String]))
        async throws -> Response {
        if let (status, reason) = access.actionRefusal(request) { return Self.failure(status, reason) }
        return try await withSite(request, context, resolve) { site in
            try await action(request, context, site: site, needsKey: needsKey, act)
        }
    }

    private func action(_ request: Request, _ context: BasicRequestContext, site: ReviewSite, needsKey: Bool,
                        _ act: @escaping @Sendable (ReviewSite, String, ActionBody) async throws -> (HTTPResponse.Status, [String: String]))
        async throws -> Response {
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
                let (status, fields) = try await act(site, shot, body)
                return ReviewJobs.Answer(status: Int(status.code), body: fields)
            } catch let error as StoreError {
                let missing = error.reason.contains("no shot")
                return ReviewJobs.Answer(status: missing ? 404 : 409, body: ["error": error.reason])
            } catch {
                return ReviewJobs.Answer(status: 500, body: ["error": "\(error)"])
            }
        }
        let answer: ReviewJobs.Answer
        if let key { answer = await site.jobs.once(key: key) { await run() } } else { answer = await run() }
        await site.state.refresh(force: true)
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
