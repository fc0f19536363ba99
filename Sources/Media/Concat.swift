import Dispatch
import Foundation

/// How `concatenate` joins clips.
public enum ConcatMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Copy when every clip has the same codec parameters, otherwise normalize (the default).
    case auto
    /// Remux the compressed packets without re-encoding; fails, naming the parameter, when clips differ.
    case copy
    /// Decode, bring every clip to one size, frame rate and audio format, and encode H.264 + AAC.
    case normalize
}

/// A transition between consecutive clips.
public enum ConcatTransition: Sendable, Hashable, CustomStringConvertible {
    /// Crossfade video (`xfade=fade`) and audio (`acrossfade`) over this many seconds; clips overlap by that much.
    case fade(Seconds)
    /// Dip through black: the picture fades to black and back up (`xfade=fadeblack`) while the sound fades out and
    /// in (`acrossfade` with exponential curves, near silence in the middle); clips overlap by this many seconds.
    case dip(Seconds)

    /// Parses `fade:0.5` or `dip:0.5` (the CLI's syntax); nil when malformed.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let seconds = Double(parts[1]), seconds > 0, seconds.isFinite else { return nil }
        switch parts[0] {
        case "fade": self = .fade(seconds)
        case "dip": self = .dip(seconds)
        default: return nil
        }
    }

    /// The overlap in seconds.
    public var seconds: Seconds {
        switch self {
        case .fade(let seconds), .dip(let seconds): seconds
        }
    }

    /// `fade:0.5`, `dip:0.5`.
    public var description: String {
        switch self {
        case .fade(let seconds): return "fade:\(seconds)"
        case .dip(let seconds): return "dip:\(seconds)"
        }
    }
}

/// Settings of `concatenate`. The target fields only matter when re-encoding (normalize).
public struct ConcatOptions: Sendable, Hashable {
    /// The strategy; `.auto` picks copy when valid.
    public var mode: ConcatMode = .auto
    /// Output width in pixels; nil = the first clip's display width.
    public var width: Int?
    /// Output height in pixels; nil = the first clip's display height.
    public var height: Int?
    /// Output frame rate; nil = the first clip's frame rate.
    public var frameRate: Rational?
    /// Output audio sample rate in Hz; nil = the first clip with audio's rate.
    public var sampleRate: Int?
    /// Output audio channels (1 or 2); nil = the first clip with audio's count.
    public var channels: Int?
    /// libx264 constant rate factor (0 = lossless, 18 = visually transparent, 23 = x264's default).
    public var crf: Int = 18
    /// libx264 preset (`ultrafast` ... `veryslow`).
    public var preset: String = "veryfast"
    /// AAC bit rate in bits per second.
    public var audioBitRate: Int = 128_000
    /// A transition at every join (re-encodes: normalize); nil = straight cuts.
    public var transition: ConcatTransition?
    /// Move the moov box to the front so players can start before the download ends.
    public var faststart = true
    /// Integrated loudness target in LUFS (EBU R128, such as -16 or -23): each clip's audio is measured and
    /// brought to it (gain, then a -1 dBFS limiter) so levels do not jump at joins; nil leaves levels alone.
    public var loudness: Double?
    /// Bounds on opening and decoding each input (time, bytes read to probe, largest picture), the same `probe`
    /// and `writeThumbnail` take: a crafted clip cannot make a join hang or allocate gigabytes.
    public var limits = OpenLimits()

    /// The defaults: auto mode, first clip's geometry, x264 veryfast CRF 18, AAC 128 kb/s, faststart.
    public init(mode: ConcatMode = .auto) { self.mode = mode }
}

/// How far a concatenation has got, for a progress display.
public struct ConcatProgress: Sendable, Hashable {
    /// Media time written so far.
    public var done: Seconds
    /// The expected total (the sum of the clips).
    public var total: Seconds
    /// `done / total` clamped to 0...1.
    public var fraction: Double { total > 0 ? min(1, max(0, done / total)) : 0 }
}

/// What `concatenate` did: the strategy and why, and the output's facts (probed after writing).
public struct ConcatSummary: Sendable, Hashable, Codable {
    /// The output file.
    public var output: String
    /// The inputs, in order.
    public var inputs: [String]
    /// `copy` or `normalize` (never `auto`).
    public var strategy: ConcatMode
    /// Why this strategy: all parameters matched, or which one differed, or that it was asked for.
    public var reason: String
    /// The output's duration (longest stream).
    public var duration: Seconds
    /// The sum of the input clips' durations (each clip's longest stream).
    public var inputDuration: Seconds
    /// The output's video stream duration.
    public var videoDuration: Seconds?
    /// The output's audio stream duration (nil without audio).
    public var audioDuration: Seconds?
    /// Output video frames.
    public var videoFrames: Int?
    /// Output width, height and frame rate.
    public var width: Int
    /// Output height.
    public var height: Int
    /// Output frame rate as a number (the average a probe reports).
    public var frameRate: Double?
    /// Copy mode: seconds of silence added where a clip's audio ended before its video, so the next clip starts in
    /// sync and the output's streams end together.
    public var silenceFilled: Seconds
    /// Copy mode: seconds of audio cut where a clip's audio ran past its video (real deliveries' audio runs 20-46 ms
    /// long; kept, it would push every later clip's sound late).
    public var audioTrimmed: Seconds
    /// `--loudness`: the target and the integrated loudness measured on each input and on the output, in LUFS
    /// (nil where there is no sound to measure); nil when no target was asked.
    public var loudness: LoudnessSummary?
    /// Output size in bytes.
    public var sizeBytes: Int64
    /// Wall-clock seconds the work took.
    public var elapsed: Seconds

