import Metrics

/// What one worker did, as swift-metrics counters: shots claimed, create calls sent, clips downloaded and checked,
/// leases lost to another worker, runs assembled.
///
/// The counters come from a `MetricsFactory`, by default the one bootstrapped into `MetricsSystem` when the value is
/// made (none bootstrapped: they count into nothing). So make it after bootstrapping. Every counter carries the
/// dimension `worker`, so workers sharing one scrape target stay apart.
public struct WorkerMetrics: Sendable {
    /// The worker's name, the value of every counter's `worker` dimension.
    public let worker: String
    /// Shots claimed from the store (`seedance_worker_claims_total`).
    public let claims: Counter
    /// Create calls sent to the service (`seedance_worker_creates_total`).
    public let creates: Counter
    /// Clips downloaded (`seedance_worker_downloads_total`).
    public let downloads: Counter
    /// Clips checked by QA (`seedance_worker_checks_total`).
    public let checks: Counter
    /// Leases lost to another worker (`seedance_worker_lease_losses_total`).
    public let leaseLosses: Counter
    /// Runs assembled into their final video (`seedance_worker_runs_joined_total`).
    public let runsJoined: Counter

    /// Counters that count into nothing, for code paths that are not measured.
    public static let none = WorkerMetrics(worker: "", factory: NOOPMetricsHandler.instance)

    /// The counters of the worker `worker`, made by `factory` (nil: `MetricsSystem.factory`, the bootstrapped one).
    public init(worker: String, factory: (any MetricsFactory)? = nil) {
        let factory = factory ?? MetricsSystem.factory
        let dimensions = [("worker", worker)]
        func counter(_ name: String) -> Counter {
            Counter(label: "seedance_worker_\(name)_total", dimensions: dimensions, factory: factory)
        }
        self.worker = worker
        claims = counter("claims")
        creates = counter("creates")
        downloads = counter("downloads")
        checks = counter("checks")
        leaseLosses = counter("lease_losses")
        runsJoined = counter("runs_joined")
    }

    /// `n` shots were claimed.
    public func claimed(_ n: Int = 1) { Self.add(n, to: claims) }

    /// `n` create calls were sent.
    public func created(_ n: Int = 1) { Self.add(n, to: creates) }

    /// `n` clips were downloaded.
    public func downloaded(_ n: Int = 1) { Self.add(n, to: downloads) }

    /// `n` clips were checked.
    public func checked(_ n: Int = 1) { Self.add(n, to: checks) }

    /// `n` leases were lost to another worker.
    public func leaseLost(_ n: Int = 1) { Self.add(n, to: leaseLosses) }

    /// `n` runs were assembled.
    public func runJoined(_ n: Int = 1) { Self.add(n, to: runsJoined) }

    /// Counters only go up: a backend may trap on a negative step (Prometheus does) and a scraper would read a drop
    /// as a restart, so nothing below one is counted.
    private static func add(_ n: Int, to counter: Counter) {
        guard n > 0 else { return }
        counter.increment(by: n)
    }
}
