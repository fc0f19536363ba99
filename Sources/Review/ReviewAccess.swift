import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Who may ask what of a review server.
///
/// - The Host header must name this server (a name resolving elsewhere and then to 127.0.0.1, a DNS rebinding, sends
///   a foreign Host): on loopback one of 127.0.0.1, localhost, [::1]; on a wildcard address an IP literal or
///   localhost; else the bound host; always with the bound port.
/// - Every page, file and read needs the token: in the query (`?token=`, the printed address), a header, or the
///   cookie the page gets when opened with it.
/// - Every action (a POST: it may spend or changes the run) needs the token in the `X-Seedance-Token` header (never
///   the cookie, which a browser would attach to a forged request), an Origin (or, without one, a Referer) of this
///   very server, and a JSON body (a cross-site form cannot send one without a preflight this server refuses).
struct ReviewAccess: Sendable {
    let token: String
    let address: BoundAddress

    /// The header actions carry the token in.
    static let tokenHeader = HTTPField.Name("X-Seedance-Token")!
    /// The header naming one action, so a double click or a resent request does it once.
    static let idempotencyHeader = HTTPField.Name("Idempotency-Key")!

    /// The cookie holding the token for pages, files and reads (one per port: cookies do not tell ports apart).
    var cookieName: String { "seedance_review_\(address.port)" }

    /// Whether the Host header (`authority`) names this server.
    func hostAllowed(_ authority: String?) -> Bool {
        guard let authority, let (host, port) = Self.split(authority), port == address.port else { return false }
        let bound = address.host
        if ReviewConfiguration.isLoopback(bound) {
            return ["127.0.0.1", "localhost", "::1"].contains(host)
        }
        if bound == "0.0.0.0" || bound == "::" {
            // Any of this machine's addresses, but never a DNS name other than localhost: a rebinding needs one.
            return host == "localhost" || Self.isIPLiteral(host)
        }
        return host == bound.lowercased()
    }

    /// The origin a page of this server has, as the browser writes it, for the Host the request came with.
    static func origin(authority: String) -> String { "http://\(authority.lowercased())" }

    /// Whether the request carries the token where a read may (query, header, cookie).
    func readAllowed(_ request: Request) -> Bool {
        if let given = request.uri.queryParameters["token"], ReviewToken.matches(given, token) { return true }
        if let given = request.headers[Self.tokenHeader], ReviewToken.matches(given, token) { return true }
        return cookie(request).map { ReviewToken.matches($0, token) } ?? false
    }

    /// Why an action is refused (nil: allowed). Checked before anything is read or changed.
    func actionRefusal(_ request: Request) -> (HTTPResponse.Status, String)? {
        guard let given = request.headers[Self.tokenHeader] else {
            return (.forbidden, "missing token: actions carry the server's token in the X-Seedance-Token header")
        }
        guard ReviewToken.matches(given, token) else { return (.forbidden, "wrong token") }
        let own = Self.origin(authority: request.head.authority ?? "")
        if let origin = request.headers[.origin] {
            guard origin.lowercased() == own else { return (.forbidden, "foreign origin \(origin): actions come from this server's page") }
        } else if let referer = request.headers[.referer] {
            guard referer.lowercased() == own || referer.lowercased().hasPrefix(own + "/") else {
                return (.forbidden, "foreign referer: actions come from this server's page")
            }
        } else {
            return (.forbidden, "no Origin or Referer: actions come from this server's page")
        }
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/json") else {
            return (.unsupportedMediaType, "actions send JSON (Content-Type: application/json)")
        }
        return nil
    }

    /// The token cookie's value, when the request has it.
    func cookie(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix(cookieName + "=") { return String(pair.dropFirst(cookieName.count + 1)) }
            }
        }
        return nil
    }

    /// The `Set-Cookie` value giving the page's files and reads the token (not readable by scripts, never sent
    /// by another site's page).
    var setCookie: String { "\(cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict" }

    /// `host:port` or `[v6]:port` as a lower-cased host (brackets taken off) and a port.
    static func split(_ authority: String) -> (String, Int)? {
        let text = authority.lowercased()
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()) else { return nil }
            return (host, port)
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else { return nil }
        return (String(text[..<colon]), port)
    }

    /// Whether `host` is an IPv4 or IPv6 address (not a name).
    static func isIPLiteral(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}

/// The address the server is bound to, known once it listens.
final class BoundAddress: @unchecked Sendable {
    private let lock = NSLock()
    private var bound: (host: String, port: Int)

    init(host: String, port: Int) { bound = (host, port) }

    var host: String { lock.withLock { bound.host } }
    var port: Int { lock.withLock { bound.port } }

    func set(port: Int) { lock.withLock { bound.port = port } }
}
