import Foundation
import Media

/// The tolerances and thresholds of the checks, in one place. The defaults are calibrated on real Seedance 2.0
/// deliveries (24 fps, 4-15 s, speech with pauses): what a paying user would send back fails, what is merely worth
/// knowing warns. Each can be set by name (`--threshold NAME=VALUE`, a plan's `qa:` mapping): see `Name`.
public struct QAThresholds: Sendable, Hashable {
    /// How many frames (at 24 fps) the length may differ from 24 x duration + 1.
    public var frameTolerance: Int = 3
    /// Audio and video track durations this close (seconds) pass. Real deliveries' audio runs 20-46 ms past the
    /// video (AAC works in 1024-sample packets, 23 ms at 44.1 kHz, plus the encoder's priming).
    public var trackDurationTolerance: Seconds = 0.1
    /// Track durations further apart than this (seconds) fail; between the tolerance and this, a warning (none
    /// when this is below the tolerance).
    public var trackDurationLimit: Seconds = 0.5
    /// Black at the very start or end at least this long fails (a fade of a frame or two is a warning).
    public var edgeBlack: Seconds = 0.25
    /// Black anywhere at least this long fails.
    public var longBlack: Seconds = 1.0
    /// A picture that does not change (outside black stretches) for at least this long fails.
    public var frozen: Seconds = 1.0
    /// Silence inside an audible track at least this long is reported as a pause (a warning): real dialogue has
    /// pauses of digital silence of 0.5-2 s between lines.
    public var pause: Seconds = 1.0
    /// Silence covering at least this share (0...1) of an audible track fails: the sound is mostly missing.
    public var silentShare: Double = 0.5
    /// Level in dBFS below which sound is silence (silencedetect's `n`); a track whose peak stays below it is silent.
    public var silenceNoise: Double = -60

    /// A clip that should start from an image (a chained shot: the previous shot's last frame) passes the
    /// `continuity` check when the luma PSNR of its first frame against that image is at least this many dB.
    /// Calibrated on the simulator's clips (ContinuityTests): a clip made from the image scores 38-48 dB after
    /// H.264 coding, a clip that starts elsewhere 6-14 dB; 20 dB sits between with room for a generator that
    /// redraws the first frame a little.
    public var continuity: Double = 20

    /// Pictures with more pixels than this (1080p's 2206x946 is the largest below it; 4k is above) are scaled
    /// to a quarter of their width before the black and frozen detectors.
    public var fullSizeAnalysisPixels = 2_200_000

    /// The defaults.
    public init() {}

    /// The thresholds that can be set by name, with what each means.
    public enum Name: String, Sendable, CaseIterable {
        case frameTolerance = "frame-tolerance"
        case trackTolerance = "track-tolerance"
        case trackLimit = "track-limit"
        case edgeBlack = "edge-black"
        case longBlack = "long-black"
        case frozen
        case pause
        case silentShare = "silent-share"
        case silenceNoise = "silence-noise"
        case continuity

        /// One line: unit, default and what it decides.
        public var help: String {
            switch self {
            case .frameTolerance: "frames the length may be off by (default 3; more fails)"
            case .trackTolerance: "seconds audio and video may differ and pass (default 0.1)"
            case .trackLimit: "seconds audio and video may differ before it fails (default 0.5; between: a warning)"
            case .edgeBlack: "seconds of black at the start or end that fail (default 0.25; shorter: a warning)"
            case .longBlack: "seconds of black anywhere that fail (default 1)"
            case .frozen: "seconds of an unchanging picture that fail (default 1; shorter: a warning)"
            case .pause: "seconds of silence reported as a pause, a warning (default 1)"
            case .silentShare: "share of the audio (0-1) that, silent, fails (default 0.5)"
            case .silenceNoise: "dBFS below which sound counts as silence (default -60)"
            case .continuity: "dB of luma PSNR a clip's first frame needs against the image it starts from (default 20)"
            }
        }

        /// Accepts `silent-share`, `silent_share` and `silentShare`.
        public init?(loosely name: String) {
            let folded = name.lowercased().replacingOccurrences(of: "_", with: "-")
            if let exact = Name(rawValue: folded) { self = exact; return }
            guard let match = Name.allCases.first(where: {
                $0.rawValue.replacingOccurrences(of: "-", with: "") == folded
            }) else { return nil }
            self = match
        }
    }

