import Foundation
import Logging
import NIOCore
import PostgresNIO

/// One PostgreSQL database holding many runs (the store for several workers): a `PostgresClient` pool, its
/// background task, and the schema check. Opened once per process and shared by the stores of every run it works on.
public final class PostgresDatabase: Sendable {
    /// The connection string (its password is never shown: use `url.redacted`).
    public let url: PostgresURL
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>
    let calls = CallCounter()

    /// Connects to `url`, checks that the server answers and the password is right, and brings the schema to this
    /// version (an older one is migrated; a newer one is refused). Failures are one line naming the server, never
    /// the password: an unreachable server or a refused login is a `DatabaseUnavailable` (exit 3), a newer schema
    /// a `StoreError` (exit 2).
    public static func open(_ url: PostgresURL, logger: Logger, migrate: Bool = true) async throws -> PostgresDatabase {
        // One plain connection first: the pool retries a refused connection quietly, while a single attempt says
        // at once whether the server is there and takes the password.
        do {
            let probe = try await PostgresConnection.connect(configuration: connectionConfiguration(url), id: 0,
                                                             logger: quiet(logger))
            try? await probe.close()
        } catch {
            throw unavailable(error, url: url)
        }
        let database = PostgresDatabase(url: url, logger: logger)
        if migrate {
            do { try await database.migrate() } catch {
                database.close()
                throw error
            }
        }
        return database
    }

    private init(url: PostgresURL, logger: Logger) {
        self.url = url
        self.logger = logger
        var configuration: PostgresClient.Configuration
        if let socket = url.socketPath {
            configuration = .init(unixSocketPath: socket, username: url.user, password: url.password,
                                  database: url.database)
        } else {
            configuration = .init(host: url.host, port: url.port, username: url.user, password: url.password,
                                  database: url.database, tls: .disable)
        }
        configuration.options.maximumConnections = 8
        configuration.options.connectTimeout = .seconds(10)
        let client = PostgresClient(configuration: configuration, backgroundLogger: Self.quiet(logger))
        self.client = client
        runner = Task { await client.run() }
    }

    /// Stops the pool (its connections close).
    public func close() { runner.cancel() }

    deinit { runner.cancel() }

    /// Statements and transactions sent so far (a transaction counts once).
    public var callCount: Int { calls.value }

    static func connectionConfiguration(_ url: PostgresURL) -> PostgresConnection.Configuration {
        if let socket = url.socketPath {
            return .init(unixSocketPath: socket, username: url.user, password: url.password, database: url.database)
        }
        var configuration = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user,
                                                             password: url.password, database: url.database, tls: .disable)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// The driver logs connection failures itself at error level; they reach the user once, as our own line.
    static func quiet(_ logger: Logger) -> Logger {
        var logger = logger
        logger.logLevel = max(logger.logLevel, .critical)
        return logger
    }

    // MARK: queries

    /// Runs one statement and returns its rows.
    @discardableResult
    func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        calls.add()
        do {
            var rows: [PostgresRow] = []
            for try await row in try await client.query(query, logger: logger) { rows.append(row) }
            return rows
        } catch {
            throw failure(error)
        }
    }

    /// Runs `body` in one transaction (committed when it returns, rolled back when it throws).
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        calls.add()
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch {
            // The body's own errors (a lease lost, a create deferred, a refused transition) come back unwrapped.
            throw failure(error)
        }
    }

    /// A driver error as one line naming the server (never the password).
    func failure(_ error: any Error) -> any Error {
        if let transaction = error as? PostgresTransactionError {
            return failure(transaction.closureError ?? transaction.beginError ?? transaction.commitError
                           ?? transaction.rollbackError ?? StoreError(reason: "\(url.redacted): transaction failed"))
        }
        if error is StoreError || error is LeaseLost || error is CreateDeferred || error is TransitionError {
            return error
        }
        if let decoding = error as? PostgresDecodingError {
            return StoreError(reason: "\(url.redacted): cannot read column \(decoding.columnName) as \(decoding.targetType)")
        }
        guard let psql = error as? PSQLError else {
            return StoreError(reason: "\(url.redacted): \(String(describing: error).prefix(200))")
        }
        if psql.code == .server, let message = psql.serverInfo?[.message] {
            let state = psql.serverInfo?[.sqlState] ?? ""
            if state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("28") {
                return Self.unavailable(error, url: url)
            }
            return StoreError(reason: "\(url.redacted): \(message) (SQLSTATE \(state))")
        }
        return Self.unavailable(error, url: url)
    }

    /// Why the server could not be used, in one line naming it: unreachable, a refused login, no such database.
    static func unavailable(_ error: any Error, url: PostgresURL) -> any Error {
        guard let psql = error as? PSQLError else {
            return DatabaseUnavailable(reason: "cannot reach the PostgreSQL server at \(url.server) "
                + "(\(url.redacted)): \(String(describing: error).prefix(160))")
        }
        if psql.code == .server {
            let state = psql.serverInfo?[.sqlState] ?? ""
            let message = psql.serverInfo?[.message] ?? "refused"
            switch state {
            case "28P01":
                return DatabaseUnavailable(reason: "the PostgreSQL server at \(url.server) refused the password of user "
                    + "\"\(url.user)\" (\(url.redacted)); check the password in --store or SEEDANCE_STORE")
            case "28000":
                return DatabaseUnavailable(reason: "the PostgreSQL server at \(url.server) refused user \"\(url.user)\": \(message)")
            case "3D000":
                return StoreError(reason: "\(url.redacted): the database \"\(url.database)\" does not exist on "
                    + "\(url.server); create it (createdb \(url.database)) or name another")
            default:
                return DatabaseUnavailable(reason: "the PostgreSQL server at \(url.server) refused the connection: \(message)")
            }
        }
        if psql.code == .authMechanismRequiresPassword {
            return DatabaseUnavailable(reason: "the PostgreSQL server at \(url.server) asks for a password and "
                + "\(url.redacted) has none (postgres://USER:PASSWORD@HOST/DATABASE)")
        }
        let cause = psql.underlying.map { Self.cause($0) } ?? psql.code.description
        return DatabaseUnavailable(reason: "cannot reach the PostgreSQL server at \(url.server) (\(url.redacted)): \(cause)")
    }

    /// A connection failure's cause in words (refused, timed out, unknown host).
    static func cause(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") || text.contains("ECONNREFUSED") {
            return "connection refused"
        }
        if text.contains("connectTimeout") || text.contains("timed out") { return "timed out" }
        if text.contains("resolution") || text.contains("NXDOMAIN") || text.contains("getaddrinfo") {
            return "unknown host"
        }
        return String(text.prefix(160))
    }
}

/// The PostgreSQL server could not be used (unreachable, or it refused the login): exit 3, like an unreachable API.
public struct DatabaseUnavailable: Error, Sendable, CustomStringConvertible {
    /// One line naming the server, never the password.
    public var reason: String
    /// Makes an error.
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}
