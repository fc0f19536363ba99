import Foundation
import Logging

/// Callbacks in the runner's loop: a hint that a task may have ended starts the poll round early (one list call for
/// every task out, which confirms all hints since the last round), and the rounds' own interval becomes the safety
/// net's (`safetyPollInterval`), which finishes the run if callbacks are lost or never come.
extension PipelineRunner {
    /// The run's callback inbox (nil: callbacks are off): what a `CallbackReceiver` serving this run feeds.
    public nonisolated var callbackInbox: CallbackInbox? { configuration.callbacks }

    /// The shared run's database (nil: the run is this process's alone): where a receiver serving it records hints.
    public nonisolated var sharedDatabase: PostgresDatabase? { shared?.database }

    /// The runner's logger (for a receiver serving beside it).
    public nonisolated var runLogger: Logger { logger }

    /// Seconds between poll rounds when no hint comes.
    var roundInterval: Double {
        configuration.callbacks == nil ? configuration.pollInterval
            : max(configuration.pollInterval, configuration.safetyPollInterval)
    }

    /// When the next round is due without hints: the interval's end, or sooner when a clip's download may be tried
    /// again (those wait for a round, and no callback will come for a task already done).
    var nextPollAt: Double {
        var next = safetyBase + roundInterval
        if configuration.callbacks != nil, let retry = downloadRetryAt.values.filter({ $0 > lastPoll }).min() {
            next = min(next, retry)
        }
        return next
    }

    /// Whether a poll round is due now: its interval has passed (less a little, so a nap that wakes a hair early
    /// does not skip a round), a download may be retried, or hints have waited their batch window.
    func pollDue(now: Double) -> Bool {
        now - safetyBase >= roundInterval * 0.95 || (configuration.callbacks != nil && nextPollAt <= now)
            || hintsDue(now: now)
    }

    /// Where the interval to the next round counts from: the last round, or with callbacks the last hint if later
    /// (while hints come, callbacks work; the rounds they start ask about every task in flight, lost hints included).
    var safetyBase: Double { max(lastPoll, configuration.callbacks?.lastHeard ?? 0) }

    /// Whether hints wait to be confirmed and their window has passed.
    nonisolated func hintsDue(now: Double) -> Bool {
        configuration.callbacks?.batchDue(now: now, window: configuration.callbackBatchWindow) ?? false
    }

    /// Takes the hints the round about to start confirms (every task out is asked about, the hinted ones with it).
    func takeHints() {
        guard let inbox = configuration.callbacks else { return }
        let hinted = inbox.takeBatch(confirming: true)
        if !hinted.isEmpty { logger.debug("confirming callbacks", metadata: ["tasks": "\(hinted.count)"]) }
    }

    /// Tells the inbox every task the run has made so far (a callback for any other task is ignored): the shots'
    /// current tasks and every earlier attempt's.
    func expectCallbacks() async throws {
        guard let inbox = configuration.callbacks else { return }
        if let shared {
            // Every worker of the run tells its tasks the same secret: a callback may reach any worker's receiver.
            let secret = try await shared.database.callbackSecret(runID: shared.runID)
            if !inbox.adopt(secret: secret, runID: shared.runID) {
                logger.warning("callbacks: no public URL yet; this run's tasks are polled only")
            }
            return
        }
        inbox.expect(shots.values.compactMap(\.taskID))
        let attempts = try await store.attempts(shotIDs: Array(shots.keys))
        inbox.expect(attempts.values.joined().compactMap(\.taskID))
        if let url = inbox.redactedURL {
            logger.notice("callbacks on", metadata: ["callback_url": "\(url)",
                                                     "safety_poll_s": "\(roundInterval)"])
        }
    }

    /// For a shared run: reads the hints any worker's receiver recorded since the last read (every half batch
    /// window, one light query) and keeps those of tasks this worker drives, for the next batch.
    func readSharedHints(now: Double) async throws {
        guard let shared, let inbox = configuration.callbacks, now >= nextHintRead else { return }
        nextHintRead = now + max(0.02, configuration.callbackBatchWindow / 2)
        let hints = try await shared.database.callbackHints(runID: shared.runID, after: lastHintID)
        guard let last = hints.last else { return }
        lastHintID = last.id
        let mine = Set(shots.values.filter { isMine($0.id) }.compactMap(\.taskID))
        for hint in hints where mine.contains(hint.taskID) { inbox.relay(taskID: hint.taskID, status: hint.status) }
    }
}
