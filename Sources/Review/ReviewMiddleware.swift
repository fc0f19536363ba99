import HTTPTypes
import Hummingbird

/// Headers every answer carries: a strict Content-Security-Policy (scripts, styles and media from this server only,
/// no framing, no form posts elsewhere), no sniffing, and the Referer only to this server.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var policy: String {
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = ReviewRoutes.failure(error.status, error.status == .notFound ? "not found" : "\(error)")
        }
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        if request.uri.path == "/" || request.uri.path.hasPrefix("/api/") {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }
}

/// Refuses a request whose Host does not name this server, before anything else looks at it.
struct HostCheckMiddleware<Context: RequestContext>: RouterMiddleware {
    let access: ReviewAccess

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard access.hostAllowed(request.head.authority) else {
            return ReviewRoutes.failure(.misdirectedRequest, "this server does not answer to host \(request.head.authority ?? "(none)")")
        }
        return try await next(request, context)
    }
}
