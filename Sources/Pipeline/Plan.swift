import QA

/// An edit to make: shared defaults and an ordered list of shots, read from a JSON or YAML plan file.
public struct Plan: Sendable, Hashable, Codable {
    /// A name for the edit (shown in reports).
    public var name: String?
    /// Settings every shot gets unless it says otherwise.
    public var defaults: ShotSettings
    /// The shots, in edit order.
    public var shots: [PlanShot]
    /// QA thresholds by name (`pause: 2`, `silent-share: 0.6`; see `QAThresholds.Name`), over the defaults;
    /// nil or empty keeps the defaults.
    public var qa: [String: Double]?
    /// Integrated loudness target of the final video in LUFS (`loudness: -16`): each clip is brought to it when the
    /// clips are joined; nil leaves levels alone.
    public var loudness: Double?
    /// Prices per million tokens by model id or family (`prices: {doubao-seedance-2-0: "USD 7.00"}`), for the
    /// report's money figures; nil: none in the plan.
    public var prices: PriceTable?

    /// Makes a plan.
    public init(name: String? = nil, defaults: ShotSettings = ShotSettings(), shots: [PlanShot],
                qa: [String: Double]? = nil, loudness: Double? = nil, prices: PriceTable? = nil) {
        self.name = name
        self.defaults = defaults
        self.shots = shots
        self.qa = qa
        self.loudness = loudness
        self.prices = prices
    }

    /// `base` with the plan's `qa` thresholds applied (names and values were checked when the plan was read).
    public func thresholds(over base: QAThresholds) throws(QAThresholdError) -> QAThresholds {
        var thresholds = base
        for (name, value) in (qa ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let known = QAThresholds.Name(loosely: name) else {
                throw QAThresholdError(name: name, reason: "no such threshold")
            }
            try thresholds.set(known, to: value)
        }
        return thresholds
    }
}

/// Generation settings of a shot; nil means "not said here" (a shot falls back to the plan's defaults).
///
/// Plans may name each field by its short name or by the API's own (`audio` or `generate_audio`); the members mirror
/// `GenerationRequest`'s. Every member is optional so that plans stored by older versions still decode.
public struct ShotSettings: Sendable, Hashable, Codable {
    /// Model id.
    public var model: String?
    /// `480p`, `720p`, `1080p`, `4k`.
    public var resolution: String?
    /// `16:9`, `9:16`, ..., `adaptive`.
    public var ratio: String?
    /// Seconds.
    public var duration: Int?
    /// Whether the clip has sound (`generate_audio`).
    public var audio: Bool?
    /// Whether the clip carries the "AI generated" mark.
    public var watermark: Bool?
    /// Seed (-1 random).
    public var seed: Int64?
    /// Whether the camera stays still.
    public var cameraFixed: Bool?
    /// Whether the task also delivers its last frame as a PNG (`return_last_frame`).
    public var returnLastFrame: Bool?
    /// `default` or `flex` (`service_tier`).
    public var serviceTier: String?
    /// Seconds after which an unfinished task expires (`execution_expires_after`).
    public var executionExpiresAfter: Int?
    /// Whether to make a cheap draft first (`draft`).
    public var draft: Bool?
    /// Frame count, 1.0 models only (`frames`).
    public var frames: Int?
    /// An end-user identifier for abuse monitoring (`safety_identifier`).
    public var safetyIdentifier: String?
    /// Where each field was written in the plan file: its name as written (`audio` or `generate_audio`,
    /// `camera_fixed`, ...) to its 1-based line. Set by `PlanLoader`; nil for settings made in code. Lets errors
    /// name `defaults.duration` and its line when a shot's bad value came from the defaults.
    public var lines: [String: Int]?

    /// Makes settings.
    public init(model: String? = nil, resolution: String? = nil, ratio: String? = nil, duration: Int? = nil,
                audio: Bool? = nil, watermark: Bool? = nil, seed: Int64? = nil, cameraFixed: Bool? = nil,
                returnLastFrame: Bool? = nil, serviceTier: String? = nil, executionExpiresAfter: Int? = nil,
                draft: Bool? = nil, frames: Int? = nil, safetyIdentifier: String? = nil, lines: [String: Int]? = nil) {
        self.model = model
        self.resolution = resolution
        self.ratio = ratio
        self.duration = duration
        self.audio = audio
        self.watermark = watermark
        self.seed = seed
        self.cameraFixed = cameraFixed
        self.returnLastFrame = returnLastFrame
        self.serviceTier = serviceTier
        self.executionExpiresAfter = executionExpiresAfter
        self.draft = draft
        self.frames = frames
        self.safetyIdentifier = safetyIdentifier
        self.lines = lines
    }