    private enum CodingKeys: String, CodingKey {
        case output, inputs, strategy, reason, duration, width, height, elapsed
        case inputDuration = "input_duration", videoDuration = "video_duration", audioDuration = "audio_duration"
        case videoFrames = "video_frames", frameRate = "frame_rate", audioTrimmed = "audio_trimmed"
        case silenceFilled = "silence_filled", loudness
        case sizeBytes = "size_bytes"
    }
}

/// Loudness measured around a join with a target: EBU R128 integrated loudness in LUFS.
public struct LoudnessSummary: Sendable, Hashable, Codable {
    /// The target asked for.
    public var target: Double
    /// Each input's loudness before the gain, in input order (nil: no sound to measure).
    public var inputs: [Double?]
    /// Each input's gain in dB (0 where nothing was measured).
    public var gains: [Double]
    /// The output's loudness.
    public var output: Double?
}

/// `value` to three decimals (for summaries: loudness meters do not measure finer).
private func roundedToMillis(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

/// Integrated loudness (EBU R128) of the main audio stream of `path` in LUFS; nil without audio or when silent.
public func measureLoudness(_ path: String, limits: OpenLimits = OpenLimits()) throws -> Double? {
    var options = ContentAnalysisOptions()
    options.video = false
    options.loudness = true
    return try analyzeContent(path, options: options, limits: limits).audio?.integratedLoudness
}

/// Joins `inputs` in order into one MP4 at `output`, frame-accurate and with audio and video in sync.
///
/// Copy mode remuxes without re-encoding when every clip has the same codec parameters; normalize decodes and
/// encodes H.264 + AAC at one size, frame rate and audio format; auto (the default) copies when valid. The output is
/// written under a temporary name and renamed at the end: on any error nothing is left at `output`.
/// `continuing` is a join of the first clips made ahead (`CopyJoinInProgress`): a stream copy appends only the clips
/// after them, to a file the same as one joined in one pass; a join that no longer matches is dropped.
/// Blocks the calling thread (use the async overload from async code); `progress` is called on that thread.
/// Throws `MediaError`: an unreadable clip, copy on clips that differ (naming the parameter), `output` equal to an
/// input, or a failure while decoding, encoding or writing.
public func concatenate(_ inputs: [String], to output: String, options: ConcatOptions = ConcatOptions(),
                        continuing: CopyJoinInProgress? = nil,
                        progress: ((ConcatProgress) -> Void)? = nil) throws -> ConcatSummary {
    let started = DispatchTime.now().uptimeNanoseconds
    guard !inputs.isEmpty else {
        throw MediaError(.invalidArgument, operation: "concatenating", reason: "no input clips were given")
    }
    try ConcatPaths.requireSupportedContainer(output)
    try ConcatPaths.requireDistinct(output: output, inputs: inputs)
    if let target = options.loudness, !(target.isFinite && (-70...0).contains(target)) {
        throw MediaError(.invalidArgument, operation: "checking the options",
                         reason: "loudness \(target) LUFS is out of range (-70 to 0; -16 for the web, -23 for broadcast)")
    }
    let clips = try inputs.map { try ConcatClip(path: $0, limits: options.limits) }
    let mismatch = ConcatClip.firstCopyMismatch(clips)
    var measured: [Double?] = []
    if let target = options.loudness {
        measured = try inputs.map { try measureLoudness($0, limits: options.limits) }
        for (clip, loudness) in zip(clips, measured) { clip.gain = loudness.map { target - $0 } }
    }

    var strategy: ConcatMode
    var reason: String
    let transition = clips.count > 1 ? options.transition : nil
    if let transition {
        try ConcatNormalizer.validate(transition, clips: clips, options: options)
    }
    switch (options.mode, mismatch) {
    case (.copy, _) where transition != nil:
        throw MediaError(.invalidArgument, operation: "checking the options",
                         reason: "a \(transition.map(String.init(describing:)) ?? "") transition blends frames, which needs "
                             + "re-encoding: use --mode auto or normalize")
    case (_, _) where transition != nil:
        strategy = .normalize
        reason = "the \(transition.map(String.init(describing:)) ?? "") transitions need re-encoding"
            + (mismatch.map { "; also \($0)" } ?? "")
    case (.copy, let mismatch?):
        throw MediaError(.unsupported, path: mismatch.file, operation: "checking the clips for stream copy",
                         reason: "cannot concatenate by stream copy: \(mismatch) (use --mode normalize or auto)")
    case (.normalize, _):
        strategy = .normalize
        reason = "normalize was asked for"
    case (_, let mismatch?):
        strategy = .normalize
        reason = "clips differ, re-encoding: \(mismatch)"
    case (_, nil):
        strategy = .copy
        reason = clips.count == 1
            ? "one clip: stream copy"
            : "all \(clips.count) clips share codec parameters (\(clips[0].parameterSummary)): stream copy, no re-encoding"
    }

    let total = clips.reduce(0) { $0 + $1.duration }
    let report: (Seconds) -> Void = { done in progress?(ConcatProgress(done: done, total: total)) }
    var silenceFilled: Seconds = 0, audioTrimmed: Seconds = 0
    // Taken (or dropped) whatever the strategy: a join made ahead is never left half-used.
    let ahead = continuing?.takeOver(inputs: inputs, output: output, options: options)
    if strategy == .copy {
        do {
            let (writer, joined) = try ahead ?? (CopyJoinWriter(first: clips[0], output: output,
                                                                 faststart: options.faststart,
                                                                 audioBitRate: options.audioBitRate), 0)
            for clip in clips.dropFirst(joined) { try writer.append(clip, progress: report) }
            let result = try writer.finish()
            silenceFilled = result.silenceFilled
            audioTrimmed = result.audioTrimmed
        } catch let error as MediaError where options.mode == .auto && error.kind != .io {
            // Auto always finishes: whatever stopped the copy (a muxer refusal, a codec the copy cannot carry),
            // re-encoding can do it. The reason says what happened, in one line.
            strategy = .normalize
            reason = "stream copy failed (\(error.reason)), re-encoding"
            let fresh = try clips.map { clip in
                let copy = try ConcatClip(path: clip.path, limits: options.limits)
                copy.gain = clip.gain
                return copy
            }
            try ConcatNormalizer(clips: fresh, output: output, options: options).run(progress: report)
        }
    } else {
        try ConcatNormalizer(clips: clips, output: output, options: options).run(progress: report)
    }

    let info = try probe(output, limits: options.limits)
    let loudness = try options.loudness.map { target in
        LoudnessSummary(target: target, inputs: measured.map { $0.map(roundedToMillis) },
                        gains: clips.map { roundedToMillis($0.gain ?? 0) },
                        output: try measureLoudness(output, limits: options.limits).map(roundedToMillis))
    }
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    return ConcatSummary(
        output: output, inputs: inputs, strategy: strategy, reason: reason,
        duration: info.duration ?? 0, inputDuration: (total * 1_000_000).rounded() / 1_000_000,
        videoDuration: info.video?.duration, audioDuration: info.audio?.duration,
        videoFrames: info.video?.frameCount, width: info.video?.displayWidth ?? 0,
        height: info.video?.displayHeight ?? 0,
        frameRate: info.video?.frameRate.value,
        silenceFilled: (silenceFilled * 1_000_000).rounded() / 1_000_000,
        audioTrimmed: (audioTrimmed * 1_000_000).rounded() / 1_000_000, loudness: loudness, sizeBytes: info.sizeBytes,
        elapsed: elapsed)
}

/// `concatenate` without blocking the caller's async context (the work runs on a dispatch queue).
public func concatenate(_ inputs: [String], to output: String, options: ConcatOptions = ConcatOptions(),
                        continuing: CopyJoinInProgress? = nil,
                        progress: (@Sendable (ConcatProgress) -> Void)? = nil) async throws -> ConcatSummary {
    do {
        return try await runOffThePool {
            try concatenate(inputs, to: output, options: options, continuing: continuing,
                            progress: progress.map { p in { p($0) } })
        }
    } catch {
        throw MediaError.wrap(error)
    }
}

/// Path checks done before any work.
enum ConcatPaths {
    /// The containers the output may be: MP4 and QuickTime (what editors and players take, and what the joins are
    /// made for: edit lists, faststart).
    static let containers = ["mp4", "mov", "m4v"]

    /// Throws unless `output` ends in one of `containers`.
    static func requireSupportedContainer(_ output: String) throws {
        let ext = (output as NSString).pathExtension.lowercased()
        guard containers.contains(ext) else {
            throw MediaError(.invalidArgument, path: output, operation: "checking the output path",
                             reason: ext.isEmpty ? "the output has no extension: name it .mp4 or .mov"
                                 : "cannot write .\(ext): the output is MP4 or QuickTime; name it .mp4 or .mov")
        }
    }

    /// Throws when `output` names the same file as an input (writing it would destroy the input).
    static func requireDistinct(output: String, inputs: [String]) throws {
        let target = canonical(output)
        var outputStat = stat()
        let outputExists = stat(output, &outputStat) == 0
        for input in inputs {
            var inputStat = stat()
            let sameInode = outputExists && stat(input, &inputStat) == 0
                && inputStat.st_dev == outputStat.st_dev && inputStat.st_ino == outputStat.st_ino
            if sameInode || canonical(input) == target {
                throw MediaError(.invalidArgument, path: output, operation: "checking the output path",
                                 reason: "the output is also an input clip; choose another output path")
            }
        }
    }

    private static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
