import Foundation

/// A `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` connection string, parsed once. The password is kept for the
/// connection only: `redacted` (what every message, log line and report shows) never contains it.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    /// Host name or address (or a Unix socket folder given as `?host=/path`).
    public var host: String
    /// TCP port (5432 unless given).
    public var port: Int
    /// User name.
    public var user: String
    /// Password, when the string has one.
    public var password: String?
    /// Database name (the user's name unless given, as libpq does).
    public var database: String
    /// A Unix socket folder (`?host=/var/run/postgresql`), when given instead of a TCP host.
    public var socketFolder: String?

    /// Whether `text` names a PostgreSQL store rather than a file.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses `text`; a malformed string is a `StoreError` that shows it without its password.
    public init(_ text: String) throws {
        guard Self.isPostgres(text), let components = URLComponents(string: text) else {
            throw StoreError(reason: "--store: expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE, got "
                + "\"\(Self.redact(text))\"")
        }
        guard let user = components.user?.removingPercentEncoding, !user.isEmpty else {
            throw StoreError(reason: "--store \(Self.redact(text)): the user is missing (postgres://USER@HOST/DATABASE)")
        }
        self.user = user
        password = components.password?.removingPercentEncoding
        socketFolder = components.queryItems?.first { $0.name == "host" }?.value
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? (socketFolder == nil ? "localhost" : "")
        port = components.port ?? 5432
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : (path.removingPercentEncoding ?? path)
        guard socketFolder != nil || !host.isEmpty else {
            throw StoreError(reason: "--store \(Self.redact(text)): the host is missing")
        }
    }

    /// The server's socket file when the URL names a socket folder (`FOLDER/.s.PGSQL.PORT`, as libpq finds it).
    public var socketPath: String? { socketFolder.map { "\($0)/.s.PGSQL.\(port)" } }

    /// The connection string without its password.
    public var redacted: String {
        let place = socketFolder.map { "?host=\($0)" } ?? ""
        return "postgres://\(user)@\(host)\(socketFolder == nil ? ":\(port)" : "")/\(database)\(place)"
    }

    /// Where the server is, for messages: `HOST:PORT` or the socket folder.
    public var server: String { socketFolder ?? "\(host):\(port)" }

    public var description: String { redacted }

    /// `text` with any password between `://USER:` and `@` replaced, for messages about a string that did not parse.
    public static func redact(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text.range(of: "@", range: scheme.upperBound..<text.endIndex),
              let colon = text.range(of: ":", range: scheme.upperBound..<at.lowerBound) else { return text }
        return String(text[..<colon.lowerBound]) + ":***" + String(text[at.lowerBound...])
    }
}
