import Foundation
import Pipeline
import Logging
import TestSupport

/// One throwaway PostgreSQL cluster for the whole test process (initdb takes a second or two), stopped and removed
/// when the process exits; each test takes a fresh database of its own in it.
enum SharedPostgres {
    private static let started: Result<PostgresServer, any Error> = {
        let result = Result { try PostgresServer.start() }
        atexit { SharedPostgres.stopAtExit() }
        return result
    }()

    private static func stopAtExit() {
        if case .success(let server) = started { server.stop() }
    }

    /// The cluster (throws why it could not start).
    static func server() throws -> PostgresServer { try started.get() }

    /// A new empty database's URL.
    static func freshDatabase(_ prefix: String = "t") throws -> String {
        let server = try server()
        let name = "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
        try server.createDatabase(name)
        return server.url(database: name)
    }

    /// A loopback port nothing listens on now (bound to 0 and read back, then closed).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A quiet logger.
    static var logger: Logger {
        var logger = Logger(label: "test.postgres")
        logger.logLevel = .critical
        return logger
    }

    /// Opens a fresh database.
    static func openFresh(_ prefix: String = "t") async throws -> PostgresDatabase {
        try await PostgresDatabase.open(try PostgresURL(freshDatabase(prefix)), logger: logger)
    }
}
