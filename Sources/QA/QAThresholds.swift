import Media

/// The tolerances and thresholds of the checks. The defaults suit Seedance deliveries (24 fps, 4-15 s).
public struct QAThresholds: Sendable, Hashable {
    /// How many frames (at 24 fps) the length may differ from 24 x duration + 1.
    public var frameTolerance: Int = 3
    /// How far apart the audio and video track durations may be, in seconds (AAC works in 1024-sample packets,
    /// 21 ms at 48 kHz, so a little slack is normal).
    public var trackDurationTolerance: Seconds = 0.1
    /// Black at the very start or end at least this long fails (a fade of a frame or two is a warning).
    public var edgeBlack: Seconds = 0.25
    /// Black anywhere at least this long fails.
    public var longBlack: Seconds = 1.0
    /// A picture that does not change (outside black stretches) for at least this long fails.
    public var frozen: Seconds = 1.0
    /// Silence inside an audible track at least this long fails.
    public var silence: Seconds = 1.0
    /// Level in dBFS below which sound is silence (silencedetect's `n`); a track whose peak stays below it is silent.
    public var silenceNoise: Double = -60

    /// The defaults.
    public init() {}

    /// What `analyzeContent` needs to find everything these thresholds judge.
    var analysisOptions: ContentAnalysisOptions {
        var options = ContentAnalysisOptions()
        options.silenceNoise = silenceNoise
        options.silenceMinimum = min(0.5, silence)
        options.freezeMinimum = min(0.5, frozen)
        return options
    }
}
