import Foundation
import QA

/// How a run behaves: where it writes, how hard it pushes the API, how it checks clips.
public struct RunConfiguration: Sendable {
    /// The run's folder (`state.sqlite`, `clips/`, `thumbs/`, `final.mp4`, `report.json`, `report.html`).
    public var outputDirectory: String
    /// Tasks queued or running at the service at once (the account's concurrency is 3 to 10).
    public var maxInFlight: Int = 10
    /// Create calls per minute (the API's per-model limit is 180 to 600 on 2.0).
    public var requestsPerMinute: Int = 180
    /// Seconds between polls of the tasks in flight (one list call for all of them).
    public var pollInterval: Double = 10
    /// How many times a shot is regenerated after a clip fails QA or output moderation.
    public var maxRegenerations: Int = 2
    /// Whether clips are checked (probe plus content checks) against their request.
    public var verify: Bool = true
    /// QA thresholds before the plan's `qa:` mapping and `thresholdChanges` are applied.
    public var thresholds: QAThresholds = QAThresholds()
    /// `NAME=VALUE` threshold changes (`--threshold`), applied over the plan's `qa:` mapping.
    public var thresholdChanges: [String] = []
    /// Clips checked at once. Checking decodes the whole clip, so more than the machine's cores only adds memory
    /// (each decode holds its frames), not speed.
    public var maxConcurrentChecks: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Clips downloaded at once. Downloads wait on the network (and on retry back-off), not on the CPU, so they get
    /// their own, larger limit: a slow link must not hold a check slot.
    public var maxConcurrentDownloads: Int = 8
    /// Rounds of download-and-read of a succeeded (paid) task before the shot is given up as undelivered, each
    /// after the client's own retries, with back-off between rounds (a poll interval, doubling up to a minute).
    /// An undelivered clip is fetched again when the run is resumed: the task stays paid for, never sent again.
    public var maxDownloadRounds: Int = 8
    /// Whether finished clips are joined into `final.mp4`.
    public var concatenate: Bool = true
    /// Whether the join starts before the last clip arrives: the clips at the head of the edit that are done are
    /// appended to `final.mp4`'s stream copy while later shots are made, so the end appends only the rest (the same
    /// file either way; off joins everything at the end).
    public var joinAhead: Bool = true
    /// Seconds after which a create of unknown outcome that the list call does not show is taken as never created.
    public var reconcileGrace: Double = 30
    /// Seconds the service may stay unreachable (connection refused, DNS, TLS, timeouts) before the run stops
    /// with what it has, to be resumed.
    public var offlineTimeout: Double = 120
    /// Seconds creates being sent get to answer (and be recorded) when the run is stopped.
    public var drainTimeout: Double = 10
    /// Wall-clock limit of the whole run in seconds (nil: none).
    public var timeLimit: Double?
    /// The run's callbacks (`--callback-url`, `--listen`): hints that a task changed, confirmed with one list call
    /// per batch. Nil: the run polls every `pollInterval`.
    public var callbacks: CallbackInbox?
    /// Seconds between polls while callbacks are on: the safety net that finishes the run when callbacks are lost
    /// or never come.
    public var safetyPollInterval: Double = 60
    /// Seconds a hint that may end a task waits for others before the list call that confirms them all.
    public var callbackBatchWindow: Double = 0.5
    /// Prices for the report's money figures (the prices file and `--price`; the plan's `prices:` sit between).
    public var prices: PriceSources = PriceSources()
    /// Asked right before every create (first attempts and regenerations): a refusal ends the run with
    /// `RunEnding.budget`, its shot left pending for `resume` (nil: every create may go).
    public var createGate: (any CreateGate)?

    /// A configuration writing into `outputDirectory`.
    public init(outputDirectory: String) {
        self.outputDirectory = outputDirectory
    }
}
