import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The throwaway PostgreSQL server the store's tests run against: it answers on its own port, keeps its password,
/// and leaves nothing behind.
@Suite(.enabled(if: try TestConditions.postgres))
struct PostgresServerTests {
    @Test func answersQueriesAndCreatesDatabases() throws {
        let server = try PostgresServer.start()
        defer { server.stop() }
        #expect(try server.psql("SELECT 1") == "1")
        // Our own cluster with our settings, not a system one that happens to answer.
        #expect(try server.psql("SHOW port") == "\(server.port)")
        #expect(try server.psql("SHOW fsync") == "off")
        #expect(server.url == "postgres://postgres@127.0.0.1:\(server.port)/postgres")

        try server.createDatabase("seedance jobs")
        #expect(try server.psql("SELECT current_database()", database: "seedance jobs") == "seedance jobs")
        #expect(try server.psql("SELECT 1, 'two'", database: "seedance jobs") == "1|two")
        #expect(server.url(database: "seedance jobs").hasSuffix(":\(server.port)/seedance%20jobs"))
        #expect(throws: PostgresServerError.self) { try server.createDatabase("seedance jobs") }
    }

    @Test func passwordServerRefusesConnectionsWithoutThePassword() throws {
        let server = try PostgresServer.start(password: "s3cret:pw")
        defer { server.stop() }
        let missing = #expect(throws: PostgresServerError.self) { try server.psql("SELECT 1", password: nil) }
        #expect(missing?.description.contains("password") == true, "\(String(describing: missing))")
        let wrong = #expect(throws: PostgresServerError.self) { try server.psql("SELECT 1", password: "wrong") }
        #expect(wrong?.description.contains("password authentication failed") == true,
                "\(String(describing: wrong))")
        #expect(try server.psql("SELECT 1") == "1")
        #expect(try server.psql("SHOW password_encryption") == "scram-sha-256")

        // The URLs work with a real client (libpq), the password percent-encoded.
        #expect(server.url == "postgres://postgres:s3cret%3Apw@127.0.0.1:\(server.port)/postgres")
        #expect(try psql(url: server.url) == .success("1"))
        #expect(try psql(url: server.url(database: "postgres", password: nil)) != .success("1"))
    }

    @Test func stopKillsTheServerAndRemovesItsFolder() throws {
        let server = try PostgresServer.start()
        defer { server.stop() }
        #expect(tcpConnects(port: server.port))
        #expect(FileManager.default.fileExists(atPath: server.directory.appendingPathComponent("data/PG_VERSION").path))
        server.stop()
        #expect(!FileManager.default.fileExists(atPath: server.directory.path))
        #expect(!tcpConnects(port: server.port))
        server.stop()   // a second stop (the defer's, then deinit's) does nothing
        #expect(throws: PostgresServerError.self) { try server.psql("SELECT 1") }
    }

    @Test func releasingTheServerStopsIt() throws {
        var port = 0, directory = URL(fileURLWithPath: "/")
        do {
            let server = try PostgresServer.start()
            (port, directory) = (server.port, server.directory)
            #expect(tcpConnects(port: port))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path))
        #expect(!tcpConnects(port: port))
    }

    /// What psql answered for `SELECT 1` at `url`: its output, or its error message.
    private func psql(url: String) throws -> Result<String, PsqlFailure> {
        let binaries = try #require(TestConditions.postgresBinaries)
        // A clean environment: no PGPASSWORD or password file may supply what the URL lacks.
        let result = try run("\(binaries)/psql", ["-X", "-w", "-Atc", "SELECT 1", url],
                             environment: ["PATH": "/usr/bin:/bin", "PGPASSFILE": "/nonexistent/pgpass"])
        return result.status == 0 ? .success(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            : .failure(PsqlFailure(message: result.stderr))
    }

    private struct PsqlFailure: Error, Equatable { var message: String }

    /// Whether something accepts a TCP connection on 127.0.0.1:`port`.
    private func tcpConnects(port: Int) -> Bool {
        #if os(Linux)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
