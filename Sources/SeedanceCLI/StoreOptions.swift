import ArgumentParser
import Foundation
import Logging
import Pipeline

/// `--store URL`: where a run's state lives. Without it (and without `SEEDANCE_STORE`), a run folder's own SQLite file;
/// with a `postgres://` URL, a PostgreSQL database that many workers on many machines share.
struct StoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The shared store: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (default: "
                               + "$SEEDANCE_STORE; without either, the run folder's state.sqlite). Prefer "
                               + "SEEDANCE_STORE for a password: it is never printed.", valueName: "url"))
    var store: String?

    /// The PostgreSQL store named by `--store` or `SEEDANCE_STORE`, if any.
    func postgresURL() throws -> PostgresURL? {
        let text = store ?? ProcessInfo.processInfo.environment["SEEDANCE_STORE"].flatMap { $0.isEmpty ? nil : $0 }
        guard let text else { return nil }
        guard PostgresURL.isPostgres(text) else {
            throw CommandFailure(.badInput, "--store: \"\(PostgresURL.redact(text))\" is not a postgres:// URL "
                + "(without --store a run keeps its state in its folder)")
        }
        return try PostgresURL(text)
    }

    /// The PostgreSQL store, required by the commands that only work on one.
    func requiredURL(_ command: String) throws -> PostgresURL {
        guard let url = try postgresURL() else {
            throw CommandFailure(.badInput, "seedance \(command) needs a shared store: --store postgres://USER@HOST/DATABASE "
                + "(or SEEDANCE_STORE)")
        }
        return url
    }

    /// Opens the database, runs `body`, closes it.
    static func withDatabase<T>(_ url: PostgresURL, logger: Logger, _ body: (PostgresDatabase) async throws -> T) async throws -> T {
        let database = try await PostgresDatabase.open(url, logger: logger)
        do {
            let result = try await body(database)
            database.close()
            return result
        } catch {
            database.close()
            throw error
        }
    }
}

/// Options of a process working on shared runs: how many shots it holds and how long a lease lasts.
struct WorkerOptions: ParsableArguments {
    @Option(help: "Shots this process holds at once (its share of the work; the account's limits are `seedance limits`).")
    var concurrency = 10

    @Option(help: ArgumentHelp("Seconds a shot's lease lasts unless renewed: how soon a dead worker's shots are taken over.",
                               visibility: .hidden))
    var leaseSeconds: Double = 30

    func validate() throws {
        guard concurrency > 0 else { throw ValidationError("--concurrency must be at least 1") }
        guard leaseSeconds >= 1 else { throw ValidationError("--lease-seconds must be at least 1") }
    }

    /// A shared run of `runID` for this process.
    func shared(_ database: PostgresDatabase, runID: String, owner: String, capacity: ClaimCapacity) -> SharedRun {
        var shared = SharedRun(database: database, runID: runID, owner: owner, capacity: capacity)
        shared.leaseSeconds = leaseSeconds
        return shared
    }
}

extension RunConfiguration {
    /// A configuration for a shared run: the account's limits are the database's (`seedance limits`), so this
    /// process sets none of its own.
    func sharedLimits() -> RunConfiguration {
        var configuration = self
        configuration.maxInFlight = 1_000_000
        configuration.requestsPerMinute = 1_000_000
        return configuration
    }
}
