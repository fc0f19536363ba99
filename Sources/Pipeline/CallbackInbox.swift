import Foundation

/// What became of one callback the receiver was sent.
public enum CallbackVerdict: String, Sendable, Hashable {
    /// A new status of a task of the run: kept as a hint, to be confirmed with the API.
    case accepted
    /// The same task and status were seen already (a resend or a replay): ignored.
    case replayed
    /// No task of the run has this id: ignored.
    case unknownTask = "unknown_task"
    /// The path's secret is not the run's: ignored, the body unread.
    case badSecret = "bad_secret"
    /// The body is not a JSON object with a task id and status: ignored.
    case malformed
}

/// Counts of the callbacks a run received, by what became of them, and of the list calls hints started
/// (`callbacks` in the run's summary and `report.json`).
public struct CallbackCounts: Sendable, Hashable, Codable {
    /// Hints taken: a new status of a task of the run.
    public var accepted = 0
    /// Callbacks whose path did not carry the run's secret.
    public var badSecret = 0
    /// Callbacks whose body named no task id and status.
    public var malformed = 0
    /// Callbacks repeating a task and status already seen.
    public var replayed = 0
    /// Callbacks naming a task that is not the run's.
    public var unknownTask = 0
    /// List calls made because hints came (each confirms every hint since the one before).
    public var confirmations = 0

    /// Callbacks ignored, whatever the reason.
    public var ignored: Int { badSecret + malformed + replayed + unknownTask }

    /// No callbacks.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case accepted, malformed, replayed, confirmations
        case badSecret = "bad_secret", unknownTask = "unknown_task"
    }

    /// Counts one verdict.
    mutating func add(_ verdict: CallbackVerdict) {
        switch verdict {
        case .accepted: accepted += 1
        case .replayed: replayed += 1
        case .unknownTask: unknownTask += 1
        case .badSecret: badSecret += 1
        case .malformed: malformed += 1
        }
    }
}

/// Where a `CallbackReceiver` puts what it was sent once the secret is checked: the run's inbox on one machine, or
/// the shared store when several workers share the run (`SharedCallbackSink`).
public protocol CallbackSink: Sendable {
    /// Whether the request path's segments carry a run's secret (compared in constant time); the run they name
    /// (any word the sink understands), or nil: a bad secret.
    func admit(_ segments: [Substring]) async -> String?
    /// Judges and keeps a callback of run `run` naming `taskID` at `status` (the body's word, a hint only).
    func receive(run: String, taskID: String, status: String) async -> CallbackVerdict
    /// Counts a callback refused before its task was looked at (bad secret, unreadable body).
    func refused(_ verdict: CallbackVerdict) async
}

/// A run's callbacks on one machine: the receiver puts hints in, the runner takes them out in batches and confirms
/// them with one list call. A callback is never trusted: it only says *which* tasks are worth asking about now.
///
/// A lock, not an actor: the runner's loop looks at `batchDue` every few milliseconds while it naps, and an actor hop
/// each time would cost more than the check.
public final class CallbackInbox: CallbackSink, @unchecked Sendable {
    private let lock = NSLock()
    private var ownSecret: CallbackSecret
    private var base: String?
    /// For a run several workers share: the worker's inbox whose public URL this run's URL extends.
    private let template: CallbackInbox?
    private var known: Set<String> = []
    private var seen: Set<String> = []
    private var pending: Set<String> = []
    private var urgentSince: Double?
    private var heard: Double?
    private var tally = CallbackCounts()

    /// An inbox with a fresh secret (or the one given).
    public init(secret: CallbackSecret = .random()) {
        ownSecret = secret
        template = nil
    }

    /// The inbox of one shared run, fed from the store (`relay`): its secret is the run's (`adopt`), its URL the
    /// worker's public URL with the run's id and secret after it.
    init(sharedRunOf template: CallbackInbox) {
        ownSecret = .random()
        self.template = template
    }

    /// The inbox whose public URL the receiver sets: this one, or for a shared run's inbox the worker's.
    public var root: CallbackInbox { template ?? self }