    /// These settings with every unset member taken from `defaults` (`lines` stay these settings' own).
    public func over(_ defaults: ShotSettings) -> ShotSettings {
        ShotSettings(model: model ?? defaults.model, resolution: resolution ?? defaults.resolution,
                     ratio: ratio ?? defaults.ratio, duration: duration ?? defaults.duration,
                     audio: audio ?? defaults.audio, watermark: watermark ?? defaults.watermark,
                     seed: seed ?? defaults.seed, cameraFixed: cameraFixed ?? defaults.cameraFixed,
                     returnLastFrame: returnLastFrame ?? defaults.returnLastFrame,
                     serviceTier: serviceTier ?? defaults.serviceTier,
                     executionExpiresAfter: executionExpiresAfter ?? defaults.executionExpiresAfter,
                     draft: draft ?? defaults.draft, frames: frames ?? defaults.frames,
                     safetyIdentifier: safetyIdentifier ?? defaults.safetyIdentifier, lines: lines)
    }

    /// Whether the field with API name `name` is set here.
    public func isSet(_ name: String) -> Bool {
        switch name {
        case "model": model != nil
        case "resolution": resolution != nil
        case "ratio": ratio != nil
        case "duration": duration != nil
        case "generate_audio", "audio": audio != nil
        case "watermark": watermark != nil
        case "seed": seed != nil
        case "camera_fixed": cameraFixed != nil
        case "return_last_frame": returnLastFrame != nil
        case "service_tier": serviceTier != nil
        case "execution_expires_after": executionExpiresAfter != nil
        case "draft": draft != nil
        case "frames": frames != nil
        case "safety_identifier": safetyIdentifier != nil
        default: false
        }
    }

    /// The name the plan used for the field with API name `name` (`audio` when it said `audio` for
    /// `generate_audio`); `name` itself when not recorded.
    public func writtenName(_ name: String) -> String {
        guard let lines else { return name }
        for alias in [name] + (Self.aliases[name] ?? []) where lines[alias] != nil { return alias }
        return name
    }

    /// The other names of a field, by API name.
    static let aliases = ["generate_audio": ["audio"], "audio": ["generate_audio"]]

    enum CodingKeys: String, CodingKey {
        case model, resolution, ratio, duration, audio, watermark, seed, draft, frames, lines
        case cameraFixed = "camera_fixed", returnLastFrame = "return_last_frame", serviceTier = "service_tier"
        case executionExpiresAfter = "execution_expires_after", safetyIdentifier = "safety_identifier"
    }
}

/// One shot of a plan.
public struct PlanShot: Sendable, Hashable, Codable {
    /// A short name, unique in the plan (`shot-01` ... when not given); clips are saved under it.
    public var id: String
    /// What to make.
    public var prompt: String
    /// Reference media: local paths (sent as data URLs) or URLs, each with its role.
    public var references: [PlanReference]
    /// Start from the previous shot's last frame (`first_frame: previous`): the pipeline extracts it.
    public var firstFrameFromPrevious: Bool
    /// This shot's own settings, over the plan's defaults.
    public var settings: ShotSettings
    /// The line of the plan file where the shot starts (for messages).
    public var line: Int?

    /// Makes a shot.
    public init(id: String, prompt: String, references: [PlanReference] = [], firstFrameFromPrevious: Bool = false,
                settings: ShotSettings = ShotSettings(), line: Int? = nil) {
        self.id = id
        self.prompt = prompt
        self.references = references
        self.firstFrameFromPrevious = firstFrameFromPrevious
        self.settings = settings
        self.line = line
    }

    enum CodingKeys: String, CodingKey {
        case id, prompt, references, settings, line
        case firstFrameFromPrevious = "first_frame_from_previous"
    }
}

/// A reference image, video or audio of a shot.
public struct PlanReference: Sendable, Hashable, Codable {
    /// The kind of media.
    public enum Kind: String, Sendable, Hashable, Codable {
        case image, video, audio
    }

    /// Image, video or audio.
    public var kind: Kind
    /// A local path (relative to the plan file) or an `https://`, `data:` or `asset://` URL.
    public var source: String
    /// `first_frame`, `last_frame`, `reference_image`, `reference_video`, `reference_audio`; nil lets the API decide.
    public var role: String?

    /// Makes a reference.
    public init(kind: Kind, source: String, role: String? = nil) {
        self.kind = kind
        self.source = source
        self.role = role
    }

    /// Whether `source` is a URL rather than a local path.
    public var isURL: Bool {
        source.hasPrefix("https://") || source.hasPrefix("http://") || source.hasPrefix("data:")
            || source.hasPrefix("asset://")
    }
}
