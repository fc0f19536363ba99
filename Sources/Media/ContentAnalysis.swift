/// A stretch of a stream, in seconds from that stream's first frame or sample.
public struct TimeSpan: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Where it starts.
    public var start: Seconds
    /// Where it ends (exclusive).
    public var end: Seconds

    /// Makes a span.
    public init(start: Seconds, end: Seconds) {
        self.start = start
        self.end = end
    }

    /// Its length in seconds.
    public var duration: Seconds { max(0, end - start) }

    public var description: String {
        "\(Self.format(start))-\(Self.format(end)) s"
    }

    static func format(_ value: Seconds) -> String {
        let rounded = (value * 1000).rounded() / 1000
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}

/// How `analyzeContent` looks at a file. The defaults are those of FFmpeg's detectors, except the minimum
/// durations, which are short so that callers can apply their own thresholds to everything found.
public struct ContentAnalysisOptions: Sendable, Hashable {
    /// blackdetect's `pic_th`: the share of "black" pixels that makes a picture black.
    public var blackPictureRatio: Double = 0.98
    /// blackdetect's `pix_th`: a pixel is black when its luma is below this share of the video range.
    public var blackPixelThreshold: Double = 0.10
    /// freezedetect's `n` in dB: pictures whose mean absolute difference stays below it are "the same".
    public var freezeNoise: Double = -60
    /// freezedetect's `d`: the shortest freeze reported.
    public var freezeMinimum: Seconds = 0.5
    /// silencedetect's `n` in dBFS: samples below it are silence.
    public var silenceNoise: Double = -60
    /// silencedetect's `d`: the shortest silence reported.
    public var silenceMinimum: Seconds = 0.5
    /// Scale pictures to this width (keeping the shape) before the detectors; nil keeps the coded size.
    /// Averaging shrinks noise a little, so frozen detection becomes slightly more willing; black detection is
    /// unaffected in practice. Nil by default: at 720p the detectors cost less than a scale would.
    public var analysisWidth: Int? = nil
    /// Decode and analyse the video stream.
    public var video = true
    /// Decode and analyse the audio stream.
    public var audio = true
    /// Decoder threads; 0 lets FFmpeg choose.
    public var threads = 0
    /// Decode the pictures without the codec's in-loop deblocking filter (FFmpeg's `skip_loop_filter=all`): about
    /// a fifth less decoding for H.264 and HEVC. The pictures differ from the exact ones by a few levels along
    /// block edges, which moves a detector's finding only at the margin of its threshold; off by default so the
    /// findings are FFmpeg's exactly. QA turns it on: its verdicts are checked to be the same both ways on every
    /// fixture and real-world file.
    public var skipLoopFilter = false
    /// Also measure the audio's integrated loudness (EBU R128, libavfilter's `ebur128`), in LUFS.
    public var loudness = false
    /// Run libavfilter's blackdetect on every picture even where `BlackPictureRule` gives its answers at a fraction
    /// of the cost (tests compare the two).
    var blackdetectFilter = false

    /// The defaults.
    public init() {}
}

/// What decoding a file's main video and audio streams found: black and frozen stretches, silences and the
/// audio level, as FFmpeg's blackdetect, freezedetect, silencedetect and astats filters measure them.
public struct ContentAnalysis: Hashable, Sendable, Codable {
    /// The path as given.
    public var file: String
    /// The video findings, nil when the file has no video stream (or video was not analysed).
    public var video: VideoContent?
    /// The audio findings, nil when the file has no audio stream (or audio was not analysed).
    public var audio: AudioContent?

    /// Makes a value; `analyzeContent` is the usual source.
    public init(file: String, video: VideoContent?, audio: AudioContent?) {
        self.file = file
        self.video = video
        self.audio = audio
    }
}

/// Findings in the video stream.
public struct VideoContent: Hashable, Sendable, Codable {
    /// Frames decoded (the real count, whatever the container declares).
    public var frameCount: Int
    /// From the first frame's start to the last frame's end, in seconds.
    public var duration: Seconds
    /// Stretches where the picture is black (blackdetect), every one however short.
    public var black: [TimeSpan]
    /// Stretches of at least `freezeMinimum` where the picture does not change (freezedetect).
    public var frozen: [TimeSpan]

    enum CodingKeys: String, CodingKey {
        case duration, black, frozen
        case frameCount = "frame_count"
    }

    /// Makes a value.
    public init(frameCount: Int, duration: Seconds, black: [TimeSpan], frozen: [TimeSpan]) {
        self.frameCount = frameCount
        self.duration = duration
        self.black = black
        self.frozen = frozen
    }
}

/// Findings in the audio stream.
public struct AudioContent: Hashable, Sendable, Codable {
    /// Samples decoded per channel.
    public var sampleCount: Int
    /// From the first sample to the last, in seconds.
    public var duration: Seconds
    /// Stretches of at least `silenceMinimum` where every channel is below `silenceNoise` (silencedetect).
    public var silent: [TimeSpan]
    /// RMS level of the whole track in dBFS (astats `Overall.RMS_level`); nil for digital silence (minus infinity).
    public var rmsLevel: Double?
    /// Peak level of the whole track in dBFS (astats `Overall.Peak_level`); nil for digital silence.
    public var peakLevel: Double?
    /// Integrated loudness in LUFS (EBU R128), when `ContentAnalysisOptions.loudness` asked for it and the track is
    /// loud enough to gate (nil for silence).
    public var integratedLoudness: Double?

    enum CodingKeys: String, CodingKey {
        case duration, silent
        case sampleCount = "sample_count", rmsLevel = "rms_level", peakLevel = "peak_level"
        case integratedLoudness = "integrated_loudness"
    }

    /// Makes a value.
    public init(sampleCount: Int, duration: Seconds, silent: [TimeSpan], rmsLevel: Double?, peakLevel: Double?,
                integratedLoudness: Double? = nil) {
        self.sampleCount = sampleCount
        self.duration = duration
        self.silent = silent
        self.rmsLevel = rmsLevel
        self.peakLevel = peakLevel
        self.integratedLoudness = integratedLoudness
    }

    /// Whether the whole track is silent by silencedetect's definition (peak below `noise` dBFS).
    public func isSilent(noise: Double) -> Bool {
        guard let peakLevel else { return true }
        return peakLevel < noise
    }
}