    /// The secret the callback path ends with.
    public var secret: CallbackSecret { lock.withLock { ownSecret } }

    /// The public URL without the secret, as set (nil: not yet).
    public var publicURL: String? { lock.withLock { base } }

    /// Takes a shared run's secret (kept in the store, the same for every worker) and makes the URL its tasks are
    /// told: the worker's public URL, the run's id, the secret. False when the worker has no public URL yet.
    func adopt(secret: CallbackSecret, runID: String) -> Bool {
        guard let root = template?.publicURL else { return false }
        lock.withLock {
            ownSecret = secret
            base = "\(root)/\(runID)"
        }
        return true
    }

    public func admit(_ segments: [Substring]) async -> String? {
        secret.matches(segments.last ?? "") ? "" : nil
    }

    /// Sets the URL the service is told to call, without the secret (`https://hooks.example.com/seedance`); the
    /// run sends `URL/SECRET`.
    public func setPublicURL(_ url: String) {
        var trimmed = url
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        lock.withLock { base = trimmed }
    }

    /// The `callback_url` each create sends (nil until `setPublicURL`). Holds the secret: never log it.
    public var callbackURL: String? { lock.withLock { base.map { "\($0)/\(ownSecret.value)" } } }

    /// The callback URL with its secret redacted, for messages.
    public var redactedURL: String? { lock.withLock { base.map { "\($0)/\(ownSecret.redacted)" } } }

    /// The counts so far.
    public var counts: CallbackCounts { lock.withLock { tally } }

    /// Adds tasks of the run (the runner adds each as it is made): callbacks naming any other task are ignored.
    public func expect<S: Sequence>(_ taskIDs: S) where S.Element == String {
        lock.withLock { known.formUnion(taskIDs) }
    }

    public func receive(run: String, taskID: String, status: String) async -> CallbackVerdict {
        take(taskID: taskID, status: status)
    }

    public func refused(_ verdict: CallbackVerdict) async { lock.withLock { tally.add(verdict) } }

    /// The synchronous part of `receive`.
    func take(taskID: String, status: String, now: Double = Date().timeIntervalSince1970) -> CallbackVerdict {
        lock.withLock {
            let verdict: CallbackVerdict
            if !known.contains(taskID) {
                verdict = .unknownTask
            } else if !seen.insert("\(taskID) \(status)").inserted {
                verdict = .replayed
            } else {
                verdict = .accepted
                heard = now
                pending.insert(taskID)
                // Only a word that may end the task is worth a list call at once; a task said to be queued or
                // running rides along with the next one (or the safety poll).
                if !Self.inProgress.contains(status), urgentSince == nil { urgentSince = now }
            }
            tally.add(verdict)
            return verdict
        }
    }

    /// A hint another worker's receiver recorded in the shared store (which checked the secret and the task, and
    /// counted it): kept for the next batch like one received here, not counted again.
    func relay(taskID: String, status: String, now: Double = Date().timeIntervalSince1970) {
        lock.withLock {
            heard = now
            pending.insert(taskID)
            if !Self.inProgress.contains(status), urgentSince == nil { urgentSince = now }
        }
    }

    /// When the last hint was taken (Unix seconds; nil: none yet): callbacks are arriving, so the safety net can
    /// wait (a lost one is caught by the next confirmation, which asks about every task in flight).
    public var lastHeard: Double? { lock.withLock { heard } }

    /// Statuses that do not end a task: no hurry to confirm them.
    static let inProgress: Set<String> = ["queued", "running", "processing"]

    /// Whether a hint that may end a task has waited `window` seconds: the time to confirm what came in one list
    /// call (the service calls back on many tasks at nearly the same moment; one call confirms them all).
    public func batchDue(now: Double, window: Double) -> Bool {
        lock.withLock { urgentSince.map { now - $0 >= window } ?? false }
    }

    /// Takes the hints waiting (the tasks they name), counting the list call that will confirm them when one does.
    public func takeBatch(confirming: Bool) -> Set<String> {
        lock.withLock {
            if confirming && urgentSince != nil { tally.confirmations += 1 }
            defer { pending = []; urgentSince = nil }
            return pending
        }
    }
}
