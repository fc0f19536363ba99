import Foundation
import Logging

/// Callbacks in the runner's loop: a hint that a task may have ended starts the poll round early (one list call for
/// every task out, which confirms all hints since the last round), and the rounds' own interval becomes the safety
/// net's (`safetyPollInterval`), which finishes the run if callbacks are lost or never come.
extension PipelineRunner {
    /// The run's callback inbox (nil: callbacks are off): what a `CallbackReceiver` serving this run feeds.
    public nonisolated var callbackInbox: CallbackInbox? { configuration.callbacks }

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
        var next = lastPoll + roundInterval
        if configuration.callbacks != nil, let retry = downloadRetryAt.values.filter({ $0 > lastPoll }).min() {
            next = min(next, retry)
        }
        return next
    }

    /// Whether a poll round is due now: its interval has passed (less a little, so a nap that wakes a hair early
    /// does not skip a round), a download may be retried, or hints have waited their batch window.
    func pollDue(now: Double) -> Bool {
        now - lastPoll >= roundInterval * 0.95 || (configuration.callbacks != nil && nextPollAt <= now)
            || hintsDue(now: now)
    }

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
        inbox.expect(shots.values.compactMap(\.taskID))
        let attempts = try await store.attempts(shotIDs: Array(shots.keys))
        inbox.expect(attempts.values.joined().compactMap(\.taskID))
        if let url = inbox.redactedURL {
            logger.notice("callbacks on", metadata: ["callback_url": "\(url)",
                                                     "safety_poll_s": "\(roundInterval)"])
        }
    }
}
