/// The kind of a content item (`type` on the wire). Unknown kinds decode (and are refused by validation).
public struct ContentType: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The wire value.
    public var rawValue: String
    /// Makes a type from its wire value.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The prompt text.
    public static let text = ContentType(rawValue: "text")
    /// An image (first frame, last frame or reference).
    public static let imageURL = ContentType(rawValue: "image_url")
    /// A reference video (2.x).
    public static let videoURL = ContentType(rawValue: "video_url")
    /// A reference audio (2.x).
    public static let audioURL = ContentType(rawValue: "audio_url")
    /// A draft task to turn into the final clip.
    public static let draftTask = ContentType(rawValue: "draft_task")

    /// The kinds the API documents.
    public static let known: [ContentType] = [.text, .imageURL, .videoURL, .audioURL, .draftTask]

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
}

/// What a media item is for (`role` on the wire). Unknown roles decode (and are refused by validation).
public struct ContentRole: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The wire value.
    public var rawValue: String
    /// Makes a role from its wire value.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The image the clip starts with.
    public static let firstFrame = ContentRole(rawValue: "first_frame")
    /// The image the clip ends with (with a first frame).
    public static let lastFrame = ContentRole(rawValue: "last_frame")
    /// A reference image (subject, style): reference mode.
    public static let referenceImage = ContentRole(rawValue: "reference_image")
    /// A reference video (2.x reference mode).
    public static let referenceVideo = ContentRole(rawValue: "reference_video")
    /// A reference audio (2.x reference mode).
    public static let referenceAudio = ContentRole(rawValue: "reference_audio")

    /// The roles an item of `type` may take.
    public static func allowed(for type: ContentType) -> [ContentRole] {
        switch type {
        case .imageURL: [.firstFrame, .lastFrame, .referenceImage]
        case .videoURL: [.referenceVideo]
        case .audioURL: [.referenceAudio]
        default: []
        }
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
}

/// A media reference: `{"url": "https://... | data:image/png;base64,... | asset://ID"}`.
public struct MediaReference: Sendable, Hashable, Codable {
    /// The URL, data URL or asset id.
    public var url: String

    /// Makes a reference.
    public init(url: String) { self.url = url }
}

/// A draft task reference: `{"id": "cgt-..."}`.
public struct DraftTaskReference: Sendable, Hashable, Codable {
    /// The id of the draft task.
    public var id: String

    /// Makes a reference.
    public init(id: String) { self.id = id }
}

/// One item of the create body's `content` array: the prompt, an image, a video, an audio or a draft task.
///
/// Encodes only the members that are set. Use the static makers (`.text("...")`, `.image(url:role:)`) to build one.
public struct ContentItem: Sendable, Hashable, Codable {
    /// The kind of item.
    public var type: ContentType
    /// The prompt, for `text` items (it may carry legacy `--rs 720p --dur 5` flags).
    public var text: String?
    /// The image, for `image_url` items.
    public var imageURL: MediaReference?
    /// The video, for `video_url` items.
    public var videoURL: MediaReference?
    /// The audio, for `audio_url` items.
    public var audioURL: MediaReference?
    /// The draft task, for `draft_task` items.
    public var draftTask: DraftTaskReference?
    /// What the media is for; nil for text and for a lone first-frame image.
    public var role: ContentRole?

    enum CodingKeys: String, CodingKey {
        case type, text, role
        case imageURL = "image_url", videoURL = "video_url", audioURL = "audio_url", draftTask = "draft_task"
    }

    /// Makes an item from its members.
    public init(type: ContentType, text: String? = nil, imageURL: MediaReference? = nil,
                videoURL: MediaReference? = nil, audioURL: MediaReference? = nil,
                draftTask: DraftTaskReference? = nil, role: ContentRole? = nil) {
        self.type = type
        self.text = text
        self.imageURL = imageURL
        self.videoURL = videoURL
        self.audioURL = audioURL
        self.draftTask = draftTask
        self.role = role
    }

    /// A prompt item.
    public static func text(_ text: String) -> ContentItem { ContentItem(type: .text, text: text) }

    /// An image item (`url` may be https, a lowercase `data:image/png;base64,...` URL or `asset://ID`).
    public static func image(url: String, role: ContentRole? = nil) -> ContentItem {
        ContentItem(type: .imageURL, imageURL: MediaReference(url: url), role: role)
    }

    /// A reference video item.
    public static func video(url: String, role: ContentRole? = .referenceVideo) -> ContentItem {
        ContentItem(type: .videoURL, videoURL: MediaReference(url: url), role: role)
    }

    /// A reference audio item.
    public static func audio(url: String, role: ContentRole? = .referenceAudio) -> ContentItem {
        ContentItem(type: .audioURL, audioURL: MediaReference(url: url), role: role)
    }

    /// A draft task item.
    public static func draft(taskID: String) -> ContentItem {
        ContentItem(type: .draftTask, draftTask: DraftTaskReference(id: taskID))
    }

    /// The media URL of an image, video or audio item, whichever is set.
    public var mediaURL: String? { imageURL?.url ?? videoURL?.url ?? audioURL?.url }
}
