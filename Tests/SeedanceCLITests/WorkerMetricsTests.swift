import Pipeline
import Prometheus
import SeedanceCLI
import Testing

/// The worker's counters as Prometheus shows them: names, the `worker` dimension, increments.
@Suite struct WorkerMetricsTests {
    /// The sample lines of `registry`'s text (comments left out).
    private func samples(_ registry: PrometheusCollectorRegistry) -> Set<String> {
        Set(registry.emitToString().split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init))
    }

    @Test func everyCounterHasItsNameAndTheWorkerDimension() {
        let registry = PrometheusCollectorRegistry()
        let metrics = WorkerMetrics(worker: "w2", factory: PrometheusMetricsFactory(registry: registry))
        metrics.claimed(3)
        metrics.created()
        metrics.downloaded()
        metrics.downloaded()
        metrics.checked(2)
        metrics.leaseLost()
        metrics.runJoined()
        #expect(samples(registry) == [
            #"seedance_worker_claims_total{worker="w2"} 3"#,
            #"seedance_worker_creates_total{worker="w2"} 1"#,
            #"seedance_worker_downloads_total{worker="w2"} 2"#,
            #"seedance_worker_checks_total{worker="w2"} 2"#,
            #"seedance_worker_lease_losses_total{worker="w2"} 1"#,
            #"seedance_worker_runs_joined_total{worker="w2"} 1"#,
        ])
    }

    @Test func workersInOneRegistryStayApartAndCountsBelowOneAreIgnored() {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        let a = WorkerMetrics(worker: "a", factory: factory)
        let b = WorkerMetrics(worker: "b", factory: factory)
        a.claimed()
        b.claimed(4)
        // Prometheus traps on a negative step; the worker must not bring the process down over a miscount.
        a.claimed(-2)
        a.claimed(0)
        let lines = samples(registry)
        #expect(lines.contains(#"seedance_worker_claims_total{worker="a"} 1"#))
        #expect(lines.contains(#"seedance_worker_claims_total{worker="b"} 4"#))
        #expect(lines.contains(#"seedance_worker_creates_total{worker="a"} 0"#))
    }

    @Test func noneCountsIntoNothing() {
        WorkerMetrics.none.claimed()
        WorkerMetrics.none.runJoined(3)
        #expect(WorkerMetrics.none.worker.isEmpty)
    }

    /// The only test that bootstraps `MetricsSystem` (process-wide, once): asking twice must not trap, and counters
    /// made without a factory afterwards land in the bootstrapped registry.
    @Test func bootstrappingTwiceReturnsTheSameRegistry() {
        let registry = MetricsEndpoint.bootstrapMetricsSystem()
        #expect(MetricsEndpoint.bootstrapMetricsSystem() === registry)
        let metrics = WorkerMetrics(worker: "bootstrapped")
        metrics.checked()
        #expect(samples(registry).contains(#"seedance_worker_checks_total{worker="bootstrapped"} 1"#))
    }
}