    /// The value of the threshold `name`.
    public func value(of name: Name) -> Double {
        switch name {
        case .frameTolerance: Double(frameTolerance)
        case .trackTolerance: trackDurationTolerance
        case .trackLimit: trackDurationLimit
        case .edgeBlack: edgeBlack
        case .longBlack: longBlack
        case .frozen: frozen
        case .pause: pause
        case .silentShare: silentShare
        case .silenceNoise: silenceNoise
        case .continuity: continuity
        }
    }

    /// Sets the threshold `name` to `value`, refusing values that make no sense for it.
    public mutating func set(_ name: Name, to value: Double) throws(QAThresholdError) {
        guard value.isFinite else { throw QAThresholdError(name.rawValue, "\(value) is not a number") }
        switch name {
        case .frameTolerance:
            guard value >= 0, value == value.rounded(), value <= 10_000 else {
                throw QAThresholdError(name.rawValue, "expected a whole number of frames, 0 or more; got \(value)")
            }
            frameTolerance = Int(value)
        case .silentShare:
            guard value > 0, value <= 1 else {
                throw QAThresholdError(name.rawValue, "expected a share above 0 and at most 1; got \(value)")
            }
            silentShare = value
        case .silenceNoise:
            guard value < 0, value >= -120 else {
                throw QAThresholdError(name.rawValue, "expected a level in dBFS between -120 and 0; got \(value)")
            }
            silenceNoise = value
        case .continuity:
            guard value >= 0, value <= 100 else {
                throw QAThresholdError(name.rawValue, "expected dB of PSNR between 0 and 100; got \(value)")
            }
            continuity = value
        default:
            guard value >= 0, value <= 3600 else {
                throw QAThresholdError(name.rawValue, "expected seconds, 0 or more; got \(value)")
            }
            switch name {
            case .trackTolerance: trackDurationTolerance = value
            case .trackLimit: trackDurationLimit = value
            case .edgeBlack: edgeBlack = value
            case .longBlack: longBlack = value
            case .frozen: frozen = value
            case .pause: pause = value
            default: break
            }
        }
    }

    /// Applies one `NAME=VALUE` assignment (`pause=2`, `silent-share=0.6`).
    public mutating func apply(_ assignment: String) throws(QAThresholdError) {
        let parts = assignment.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty else {
            throw QAThresholdError(assignment, "expected NAME=VALUE, such as pause=2")
        }
        guard let name = Name(loosely: parts[0]) else { throw QAThresholdError(parts[0], "no such threshold") }
        guard let value = Double(parts[1]) else {
            throw QAThresholdError(name.rawValue, "expected a number, got \"\(parts[1])\"")
        }
        try set(name, to: value)
    }

    /// Every threshold that differs from the default, as `name=value` (for reports and notes).
    public var changes: [String] {
        let defaults = QAThresholds()
        return Name.allCases.compactMap { name in
            let mine = value(of: name)
            guard mine != defaults.value(of: name) else { return nil }
            return "\(name.rawValue)=\(mine == mine.rounded() ? String(Int(mine)) : String(mine))"
        }
    }

    /// What `analyzeContent` needs to find everything these thresholds judge.
    var analysisOptions: ContentAnalysisOptions {
        var options = ContentAnalysisOptions()
        options.silenceNoise = silenceNoise
        options.silenceMinimum = min(0.5, pause)
        options.freezeMinimum = min(0.5, frozen)
        // The verdicts are the same without the deblocking filter (QAVerdictsWithoutLoopFilterTests), for less work.
        options.skipLoopFilter = true
        return options
    }
}

/// A threshold that cannot be set: names it and says what was expected.
public struct QAThresholdError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The threshold (or the whole assignment when it could not be split).
    public var name: String
    /// What is wrong.
    public var reason: String

    /// Makes an error.
    public init(name: String, reason: String) {
        self.name = name
        self.reason = reason
    }

    init(_ name: String, _ reason: String) {
        self.name = name
        self.reason = reason
    }

    /// `threshold pause: expected seconds, 0 or more; got -1.0` (unknown names list the known ones).
    public var description: String {
        var text = "threshold \(name): \(reason)"
        if reason == "no such threshold" {
            text += " (known: \(QAThresholds.Name.allCases.map(\.rawValue).joined(separator: ", ")))"
        }
        return text
    }
}
