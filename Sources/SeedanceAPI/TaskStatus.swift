/// A task's status. Unknown values (a reseller's `processing`) decode and keep their text.
public struct TaskStatus: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The wire value.
    public var rawValue: String
    /// Makes a status from its wire value.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Accepted, waiting for a slot.
    public static let queued = TaskStatus(rawValue: "queued")
    /// Being generated.
    public static let running = TaskStatus(rawValue: "running")
    /// Done: `content.video_url` is set.
    public static let succeeded = TaskStatus(rawValue: "succeeded")
    /// Failed: `error` says why.
    public static let failed = TaskStatus(rawValue: "failed")
    /// Not finished within `execution_expires_after`.
    public static let expired = TaskStatus(rawValue: "expired")
    /// Cancelled while queued.
    public static let cancelled = TaskStatus(rawValue: "cancelled")
    /// What some resellers say for `running`.
    public static let processing = TaskStatus(rawValue: "processing")

    /// The statuses the API documents.
    public static let known: [TaskStatus] = [.queued, .running, .succeeded, .failed, .expired, .cancelled]

    /// Whether the task will not change any more (succeeded, failed, expired, cancelled).
    public var isTerminal: Bool { [.succeeded, .failed, .expired, .cancelled].contains(self) }

    /// Whether the task is still on its way (queued, running, or an unknown in-progress word such as `processing`).
    public var isPending: Bool { !isTerminal }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
}
