/// What `probe(_:)` learns about a media file: the container and its main video and audio streams.
///
/// Encodes to the JSON of DESIGN.md (snake_case keys, `null` for what is absent), close to ffprobe's names.
public struct MediaInfo: Hashable, Sendable, Codable {
    /// The path as given.
    public var file: String
    /// FFmpeg's demuxer name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`.
    public var formatName: String
    /// Container duration (the longest stream; mvhd in MP4), nil when unknown.
    public var duration: Seconds?
    /// The earliest presentation time in the file, nil when unknown.
    public var startTime: Seconds?
    /// File size in bytes.
    public var sizeBytes: Int64
    /// Overall bit rate in bits per second, nil when unknown.
    public var bitRate: Int64?
    /// For MP4/MOV: whether the moov box comes before the first mdat box (web players can start before the
    /// download ends). Nil for other containers.
    public var faststart: Bool?
    /// Number of streams of any kind in the container.
    public var streamCount: Int
    /// The main video stream (FFmpeg's best video stream), nil when the file has none.
    public var video: VideoStream?
    /// The main audio stream, nil when the file has none.
    public var audio: AudioStream?
    /// The container's metadata tags as ffprobe's `format.tags` lists them (`major_brand`, `encoder`, and labels
    /// such as the `AIGC` tag of AI-generated content), empty when there are none.
    public var tags: [String: String]

    enum CodingKeys: String, CodingKey {
        case file, duration, video, audio, faststart, tags
        case formatName = "format_name", startTime = "start_time", sizeBytes = "size_bytes"
        case bitRate = "bit_rate", streamCount = "stream_count"
    }

    /// Makes a value; `probe(_:)` is the usual source.
    public init(file: String, formatName: String, duration: Seconds?, startTime: Seconds?, sizeBytes: Int64,
                bitRate: Int64?, faststart: Bool?, streamCount: Int, video: VideoStream?, audio: AudioStream?,
                tags: [String: String] = [:]) {
        self.file = file
        self.formatName = formatName
        self.duration = duration
        self.startTime = startTime
        self.sizeBytes = sizeBytes
        self.bitRate = bitRate
        self.faststart = faststart
        self.streamCount = streamCount
        self.video = video
        self.audio = audio
        self.tags = tags
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        file = try c.decode(String.self, forKey: .file)
        formatName = try c.decode(String.self, forKey: .formatName)
        duration = try c.decodeIfPresent(Seconds.self, forKey: .duration)
        startTime = try c.decodeIfPresent(Seconds.self, forKey: .startTime)
        sizeBytes = try c.decode(Int64.self, forKey: .sizeBytes)
        bitRate = try c.decodeIfPresent(Int64.self, forKey: .bitRate)
        faststart = try c.decodeIfPresent(Bool.self, forKey: .faststart)
        streamCount = try c.decode(Int.self, forKey: .streamCount)
        video = try c.decodeIfPresent(VideoStream.self, forKey: .video)
        audio = try c.decodeIfPresent(AudioStream.self, forKey: .audio)
        // Documents written before tags were probed have none.
        tags = try c.decodeIfPresent([String: String].self, forKey: .tags) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        // Explicit nulls: scripts test `.audio == null`, so absent members are written, not omitted.
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(formatName, forKey: .formatName)
        try c.encode(duration, forKey: .duration)
        try c.encode(startTime, forKey: .startTime)
        try c.encode(sizeBytes, forKey: .sizeBytes)
        try c.encode(bitRate, forKey: .bitRate)
        try c.encode(faststart, forKey: .faststart)
        try c.encode(streamCount, forKey: .streamCount)
        try c.encode(video, forKey: .video)
        try c.encode(audio, forKey: .audio)
        try c.encode(tags, forKey: .tags)
    }
}

/// A video stream as probed.
public struct VideoStream: Hashable, Sendable, Codable {
    /// Index of the stream in the container.
    public var index: Int
    /// Codec name as ffprobe prints it (`h264`, `hevc`, `mpeg4`).
    public var codec: String
    /// Codec profile name (`High`, `Main 10`), nil when unknown.
    public var profile: String?
    /// Coded width in pixels.
    public var width: Int
    /// Coded height in pixels.
    public var height: Int
    /// Width as shown, after rotation (height and width swap for 90 and 270 degrees).
    public var displayWidth: Int
    /// Height as shown, after rotation.
    public var displayHeight: Int
    /// Rotation of the display matrix in degrees, as ffprobe reports it (-90, 90, 180; 0 when none).
    public var rotation: Int
    /// Average frame rate (ffprobe's `avg_frame_rate`), exact.
    public var frameRate: Rational
    /// Base frame rate (ffprobe's `r_frame_rate`), exact.
    public var realFrameRate: Rational
    /// Number of frames the container declares, nil when it does not say (fragmented MP4).
    public var frameCount: Int?
    /// Pixel format (`yuv420p`, `yuv420p10le`), nil when unknown.
    public var pixelFormat: String?
    /// Stream duration, nil when unknown.
    public var duration: Seconds?
    /// Stream start time, nil when unknown.
    public var startTime: Seconds?
    /// Stream bit rate in bits per second, nil when unknown.
    public var bitRate: Int64?
    /// The stream's time base.
    public var timeBase: Rational
    /// Sample (pixel) aspect ratio, nil when unknown.
    public var sampleAspectRatio: Rational?

