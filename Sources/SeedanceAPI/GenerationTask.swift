/// Why a task failed: `{"code": "OutputVideoSensitiveContentDetected", "message": "..."}`.
public struct TaskError: Sendable, Hashable, Codable {
    /// The error code.
    public var code: String
    /// The explanation.
    public var message: String

    /// Makes an error.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public init(from decoder: any Decoder) throws {
        // Some gateways send a bare string (`"failure_reason": "..."`) instead of an object.
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            code = text
            message = text
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = (try? c.decodeIfPresent(String.self, forKey: .code)) ?? "Unknown"
        message = (try? c.decodeIfPresent(String.self, forKey: .message)) ?? ""
    }
}

/// What a finished task delivers: `content.video_url` and, when asked, `content.last_frame_url`.
public struct TaskContent: Sendable, Hashable, Codable {
    /// The signed link to the MP4 (valid about 24 h).
    public var videoURL: String?
    /// The signed link to the last frame as PNG (`return_last_frame`).
    public var lastFrameURL: String?

    enum CodingKeys: String, CodingKey {
        case videoURL = "video_url", lastFrameURL = "last_frame_url"
    }

    /// Makes a value.
    public init(videoURL: String? = nil, lastFrameURL: String? = nil) {
        self.videoURL = videoURL
        self.lastFrameURL = lastFrameURL
    }
}

/// Tokens billed for a task.
public struct TaskUsage: Sendable, Hashable, Codable {
    /// Tokens of the generated clip.
    public var completionTokens: Int
    /// All tokens billed.
    public var totalTokens: Int

    enum CodingKeys: String, CodingKey {
        case completionTokens = "completion_tokens", totalTokens = "total_tokens"
    }

    /// Makes a value.
    public init(completionTokens: Int, totalTokens: Int) {
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        completionTokens = c.lenientInt(.completionTokens) ?? 0
        totalTokens = c.lenientInt(.totalTokens) ?? completionTokens
    }
}

/// A generation task as GET, list items and callbacks return it.
///
/// Decoding is tolerant: unknown members are ignored, a member of an unexpected type reads as absent, `duration` may
/// be fractional, `failure_reason` stands in for `error`, and unknown statuses keep their text. Encoding writes
/// `error` always (null unless failed) and omits other unset members.
public struct GenerationTask: Sendable, Hashable, Codable, Identifiable {
    /// Task id (`cgt-...`).
    public var id: String
    /// Model id the task runs on.
    public var model: String?
    /// Where the task is in its life cycle.
    public var status: TaskStatus
    /// Why it failed; nil unless failed.
    public var error: TaskError?
    /// The delivered links, once succeeded.
    public var content: TaskContent?
    /// Tokens billed, once succeeded.
    public var usage: TaskUsage?
    /// Creation time, Unix seconds.
    public var createdAt: Int64?
    /// Time of the last status change, Unix seconds.
    public var updatedAt: Int64?
    /// The seed actually used.
    public var seed: Int64?
    /// Resolution class (as text: tolerant of values this version does not know).
    public var resolution: String?
    /// Aspect ratio (as text).
    public var ratio: String?
    /// Length in seconds (may be fractional).
    public var duration: Double?
    /// Frame count (1.0 `frames` requests).
    public var frames: Int?
    /// Frames per second of the output (24).
    public var framesPerSecond: Int?
    /// Whether the clip has sound.
    public var generateAudio: Bool?
    /// Whether this was a draft.
    public var draft: Bool?
    /// Processing tier.
    public var serviceTier: String?
    /// Seconds after creation at which an unfinished task expires.
    public var executionExpiresAfter: Int?
    /// The prompt as the service rewrote it, when it did.
    public var revisedPrompt: String?
    /// The end-user id given at creation (`safety_identifier`), read back by the official SDKs.
    public var safetyIdentifier: String?

    enum CodingKeys: String, CodingKey {
        case id, model, status, error, content, usage, seed, resolution, ratio, duration, frames, draft
        case createdAt = "created_at", updatedAt = "updated_at", framesPerSecond = "framespersecond"
        case generateAudio = "generate_audio", serviceTier = "service_tier"
        case executionExpiresAfter = "execution_expires_after", revisedPrompt = "revised_prompt"
        case failureReason = "failure_reason", safetyIdentifier = "safety_identifier"
    }

