import CFFmpeg
import Foundation

/// A synthetic clip to render: moving test content made by libavfilter, optional mark and tone, at an exact size.
///
/// Everything is a pure function of the fields, so equal specs give equal pictures (a cache key). Used by the
/// simulator to stand in for generated clips and by tests that need a clip of a known shape.
public struct SyntheticClipSpec: Sendable, Hashable, Codable {
    /// What the picture shows.
    public enum Picture: String, Sendable, Hashable, Codable {
        /// A moving test pattern (libavfilter's `testsrc2`) with moving boxes placed and coloured by `variant`.
        case moving
        /// Black frames.
        case black
        /// The first moving frame repeated (a frozen picture).
        case frozen
    }

    /// What the audio track carries.
    public enum Sound: String, Sendable, Hashable, Codable {
        /// A sine tone whose pitch follows `variant`.
        case tone
        /// Digital silence.
        case silence
    }

    /// Width in pixels (even).
    public var width: Int
    /// Height in pixels (even).
    public var height: Int
    /// Frames to make.
    public var frameCount: Int
    /// Frames per second.
    public var frameRate: Int
    /// The picture.
    public var picture: Picture
    /// The audio track; nil for none.
    public var sound: Sound?
    /// Whether a small light mark sits in the lower right corner (a visible-watermark stand-in).
    public var watermark: Bool
    /// Picks box positions, colours, speeds and the tone's pitch (derive it from prompt and seed).
    public var variant: UInt64

    /// Makes a spec.
    public init(width: Int, height: Int, frameCount: Int, frameRate: Int = 24, picture: Picture = .moving,
                sound: Sound? = .tone, watermark: Bool = false, variant: UInt64 = 0) {
        self.width = width
        self.height = height
        self.frameCount = frameCount
        self.frameRate = frameRate
        self.picture = picture
        self.sound = sound
        self.watermark = watermark
        self.variant = variant
    }

    /// The pitch of the tone in Hz (220...880, from `variant`).
    public var toneFrequency: Double { 220 + Double(variant % 661) }

    /// The libavfilter description of the picture (no inputs, one output `[out]`).
    var filterDescription: String {
        var parts: [String] = []
        switch picture {
        case .black:
            parts.append("color=c=black:s=\(width)x\(height):r=\(frameRate)")
        case .moving, .frozen:
            parts.append("testsrc2=s=\(width)x\(height):r=\(frameRate)")
            var bits = variant
            let palette = ["red", "orange", "yellow", "lime", "cyan", "blue", "magenta", "white"]
            for box in 0..<3 {
                let colour = palette[Int(bits % 8)]; bits /= 8
                let speed = 60 + Int(bits % 400); bits /= 400
                let row = 10 + Int(bits % 70); bits /= 70
                let side = max(8, min(width, height) / (6 + box * 2))
                parts.append("drawbox=x='mod(t*\(speed)+\(box * width / 3),iw)':y=ih*\(row)/100:w=\(side):h=\(side)"
                    + ":color=\(colour):t=fill")
            }
        }
        if watermark {
            let w = max(8, width / 8), h = max(4, height / 20), margin = max(2, width / 64)
            parts.append("drawbox=x=iw-\(w + margin):y=ih-\(h + margin):w=\(w):h=\(h):color=white@0.85:t=fill")
            parts.append("drawbox=x=iw-\(w + margin):y=ih-\(h + margin):w=\(w):h=\(h):color=black@0.9:t=2")
        }
        parts.append("format=yuv420p")
        return parts.joined(separator: ",") + "[out]"
    }
}

/// Renders `spec` to an MP4 at `path` (and its last frame to `lastFramePNG` when given), atomically.
///
/// Blocking and CPU-bound (about a second for 5 s of 720p here): call it off Swift's cooperative pool.
public func renderSyntheticClip(_ spec: SyntheticClipSpec, to path: String, lastFramePNG: String? = nil,
                                threads: Int = 0) throws {
    guard spec.frameCount > 0 else {
        throw MediaError(.invalidArgument, path: path, operation: "rendering a clip", reason: "no frames asked for")
    }
    let audio = spec.sound.map { _ in AudioSettings() }
    let writer = try ClipWriter(path: path, settings: ClipSettings(width: spec.width, height: spec.height,
                                                                  frameRate: spec.frameRate, audio: audio,
                                                                  threads: threads))
    let graph = try FilterGraph(sources: [], sinks: [("out", true)], description: spec.filterDescription,
                                threads: Int32(threads))
    let frame = try Frame()
    let frozen = try Frame()
    var made = 0
    while made < spec.frameCount {
        if spec.picture == .frozen && made > 0 {
            frame.unref()
            av_frame_ref(frame.pointer, frozen.pointer)
        } else {
            guard try graph.pull(from: 0, into: frame) == .produced else {
                throw MediaError(.encodeFailed, path: path, operation: "rendering a clip",
                                 reason: "the pattern source stopped after \(made) frames")
            }
            if made == 0 { av_frame_ref(frozen.pointer, frame.pointer) }
        }
        try writer.appendVideoFrame(frame)
        frame.unref()
        made += 1
    }
    if let sound = spec.sound, let audio {
        // Exactly as long as the video, written in one-second pieces to keep memory flat.
        let total = spec.frameCount * audio.sampleRate / spec.frameRate
        let step = 2 * Double.pi * spec.toneFrequency / Double(audio.sampleRate)
        var written = 0
        while written < total {
            let count = min(audio.sampleRate, total - written)
            var samples = [Float](repeating: 0, count: count * audio.channels)
            if sound == .tone {
                for i in 0..<count {
                    let value = Float(0.25 * sin(step * Double(written + i)))
                    for channel in 0..<audio.channels { samples[i * audio.channels + channel] = value }
                }
            }
            try writer.appendAudio(interleaved: samples)
            written += count
        }
    }
    try writer.finish(lastFramePNG: lastFramePNG)
}
