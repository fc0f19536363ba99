import Foundation

/// How a runner works on a run that several workers share through PostgreSQL: which run, as which worker, and how
/// many shots it may hold. The runner then drives only the shots it holds a lease on, renews them while it works,
/// and takes over shots whose holder died (their lease ran out), reconciling their creates through the list call.
public struct SharedRun: Sendable {
    /// The database.
    public var database: PostgresDatabase
    /// The run.
    public var runID: String
    /// This worker's name (host, process, random part): the owner of its leases.
    public var owner: String
    /// Shots this worker holds at once, over every run it works on.
    public var capacity: ClaimCapacity
    /// Seconds a lease runs unless renewed (renewed at a third of it): how long a dead worker's shots wait before
    /// another takes them over.
    public var leaseSeconds: Double = 30
    /// Stay until the run is joined (by this worker or another) and return its summary (`seedance run`); otherwise
    /// leave when this worker has nothing of the run to do (`seedance worker`, which comes back for more).
    public var untilJoined: Bool = false
    /// Counters of what this worker did.
    public var metrics: WorkerMetrics?

    /// A shared run.
    public init(database: PostgresDatabase, runID: String, owner: String, capacity: ClaimCapacity) {
        self.database = database
        self.runID = runID
        self.owner = owner
        self.capacity = capacity
    }

    /// A worker name unique among live workers: `HOST:PID:RANDOM`.
    public static func workerName() -> String {
        "\(ProcessInfo.processInfo.hostName):\(getpid()):\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
    }
}

/// The shots a worker may hold at once, shared by the runners of every run it works on.
public actor ClaimCapacity {
    /// The most shots held at once.
    public let limit: Int
    private var held = 0

    /// A capacity of `limit` shots.
    public init(limit: Int) { self.limit = max(1, limit) }

    /// Takes up to `wanted` places; returns how many were free.
    func take(_ wanted: Int) -> Int {
        let granted = max(0, min(wanted, limit - held))
        held += granted
        return granted
    }

    /// Gives back `count` places.
    func give(_ count: Int) { held = max(0, held - count) }
}
