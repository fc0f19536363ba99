import SeedanceAPI

/// What a delivered clip should be: the model family (which pixel table), resolution, ratio, length, frame rate
/// and whether it has sound. Made from command-line flags, a create-request body or a task object.
public struct Expectation: Sendable, Hashable, Codable {
    /// The model assumed when none is given: the seed example's Seedance 2.0 model.
    public static let defaultModel = "doubao-seedance-2-0-260128"

    /// The model id as given, or `defaultModel`.
    public var model: String
    /// The family whose pixel table and limits apply.
    public var family: ModelFamily
    /// The resolution asked for (or made, from a task).
    public var resolution: Resolution
    /// The ratio asked for; `adaptive` accepts any documented size of the resolution.
    public var ratio: AspectRatio
    /// How long the clip should be.
    public var length: Length
    /// Frames per second the clip must have.
    public var framesPerSecond: Int
    /// Whether the clip should carry audible sound (`generate_audio`).
    public var generateAudio: Bool
    /// Where the expectation came from (`flags`, `request body.json`, `task task.json`).
    public var source: String
    /// What was assumed or noticed while reading it (defaults taken, the family guessed), for the report.
    public var notes: [String]
    /// An image the clip should start from (the previous shot's last frame of a chained shot, or the first-frame
    /// image it was made from); when set, the report holds a `continuity` check comparing it with the clip's first
    /// frame.
    public var startsFrom: String?

    /// How long a clip should be.
    public enum Length: Sendable, Hashable, Codable {
        /// `duration` seconds: 24 x duration + 1 frames for whole seconds (a task may give a fractional duration:
        /// then 24 x duration frames, rounded).
        case seconds(Double)
        /// An exact frame count (`frames`, 1.0 models).
        case frames(Int)
        /// `duration: -1`: the model chose, anywhere in the family's range.
        case automatic
    }

    /// Makes an expectation; `model` nil takes `defaultModel` and says so in `notes`.
    public init(model: String?, resolution: Resolution, ratio: AspectRatio, length: Length,
                generateAudio: Bool, framesPerSecond: Int = OutputGeometry.framesPerSecond, source: String,
                notes: [String] = []) {
        var notes = notes
        let id: String
        if let model, !model.isEmpty {
            id = model
        } else {
            id = Self.defaultModel
            notes.append("no model given: assuming \(Self.defaultModel) (Seedance 2.x)")
        }
        if let family = ModelFamily(model: id) {
            self.family = family
        } else {
            self.family = .v2
            notes.append("model \(id) does not name a Seedance generation (an endpoint id?): assuming Seedance 2.x sizes")
        }
        self.model = id
        self.resolution = resolution
        self.ratio = ratio
        self.length = length
        self.framesPerSecond = framesPerSecond
        self.generateAudio = generateAudio
        self.source = source
        self.notes = notes
    }

    /// The frame counts a clip may have: one value, or the family's whole range for `automatic`.
    public var expectedFrames: ClosedRange<Int> {
        switch length {
        case .frames(let n):
            return n...n
        case .seconds(let d):
            let n = d == d.rounded() ? framesPerSecond * Int(d) + 1 : Int((Double(framesPerSecond) * d).rounded())
            return n...n
        case .automatic:
            let range = family.durationRange
            return (framesPerSecond * range.lowerBound + 1)...(framesPerSecond * range.upperBound + 1)
        }
    }

    /// One line: `720p 16:9, 5 s (121 frames), with audio, Seedance 2.x (doubao-seedance-2-0-260128)`.
    public var summary: String {
        let frames = expectedFrames
        let lengthText: String
        switch length {
        case .seconds(let d):
            let shown = d == d.rounded() ? String(Int(d)) : String(d)
            lengthText = "\(shown) s (\(frames.lowerBound) frames)"
        case .frames(let n):
            lengthText = "\(n) frames"
        case .automatic:
            lengthText = "model-chosen length (\(frames.lowerBound)...\(frames.upperBound) frames)"
        }
        return "\(resolution.rawValue) \(ratio.rawValue), \(lengthText), \(framesPerSecond) fps, "
            + (generateAudio ? "with audio" : "no audio") + ", \(family) (\(model))"
    }
}
