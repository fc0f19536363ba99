import Foundation
import Logging
import Pipeline

/// What a review server serves: one run folder, or the runs of a shared PostgreSQL store.
public enum ReviewSource: Sendable {
    /// A run folder holding its own state (`state.sqlite`).
    case folder(String)
    /// The shared store: one run (`run`), served at the root like a folder, or, without one, a list of every stored
    /// run with each run's page under `/runs/ID/`. A run's files are in its folder under the store's shared root.
    case store(PostgresDatabase, run: String?)
}

/// What a review server serves and how: the run folder or store, the address, the token, and what regeneration
/// spends with.
public struct ReviewConfiguration: Sendable {
    /// What is reviewed.
    public var source: ReviewSource
    /// The run folder, when a folder is reviewed (nil for a store).
    public var directory: String? {
        if case .folder(let directory) = source { return directory }
        return nil
    }
    /// The address to listen on: loopback unless asked otherwise (anyone who can reach the port and has the
    /// address with its token can spend).
    public var host: String = "127.0.0.1"
    /// The port; 0 picks a free one.
    public var port: Int = 0
    /// The secret every request must carry (in the printed address, then a cookie and a header): a fresh random
    /// one per server by default.
    public var token: String = ReviewToken.make()
    /// What regeneration creates tasks through (the client `seedance regenerate` uses); nil when no API key is
    /// set: the page still shows, approves, reorders and re-joins, and says why it cannot regenerate.
    public var service: (any GenerationService)?
    /// Why `service` is nil, shown on the page and in a refused regeneration.
    public var serviceUnavailable: String = "no API key: set SEEDANCE_API_KEY (or ARK_API_KEY) and start the review again"
    /// The settings of the runs the page starts (regenerations, re-joins): limits, checks, prices.
    public var run: RunConfiguration
    /// Seconds between looks at a run's state for the live page (a few light reads of a folder's state, one query
    /// to a store), for each run a page was opened for.
    public var watchInterval: Double = 0.25
    /// Logs of the server (silent by default: stdout carries the address line only).
    public var logger: Logger

    /// A configuration serving `directory` on loopback with a fresh token.
    public init(directory: String, service: (any GenerationService)? = nil, run: RunConfiguration? = nil,
                logger: Logger? = nil) {
        source = .folder(directory)
        self.service = service
        self.run = run ?? RunConfiguration(outputDirectory: directory)
        self.run.outputDirectory = directory
        self.logger = logger ?? Self.silent
    }

    /// A configuration serving the runs of `database` (only `runID` when given) on loopback with a fresh token.
    /// `run` should carry no account limits of its own: the store's are kept by every worker together.
    public init(store database: PostgresDatabase, runID: String? = nil, service: (any GenerationService)? = nil,
                run: RunConfiguration? = nil, logger: Logger? = nil) {
        source = .store(database, run: runID)
        self.service = service
        self.run = run ?? RunConfiguration(outputDirectory: "")
        self.logger = logger ?? Self.silent
    }

    private static var silent: Logger {
        var silent = Logger(label: "seedance.review")
        silent.logLevel = .critical
        return silent
    }

    /// Whether `host` is reachable only from this machine.
    public static func isLoopback(_ host: String) -> Bool {
        ["127.0.0.1", "localhost", "::1"].contains(host) || host.hasPrefix("127.")
    }
}

/// The per-server secret.
public enum ReviewToken {
    /// 32 random bytes as 64 hex digits, from the system's generator.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// Compares in time that does not depend on where the strings differ (the token must not leak by timing).
    static func matches(_ given: some StringProtocol, _ token: String) -> Bool {
        let a = Array(given.utf8), b = Array(token.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<b.count { difference |= (index < a.count ? a[index] : 0) ^ b[index] }
        return difference == 0
    }
}
