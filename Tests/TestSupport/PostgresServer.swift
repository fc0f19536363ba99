import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A throwaway PostgreSQL cluster for tests: its own folder, its own free loopback port, nothing shared with a
/// system cluster (Debian's on 5432 may or may not run; it is never used).
///
/// `start()` runs `initdb` and `pg_ctl start -w`, so the server accepts connections when it returns; `stop()` (also
/// run by `deinit`) kills it and removes the folder. Call `stop()` in every outcome of a test (`defer`): `deinit`
/// alone runs only when the last reference goes, which a failed `#require` does not hasten.
public final class PostgresServer: @unchecked Sendable {
    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// The temporary folder holding the data folder, the socket folder and the log; removed by `stop()`.
    public let directory: URL
    /// The `postgres` user's password; nil when the cluster trusts every local connection.
    public let password: String?

    private let binaries: String
    private let lock = NSLock()
    private var stopped = false

    private init(port: Int, directory: URL, password: String?, binaries: String) {
        self.port = port
        self.directory = directory
        self.password = password
        self.binaries = binaries
    }

    deinit { stop() }

    /// `postgres://postgres[:PASSWORD]@127.0.0.1:PORT/postgres`.
    public var url: String { url(database: "postgres") }

    /// The URL of `database` as the `postgres` user, with the server's password when it has one.
    public func url(database: String) -> String { url(database: database, password: password) }

