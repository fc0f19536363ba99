import Foundation
import Logging
import Pipeline
import Review
import TestSupport

/// One throwaway PostgreSQL cluster for the review tests, with a password (so a test can look for it in every page),
/// stopped and removed when the process exits; each test takes a fresh database of its own in it.
enum ReviewPostgres {
    /// The cluster's password: random, so finding it in an answer cannot be a coincidence.
    static let password = "pw-" + (0..<12).map { _ in String(UInt8.random(in: 0...255), radix: 16) }.joined()

    private static let started: Result<PostgresServer, any Error> = {
        let result = Result { try PostgresServer.start(password: password) }
        atexit { ReviewPostgres.stopAtExit() }
        return result
    }()

    private static func stopAtExit() {
        if case .success(let server) = started { server.stop() }
    }

    /// A new empty database's URL (with the password in it, as a user may give it).
    static func freshDatabase(_ prefix: String) throws -> String {
        let server = try started.get()
        let name = "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
        try server.createDatabase(name)
        return server.url(database: name)
    }

    /// Opens a fresh database.
    static func openFresh(_ prefix: String) async throws -> PostgresDatabase {
        try await PostgresDatabase.open(try PostgresURL(freshDatabase(prefix)), logger: ReviewHarness.quietLogger("test.review.postgres"))
    }
}

extension ReviewHarness {
    /// Settings of a shared run: the account's limits are the store's.
    func sharedRunConfiguration(_ folder: String) -> RunConfiguration {
        var configuration = runConfiguration(folder)
        configuration.maxInFlight = 1_000_000
        configuration.requestsPerMinute = 1_000_000
        return configuration
    }

    /// Runs the plan as shared run `id` of `database` (as `seedance run plan.yaml --store URL --root ROOT --run ID`
    /// does) into `ROOT/id` under the harness folder, and returns that folder.
    func makeStoredRun(_ id: String, database: PostgresDatabase) async throws -> String {
        let planPath = try writePlan()
        let folder = directory.appendingPathComponent("shared").appendingPathComponent(id).path
        try await database.registerRun(id: id, folder: folder, budgetTokens: 5_000_000)
        var shared = SharedRun(database: database, runID: id, owner: SharedRun.workerName(), capacity: ClaimCapacity(limit: 10))
        shared.untilJoined = true
        let runner = try await PipelineRunner(plan: try PlanLoader.load(path: planPath.path), planFile: planPath.path,
                                              configuration: sharedRunConfiguration(folder), service: service,
                                              logger: Self.quietLogger("test.review.shared"), shared: shared)
        let summary = try await runner.run()
        guard summary.done == 3, summary.finalPassed == true else {
            throw ReviewTestFailure("the stored run to review did not finish: \(summary)")
        }
        return folder
    }

    /// Serves the runs of `database` (only `runID` when given) while `body` runs, with the printed address.
    func reviewingStore<T: Sendable>(_ database: PostgresDatabase, runID: String? = nil, withService: Bool = true,
                                     _ body: @Sendable (ReviewAddress) async throws -> T) async throws -> T {
        var configuration = ReviewConfiguration(store: database, runID: runID, service: withService ? service : nil,
                                                run: sharedRunConfiguration(""), logger: Self.quietLogger("test.review"))
        configuration.watchInterval = 0.1
        let server = try ReviewServer(configuration: configuration)
        return try await server.serving { address in try await body(try ReviewAddress(address)) }
    }
}

/// Every review decision of a stored run, as text: overrides and the join order.
func storedDecisions(_ database: PostgresDatabase, _ runID: String) async throws -> String {
    let store = PostgresJobStore(database: database, runID: runID)
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let overrides = try await store.overrides().sorted { $0.shotID < $1.shotID }
    return String(decoding: try encoder.encode(overrides), as: UTF8.self) + (try await store.meta(EditOrder.metaKey) ?? "")
}
