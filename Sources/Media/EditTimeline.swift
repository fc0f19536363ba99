import Foundation

/// A sequence of whole source clips as editing software reads it: each clip's file, its length in frames and rate,
/// its picture size and whether it has sound. Written as OpenTimelineIO (`.otio`), Final Cut Pro XML 1.8
/// (`.fcpxml`, which Final Cut and Resolve import), Final Cut Pro 7 XML (`.xml`, which Premiere imports) or a CMX 3600
/// EDL (`.edl`, which every editor reads), so an editor opens the sequence and carries on from the source clips.
public struct EditTimeline: Sendable, Hashable {
    /// One clip of the sequence, used from its first frame to its last.
    public struct Clip: Sendable, Hashable {
        /// The clip's file (made absolute for the references).
        public var path: String
        /// Its video frames.
        public var frames: Int
        /// Its frame rate.
        public var rate: Rational
        /// Its displayed width and height.
        public var width: Int
        /// Its displayed height.
        public var height: Int
        /// Whether it has an audio track.
        public var hasAudio: Bool
        /// Its audio sample rate (0 without audio).
        public var sampleRate: Int

        /// Makes a clip.
        public init(path: String, frames: Int, rate: Rational, width: Int, height: Int, hasAudio: Bool,
                    sampleRate: Int = 0) {
            self.path = path
            self.frames = frames
            self.rate = rate
            self.width = width
            self.height = height
            self.hasAudio = hasAudio
            self.sampleRate = sampleRate
        }

        /// The file name.
        public var name: String { (path as NSString).lastPathComponent }
        /// The absolute path.
        public var absolutePath: String { URL(fileURLWithPath: path).standardizedFileURL.path }
        /// A `file://` URL, percent-encoded.
        public var url: String { URL(fileURLWithPath: path).standardizedFileURL.absoluteString }
    }

    /// The sequence's name.
    public var name: String
    /// The clips in order.
    public var clips: [Clip]

    /// Makes a timeline.
    public init(name: String, clips: [Clip]) {
        self.name = name
        self.clips = clips
    }

    /// The timeline of `paths`, each probed for its frames, rate, size and sound.
    public init(name: String, probing paths: [String]) throws {
        try self.init(name: name, paths: paths, infos: paths.map { try probe($0) })
    }

    /// The timeline of `paths` from their probes (`infos[i]` describes `paths[i]`).
    public init(name: String, paths: [String], infos: [MediaInfo]) throws {
        self.name = name
        clips = try zip(paths, infos).map { path, info in
            guard let video = info.video else {
                throw MediaError(.noVideo, path: path, operation: "describing a clip for a timeline",
                                 reason: "the file has no video stream")
            }
            let rate = video.frameRate.isUnknown ? video.realFrameRate : video.frameRate
            let frames = video.frameCount ?? Int(((video.duration ?? 0) * (rate.value ?? 24)).rounded())
            return Clip(path: path, frames: frames, rate: rate.reduced, width: video.displayWidth,
                        height: video.displayHeight, hasAudio: info.audio != nil, sampleRate: info.audio?.sampleRate ?? 0)
        }
    }

    /// The formats, by file extension.
    public static let extensions = ["otio", "fcpxml", "xml", "edl"]

    /// Writes the timeline to `path` in the format its extension names, atomically.
    public func write(to path: String) throws {
        let text: String
        switch (path as NSString).pathExtension.lowercased() {
        case "otio": text = otio()
        case "fcpxml": text = fcpxml()
        case "xml": text = fcp7XML()
        case "edl": text = edl()
        case let other:
            throw MediaError(.invalidArgument, path: path, operation: "writing a timeline",
                             reason: "cannot write .\(other): a timeline is .otio, .fcpxml, .xml (Final Cut Pro 7, "
                                 + "Premiere) or .edl")
        }
        let temporary = TemporaryPath.beside(path, extension: (path as NSString).pathExtension)
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw MediaError(.io, path: path, operation: "writing a timeline", reason: "cannot write here")
        }
        try TemporaryPath.commit(temporary, to: path)
    }

    /// The sequence's rate: the first clip's (24 for Seedance).
    var rate: Rational { clips.first?.rate ?? Rational(24, 1) }

    /// Frames of the whole sequence.
    var totalFrames: Int { clips.reduce(0) { $0 + $1.frames } }
}

/// Text helpers shared by the writers.
enum TimelineText {
    /// `&`, `<`, `>` and quotes escaped for XML text and attributes.
    static func xml(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A JSON string literal.
    static func json(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = (try? encoder.encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// A rate as a JSON or XML number: `24`, or `23.976023976023978`.
    static func number(_ rate: Rational) -> String {
        let value = rate.value ?? 24
        return value == value.rounded() ? String(Int(value)) : String(value)
    }
}
