/// The processing tier of a task (`service_tier`).
public enum ServiceTier: String, Sendable, Hashable, Codable, CaseIterable {
    /// Online generation (the default).
    case `default`
    /// Offline generation at half price, slower (not on 2.x).
    case flex
}

/// The body of the create call (`POST {base}/contents/generations/tasks`).
///
/// Every documented field is here. Unset (nil) fields are omitted when encoding, so the service's own defaults apply;
/// an explicit JSON `null` decodes as unset (the official Python SDK sends nulls). Decode untrusted bodies with
/// `GenerationRequest.decode(_:)`, which reports the real error code and `param` instead of a `DecodingError`, and
/// check values with `RequestValidation`.
public struct GenerationRequest: Sendable, Hashable, Codable {
    /// Model id (`doubao-seedance-2-0-260128`, ...) or endpoint id (`ep-...`).
    public var model: String
    /// The prompt and media items.
    public var content: [ContentItem]
    /// Whether the clip has synchronized sound (1.5 and 2.x).
    public var generateAudio: Bool?
    /// Output resolution class.
    public var resolution: Resolution?
    /// Output aspect ratio; `adaptive` takes it from the first-frame image.
    public var ratio: AspectRatio?
    /// Length in seconds; -1 lets the model choose (1.5, 2.x).
    public var duration: Int?
    /// Frame count (1.0 models only): 29...289 of the form 25 + 4n; wins over `duration`.
    public var frames: Int?
    /// Seed: -1 (random) ... 2^32 - 1.
    public var seed: Int64?
    /// Whether the camera stays still (not in reference mode).
    public var cameraFixed: Bool?
    /// Whether a small "AI generated" mark is put in the lower right corner.
    public var watermark: Bool?
    /// Whether the task also delivers its last frame as a PNG (`content.last_frame_url`).
    public var returnLastFrame: Bool?
    /// Where the service POSTs the task object on each status change.
    public var callbackURL: String?
    /// Processing tier.
    public var serviceTier: ServiceTier?
    /// Seconds after which an unfinished task becomes `expired`: 3600...259200.
    public var executionExpiresAfter: Int?
    /// Whether to make a cheap draft first (newer models).
    public var draft: Bool?
    /// An end-user identifier for abuse monitoring (passed through).
    public var safetyIdentifier: String?
    /// Scheduling priority (model-specific; passed through).
    public var priority: JSONValue?
    /// Tools (model-specific; passed through).
    public var tools: JSONValue?
    /// Output format options (model-specific; passed through).
    public var outputFormat: JSONValue?

    enum CodingKeys: String, CodingKey {
        case model, content, resolution, ratio, duration, frames, seed, watermark, draft, priority, tools
        case generateAudio = "generate_audio", cameraFixed = "camera_fixed", returnLastFrame = "return_last_frame"
        case callbackURL = "callback_url", serviceTier = "service_tier"
        case executionExpiresAfter = "execution_expires_after", safetyIdentifier = "safety_identifier"
        case outputFormat = "output_format"
    }

    /// Makes a request; only `model` and `content` are required.
    public init(model: String, content: [ContentItem], generateAudio: Bool? = nil, resolution: Resolution? = nil,
                ratio: AspectRatio? = nil, duration: Int? = nil, frames: Int? = nil, seed: Int64? = nil,
                cameraFixed: Bool? = nil, watermark: Bool? = nil, returnLastFrame: Bool? = nil,
                callbackURL: String? = nil, serviceTier: ServiceTier? = nil, executionExpiresAfter: Int? = nil,
                draft: Bool? = nil, safetyIdentifier: String? = nil, priority: JSONValue? = nil,
                tools: JSONValue? = nil, outputFormat: JSONValue? = nil) {
        self.model = model
        self.content = content
        self.generateAudio = generateAudio
        self.resolution = resolution
        self.ratio = ratio
        self.duration = duration
        self.frames = frames
        self.seed = seed
        self.cameraFixed = cameraFixed
        self.watermark = watermark
        self.returnLastFrame = returnLastFrame
        self.callbackURL = callbackURL
        self.serviceTier = serviceTier
        self.executionExpiresAfter = executionExpiresAfter
        self.draft = draft
        self.safetyIdentifier = safetyIdentifier
        self.priority = priority
        self.tools = tools
        self.outputFormat = outputFormat
    }

    /// The prompt: the text of the first `text` item, nil when there is none.
    public var prompt: String? { content.first { $0.type == .text }?.text }

    /// The image items, in order.
    public var images: [ContentItem] { content.filter { $0.type == .imageURL } }
}