    /// Makes a task.
    public init(id: String, model: String? = nil, status: TaskStatus, error: TaskError? = nil,
                content: TaskContent? = nil, usage: TaskUsage? = nil, createdAt: Int64? = nil,
                updatedAt: Int64? = nil, seed: Int64? = nil, resolution: String? = nil, ratio: String? = nil,
                duration: Double? = nil, frames: Int? = nil, framesPerSecond: Int? = nil,
                generateAudio: Bool? = nil, draft: Bool? = nil, serviceTier: String? = nil,
                executionExpiresAfter: Int? = nil, revisedPrompt: String? = nil, safetyIdentifier: String? = nil) {
        self.id = id
        self.model = model
        self.status = status
        self.error = error
        self.content = content
        self.usage = usage
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.seed = seed
        self.resolution = resolution
        self.ratio = ratio
        self.duration = duration
        self.frames = frames
        self.framesPerSecond = framesPerSecond
        self.generateAudio = generateAudio
        self.draft = draft
        self.serviceTier = serviceTier
        self.executionExpiresAfter = executionExpiresAfter
        self.revisedPrompt = revisedPrompt
        self.safetyIdentifier = safetyIdentifier
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        status = (try? c.decodeIfPresent(TaskStatus.self, forKey: .status)) ?? TaskStatus(rawValue: "unknown")
        model = try? c.decodeIfPresent(String.self, forKey: .model)
        error = (try? c.decodeIfPresent(TaskError.self, forKey: .error))
            ?? (try? c.decodeIfPresent(TaskError.self, forKey: .failureReason))
        content = try? c.decodeIfPresent(TaskContent.self, forKey: .content)
        usage = try? c.decodeIfPresent(TaskUsage.self, forKey: .usage)
        createdAt = c.lenientInt(.createdAt).map(Int64.init)
        updatedAt = c.lenientInt(.updatedAt).map(Int64.init)
        seed = c.lenientInt(.seed).map(Int64.init)
        resolution = try? c.decodeIfPresent(String.self, forKey: .resolution)
        ratio = try? c.decodeIfPresent(String.self, forKey: .ratio)
        duration = c.lenientDouble(.duration)
        frames = c.lenientInt(.frames)
        framesPerSecond = c.lenientInt(.framesPerSecond)
        generateAudio = try? c.decodeIfPresent(Bool.self, forKey: .generateAudio)
        draft = try? c.decodeIfPresent(Bool.self, forKey: .draft)
        serviceTier = try? c.decodeIfPresent(String.self, forKey: .serviceTier)
        executionExpiresAfter = c.lenientInt(.executionExpiresAfter)
        revisedPrompt = try? c.decodeIfPresent(String.self, forKey: .revisedPrompt)
        safetyIdentifier = try? c.decodeIfPresent(String.self, forKey: .safetyIdentifier)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(model, forKey: .model)
        try c.encode(status, forKey: .status)
        try c.encode(error, forKey: .error)
        try c.encodeIfPresent(content, forKey: .content)
        try c.encodeIfPresent(usage, forKey: .usage)
        try c.encodeIfPresent(createdAt, forKey: .createdAt)
        try c.encodeIfPresent(updatedAt, forKey: .updatedAt)
        try c.encodeIfPresent(seed, forKey: .seed)
        try c.encodeIfPresent(resolution, forKey: .resolution)
        try c.encodeIfPresent(ratio, forKey: .ratio)
        if let duration {
            // Whole seconds go out as integers, as the service writes them.
            if duration.rounded() == duration { try c.encode(Int(duration), forKey: .duration) }
            else { try c.encode(duration, forKey: .duration) }
        }
        try c.encodeIfPresent(frames, forKey: .frames)
        try c.encodeIfPresent(framesPerSecond, forKey: .framesPerSecond)
        try c.encodeIfPresent(generateAudio, forKey: .generateAudio)
        try c.encodeIfPresent(draft, forKey: .draft)
        try c.encodeIfPresent(serviceTier, forKey: .serviceTier)
        try c.encodeIfPresent(executionExpiresAfter, forKey: .executionExpiresAfter)
        try c.encodeIfPresent(revisedPrompt, forKey: .revisedPrompt)
        try c.encodeIfPresent(safetyIdentifier, forKey: .safetyIdentifier)
    }
}

/// The create call's answer: `{"id": "cgt-..."}`.
public struct TaskCreated: Sendable, Hashable, Codable {
    /// The new task's id.
    public var id: String
    /// The `safety_identifier` of the request, echoed (the official SDKs read it); nil when none was given.
    public var safetyIdentifier: String?

    enum CodingKeys: String, CodingKey {
        case id, safetyIdentifier = "safety_identifier"
    }

    /// Makes a value.
    public init(id: String, safetyIdentifier: String? = nil) {
        self.id = id
        self.safetyIdentifier = safetyIdentifier
    }
}

/// The list call's answer: `{"total": N, "items": [task...]}`.
public struct TaskList: Sendable, Hashable, Codable {
    /// Tasks matching the filters, across all pages.
    public var total: Int
    /// This page's tasks, newest first.
    public var items: [GenerationTask]

    /// Makes a value.
    public init(total: Int, items: [GenerationTask]) {
        self.total = total
        self.items = items
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        items = (try c.decodeIfPresent([GenerationTask].self, forKey: .items)) ?? []
        total = c.lenientInt(.total) ?? items.count
    }
}

extension KeyedDecodingContainer {
    /// An integer written as `5`, `5.0` or `"5"`; nil when absent, null or not a whole number.
    func lenientInt(_ key: Key) -> Int? {
        if let value = try? decodeIfPresent(Int.self, forKey: key) { return value }
        if let value = lenientDouble(key), value.rounded() == value, abs(value) < 9.0e18 { return Int(value) }
        return nil
    }

    /// A number written as a JSON number or a numeric string; nil when absent, null or not a number.
    func lenientDouble(_ key: Key) -> Double? {
        if let value = try? decodeIfPresent(Double.self, forKey: key) { return value }
        if let text = try? decodeIfPresent(String.self, forKey: key) { return Double(text) }
        return nil
    }
}