    enum CodingKeys: String, CodingKey {
        case index, codec, profile, width, height, rotation, duration
        case displayWidth = "display_width", displayHeight = "display_height", frameRate = "frame_rate"
        case realFrameRate = "r_frame_rate", frameCount = "frame_count", pixelFormat = "pixel_format"
        case startTime = "start_time", bitRate = "bit_rate", timeBase = "time_base"
        case sampleAspectRatio = "sample_aspect_ratio"
    }

    /// Makes a value; `probe(_:)` is the usual source.
    public init(index: Int, codec: String, profile: String?, width: Int, height: Int, displayWidth: Int,
                displayHeight: Int, rotation: Int, frameRate: Rational, realFrameRate: Rational, frameCount: Int?,
                pixelFormat: String?, duration: Seconds?, startTime: Seconds?, bitRate: Int64?, timeBase: Rational,
                sampleAspectRatio: Rational?) {
        self.index = index
        self.codec = codec
        self.profile = profile
        self.width = width
        self.height = height
        self.displayWidth = displayWidth
        self.displayHeight = displayHeight
        self.rotation = rotation
        self.frameRate = frameRate
        self.realFrameRate = realFrameRate
        self.frameCount = frameCount
        self.pixelFormat = pixelFormat
        self.duration = duration
        self.startTime = startTime
        self.bitRate = bitRate
        self.timeBase = timeBase
        self.sampleAspectRatio = sampleAspectRatio
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encode(codec, forKey: .codec)
        try c.encode(profile, forKey: .profile)
        try c.encode(width, forKey: .width)
        try c.encode(height, forKey: .height)
        try c.encode(displayWidth, forKey: .displayWidth)
        try c.encode(displayHeight, forKey: .displayHeight)
        try c.encode(rotation, forKey: .rotation)
        try c.encode(frameRate, forKey: .frameRate)
        try c.encode(realFrameRate, forKey: .realFrameRate)
        try c.encode(frameCount, forKey: .frameCount)
        try c.encode(pixelFormat, forKey: .pixelFormat)
        try c.encode(duration, forKey: .duration)
        try c.encode(startTime, forKey: .startTime)
        try c.encode(bitRate, forKey: .bitRate)
        try c.encode(timeBase, forKey: .timeBase)
        try c.encode(sampleAspectRatio, forKey: .sampleAspectRatio)
    }
}

/// An audio stream as probed.
public struct AudioStream: Hashable, Sendable, Codable {
    /// Index of the stream in the container.
    public var index: Int
    /// Codec name as ffprobe prints it (`aac`, `opus`, `pcm_s16le`).
    public var codec: String
    /// Codec profile name (`LC`), nil when unknown.
    public var profile: String?
    /// Samples per second.
    public var sampleRate: Int
    /// Number of channels.
    public var channels: Int
    /// Channel layout name (`stereo`, `5.1`), nil when unspecified.
    public var channelLayout: String?
    /// Sample format (`fltp`, `s16`), nil when unknown.
    public var sampleFormat: String?
    /// Stream duration, nil when unknown.
    public var duration: Seconds?
    /// Stream start time (negative when the track starts with encoder priming), nil when unknown.
    public var startTime: Seconds?
    /// Stream bit rate in bits per second, nil when unknown.
    public var bitRate: Int64?
    /// Number of packets the container declares, nil when it does not say.
    public var frameCount: Int?
    /// The stream's time base.
    public var timeBase: Rational

    enum CodingKeys: String, CodingKey {
        case index, codec, profile, channels, duration
        case sampleRate = "sample_rate", channelLayout = "channel_layout", sampleFormat = "sample_format"
        case startTime = "start_time", bitRate = "bit_rate", frameCount = "frame_count", timeBase = "time_base"
    }

    /// Makes a value; `probe(_:)` is the usual source.
    public init(index: Int, codec: String, profile: String?, sampleRate: Int, channels: Int, channelLayout: String?,
                sampleFormat: String?, duration: Seconds?, startTime: Seconds?, bitRate: Int64?, frameCount: Int?,
                timeBase: Rational) {
        self.index = index
        self.codec = codec
        self.profile = profile
        self.sampleRate = sampleRate
        self.channels = channels
        self.channelLayout = channelLayout
        self.sampleFormat = sampleFormat
        self.duration = duration
        self.startTime = startTime
        self.bitRate = bitRate
        self.frameCount = frameCount
        self.timeBase = timeBase
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encode(codec, forKey: .codec)
        try c.encode(profile, forKey: .profile)
        try c.encode(sampleRate, forKey: .sampleRate)
        try c.encode(channels, forKey: .channels)
        try c.encode(channelLayout, forKey: .channelLayout)
        try c.encode(sampleFormat, forKey: .sampleFormat)
        try c.encode(duration, forKey: .duration)
        try c.encode(startTime, forKey: .startTime)
        try c.encode(bitRate, forKey: .bitRate)
        try c.encode(frameCount, forKey: .frameCount)
        try c.encode(timeBase, forKey: .timeBase)
    }
}