    /// The URL of `database` as the `postgres` user with `password` (none when nil), whatever the server's is: for
    /// tests of a wrong or missing password.
    public func url(database: String, password: String?) -> String {
        let secret = password.map { ":" + ($0.addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed) ?? $0) }
        let name = database.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? database
        return "postgres://postgres\(secret ?? "")@127.0.0.1:\(port)/\(name)"
    }

    /// Creates an empty database named `name` (any text: it is quoted).
    public func createDatabase(_ name: String) throws {
        _ = try psql("CREATE DATABASE \"\(name.replacingOccurrences(of: "\"", with: "\"\""))\"")
    }

    /// Runs `sql` in `database` with `psql -Atc` over TCP, with the server's password, and returns the unaligned
    /// rows (`|` between columns, one line a row, no trailing newline). Throws when psql fails.
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try psql(sql, database: database, password: password)
    }

    /// Runs `sql` like `psql(_:database:)` but with `password` (none when nil), whatever the server's is: for tests
    /// that a wrong or missing password is refused. psql never prompts (`-w`).
    public func psql(_ sql: String, database: String = "postgres", password: String?) throws -> String {
        var environment = Self.environment(directory: directory)
        if let password { environment["PGPASSWORD"] = password }
        let psql = FileManager.default.isExecutableFile(atPath: "\(binaries)/psql") ? "\(binaries)/psql" : "psql"
        let result = try run(psql, ["-X", "-w", "-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-d", database,
                                    "-Atc", sql], environment: environment)
        guard result.status == 0 else {
            throw PostgresServerError(message: "psql failed (status \(result.status)) on \(sql): "
                                          + result.stderr.trimmingCharacters(in: .whitespacesAndNewlines),
                                      logTail: Self.logTail(directory))
        }
        return result.stdout.hasSuffix("\n") ? String(result.stdout.dropLast()) : result.stdout
    }

    /// Stops the server at once (`pg_ctl stop -m immediate`: nothing in it is worth a clean shutdown) and removes
    /// its folder. Safe to call more than once and from `deinit`.
    public func stop() {
        lock.lock()
        let first = !stopped
        stopped = true
        lock.unlock()
        guard first else { return }
        _ = try? Self.serverTool("pg_ctl", ["-D", Self.dataDirectory(directory).path, "stop", "-m", "immediate", "-w"],
                                 binaries: binaries, directory: directory)
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: Starting

    /// Makes a fresh cluster and starts it on a free loopback port. With `password`, the `postgres` user has it and
    /// every connection (socket and TCP) must give it (SCRAM-SHA-256); without, every local connection is trusted.
    public static func start(password: String? = nil) throws -> PostgresServer {
        guard let binaries = TestConditions.postgresBinaries else {
            throw PostgresServerError(message: "PostgreSQL's initdb and pg_ctl are in neither /usr/lib/postgresql/*/bin "
                                          + "nor PATH (apt-get install postgresql)", logTail: "")
        }
        if let password, password.isEmpty || password.contains(where: \.isNewline) {
            throw PostgresServerError(message: "the password must be one non-empty line (initdb reads one line)",
                                      logTail: "")
        }
        // Under /tmp rather than TMPDIR: the postgres user must reach the folder (a TMPDIR under /root it could
        // not), and a socket path must stay under 108 bytes.
        let directory = URL(fileURLWithPath: "/tmp/seedance-pg-\(UUID().uuidString.prefix(8).lowercased())")
        do {
            try makeWorldWritable(directory, create: true)
            try makeWorldWritable(directory.appendingPathComponent("sock"), create: true)
            try initialize(directory, password: password, binaries: binaries)
            // Another process may take the port between our probe and the server's bind; a few fresh tries cover it.
            for attempt in 1...3 {
                let port = try freeLoopbackPort()
                if try launch(directory, port: port, binaries: binaries, lastAttempt: attempt == 3) {
                    return PostgresServer(port: port, directory: directory, password: password, binaries: binaries)
                }
            }
            throw PostgresServerError(message: "pg_ctl start found no free port in 3 tries", logTail: logTail(directory))
        } catch {
            _ = try? serverTool("pg_ctl", ["-D", dataDirectory(directory).path, "stop", "-m", "immediate"],
                                binaries: binaries, directory: directory)
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    private static func initialize(_ directory: URL, password: String?, binaries: String) throws {
        // --no-locale: the C locale exists everywhere, while LANG may name one the machine never generated.
        var arguments = ["-D", dataDirectory(directory).path, "-U", "postgres", "--no-locale", "-E", "UTF8"]
        let passwordFile = directory.appendingPathComponent("pwfile")
        defer { try? FileManager.default.removeItem(at: passwordFile) }
        if let password {
            guard FileManager.default.createFile(atPath: passwordFile.path, contents: Data((password + "\n").utf8),
                                                 attributes: [.posixPermissions: 0o644]) else {
                throw PostgresServerError(message: "cannot write \(passwordFile.path)", logTail: "")
            }
            arguments += ["--pwfile=\(passwordFile.path)", "--auth-local=scram-sha-256", "--auth-host=scram-sha-256"]
        } else {
            arguments += ["-A", "trust"]
        }
        try check(try serverTool("initdb", arguments, binaries: binaries, directory: directory), "initdb", directory)
    }

    /// Starts the server on `port` and waits until it accepts connections. False when the port was taken (and
    /// another try may do); throws on any other failure, or on a taken port in the last try.
    private static func launch(_ directory: URL, port: Int, binaries: String, lastAttempt: Bool) throws -> Bool {
        let log = logFile(directory)
        try? FileManager.default.removeItem(at: log)
        let options = "-p \(port) -k \(directory.appendingPathComponent("sock").path) "
            + "-c listen_addresses=127.0.0.1 -c fsync=off"
        let result = try serverTool("pg_ctl", ["-D", dataDirectory(directory).path, "-o", options, "-l", log.path,
                                               "start", "-w"], binaries: binaries, directory: directory)
        if result.status != 0, !lastAttempt, logTail(directory).contains("could not bind") { return false }
        try check(result, "pg_ctl start", directory)
        return true
    }

    // MARK: Tools

    /// Runs a server program (`initdb`, `pg_ctl`) in `directory`: as the `postgres` user when we are root, since both
    /// refuse root; through `closingDescriptors`, since `pg_ctl start` leaves the server running.
    private static func serverTool(_ name: String, _ arguments: [String], binaries: String,
                                   directory: URL) throws -> RunResult {
        let command = ["/bin/bash", "-c", closingDescriptors, directory.path, "\(binaries)/\(name)"] + arguments
        let environment = environment(directory: directory)
        if geteuid() == 0 {
            let runuser = ["/usr/sbin/runuser", "/sbin/runuser"].first(where: FileManager.default.isExecutableFile)
            return try run(runuser ?? "runuser", ["-u", "postgres", "--"] + command, environment: environment)
        }
        return try run(command[0], Array(command.dropFirst()), environment: environment)
    }

    /// A bash script that enters `$0` and runs `"$@"` with no descriptor open above stderr. The server `pg_ctl start`
    /// leaves behind would otherwise inherit ours, among them the socket by which Foundation's `Process` learns that
    /// its child exited (swift-corelibs-foundation#4795): `run` would then wait as long as the server runs. The
    /// subshell closes them; the outer bash, keeping that socket, lives exactly as long as the program.
    private static let closingDescriptors = #"cd -- "$0" && ( for fd in /dev/fd/*; do fd=${fd##*/}; "#
        + #"[ "$fd" -gt 2 ] && exec {fd}>&-; done; exec "$@" )"#

    /// Our environment without the `PG*` variables (a PGHOST, PGPORT or PGPASSWORD of the machine must not steer
    /// the tests), and a password file that does not exist, so only what a call passes is used.
    private static func environment(directory: URL) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        environment["PGPASSFILE"] = directory.appendingPathComponent("no-pgpass").path
        environment["PGCONNECT_TIMEOUT"] = "10"
        return environment
    }

    private static func check(_ result: RunResult, _ what: String, _ directory: URL) throws {
        guard result.status != 0 else { return }
        let output = (result.stderr + result.stdout).trimmingCharacters(in: .whitespacesAndNewlines)
        throw PostgresServerError(message: "\(what) failed (status \(result.status)): \(output)",
                                  logTail: logTail(directory))
    }

    private static func dataDirectory(_ directory: URL) -> URL { directory.appendingPathComponent("data") }

    private static func logFile(_ directory: URL) -> URL { directory.appendingPathComponent("postgres.log") }

    /// The last 20 lines of the server log ("" when there is none yet).
    private static func logTail(_ directory: URL) -> String {
        let lines = readText(logFile(directory)).split(separator: "\n", omittingEmptySubsequences: false)
        return lines.suffix(20).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Creates `url` when asked and opens it to everyone: initdb and the server run as the postgres user, while the
    /// folder is ours.
    private static func makeWorldWritable(_ url: URL, create: Bool) throws {
        if create { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: url.path)
    }

    /// A port no one listens on now: bind port 0 on loopback and read back what the kernel chose.
    private static func freeLoopbackPort() throws -> Int {
        #if os(Linux)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw PostgresServerError(message: "socket() failed: errno \(errno)", logTail: "") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let status = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 ? getsockname(fd, pointer, &length) : -1
            }
        }
        guard status == 0 else {
            throw PostgresServerError(message: "cannot bind a loopback port: errno \(errno)", logTail: "")
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A throwaway PostgreSQL server could not start or answer: what failed, and the end of the server's log.
public struct PostgresServerError: Error, CustomStringConvertible {
    /// What failed, with the program's own message.
    public var message: String
    /// The last lines of the server log ("" when there was none).
    public var logTail: String

    /// The message, then the log tail when there is one.
    public var description: String {
        logTail.isEmpty ? message : "\(message)\n--- end of the server log ---\n\(logTail)"
    }
}
