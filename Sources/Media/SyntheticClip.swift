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
        /// Speech-like sound: lines of a harmonic voice separated by pauses of digital silence, laid out by
        /// `variant` (see `speechPauses(variant:duration:)`), at the levels of real dialogue (peaks at -2.6 dBFS,
        /// about -28 dBFS RMS over the track).
        case speech
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
    /// Picks box positions, colours, speeds, the tone's pitch and the speech's lines and pauses (derive it from
    /// prompt and seed).
    public var variant: UInt64
    /// How the clip is packaged (audio rate and length, B-frames, box layout); `.plain` unless told.
    public var delivery: DeliveryTraits

    /// Makes a spec.
    public init(width: Int, height: Int, frameCount: Int, frameRate: Int = 24, picture: Picture = .moving,
                sound: Sound? = .tone, watermark: Bool = false, variant: UInt64 = 0,
                delivery: DeliveryTraits = .plain) {
        self.width = width
        self.height = height
        self.frameCount = frameCount
        self.frameRate = frameRate
        self.picture = picture
        self.sound = sound
        self.watermark = watermark
        self.variant = variant
        self.delivery = delivery
    }

    private enum CodingKeys: String, CodingKey {
        case width, height, frameCount, frameRate, picture, sound, watermark, variant, delivery
    }

    /// Decodes a spec; one written before `delivery` existed (no such key) is `.plain`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        width = try c.decode(Int.self, forKey: .width)
        height = try c.decode(Int.self, forKey: .height)
        frameCount = try c.decode(Int.self, forKey: .frameCount)
        frameRate = try c.decode(Int.self, forKey: .frameRate)
        picture = try c.decode(Picture.self, forKey: .picture)
        sound = try c.decodeIfPresent(Sound.self, forKey: .sound)
        watermark = try c.decode(Bool.self, forKey: .watermark)
        variant = try c.decode(UInt64.self, forKey: .variant)
        delivery = try c.decodeIfPresent(DeliveryTraits.self, forKey: .delivery) ?? .plain
    }

    /// Encodes the spec; `delivery` is left out when `.plain`, so a plain spec encodes as it always did.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(width, forKey: .width)
        try c.encode(height, forKey: .height)
        try c.encode(frameCount, forKey: .frameCount)
        try c.encode(frameRate, forKey: .frameRate)
        try c.encode(picture, forKey: .picture)
        try c.encodeIfPresent(sound, forKey: .sound)
        try c.encode(watermark, forKey: .watermark)
        try c.encode(variant, forKey: .variant)
        if delivery != .plain { try c.encode(delivery, forKey: .delivery) }
    }

    /// The pitch of the tone in Hz (220...880, from `variant`).
    public var toneFrequency: Double { 220 + Double(variant % 661) }

    /// How long the audio track runs, in seconds: the video's `frameCount / frameRate` plus
    /// `delivery.audioOverhang`. Pass it to `speechPauses(variant:duration:)` to learn the clip's pauses.
    public var audioDuration: Double { Double(frameCount) / Double(frameRate) + delivery.audioOverhang }

    /// Samples per channel of the audio track: as many as the video lasts (exactly as always for `.plain`),
    /// plus the overhang rounded to a sample.
    var audioSampleCount: Int {
        let rate = delivery.audioSampleRate
        return frameCount * rate / frameRate + Int((delivery.audioOverhang * Double(rate)).rounded())
    }

    /// The pauses between the lines of `.speech` sound of `variant` over `duration` seconds of audio: stretches
    /// of digital silence from 0.55 to 2.0 s, in seconds from the first sample, in order. (Not from 0.5 s: the
    /// margin keeps every pause above the 0.5 s minimum a silence detector is usually given, whatever the
    /// codec's smear at the edges.)
    ///
    /// Not listed: the lead-in of 0.1-0.3 s before the first line (too short for a silence detector with
    /// the usual 0.5 s minimum). The last line runs to the end, so the track never ends in a pause. For
    /// `duration` over about 3.5 s the pauses and lead-in together make 27-38% of the track; shorter
    /// clips hold one line and no pause. For the clip of a spec, pass `spec.variant` and `spec.audioDuration`.
    public static func speechPauses(variant: UInt64, duration: Double) -> [ClosedRange<Double>] {
        SpeechPlan(variant: variant, duration: duration).pauses
    }

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
/// Packaged as `spec.delivery` says; with `provenanceBox` the clip is written beside `path` first and the placeholder
/// C2PA box is inserted on the way into place, so `path` never holds a clip without it.
/// Blocking and CPU-bound (about a second for 5 s of 720p here): call it off Swift's cooperative pool.
public func renderSyntheticClip(_ spec: SyntheticClipSpec, to path: String, lastFramePNG: String? = nil,
                                threads: Int = 0) throws {
    guard spec.frameCount > 0 else {
        throw MediaError(.invalidArgument, path: path, operation: "rendering a clip", reason: "no frames asked for")
    }
    let delivery = spec.delivery
    guard (8_000...192_000).contains(delivery.audioSampleRate), delivery.audioOverhang.isFinite,
          (0...10).contains(delivery.audioOverhang)
    else {
        throw MediaError(.invalidArgument, path: path, operation: "rendering a clip",
                         reason: "audio at \(delivery.audioSampleRate) Hz running \(delivery.audioOverhang) s past "
                             + "the video: the rate must be 8000...192000, the overhang 0...10 s")
    }
    guard delivery.provenanceBox else {
        try renderClipFile(spec, to: path, lastFramePNG: lastFramePNG, threads: threads)
        return
    }
    let raw = TemporaryPath.beside(path, extension: (path as NSString).pathExtension)
    defer { try? FileManager.default.removeItem(atPath: raw) }
    try renderClipFile(spec, to: raw, lastFramePNG: lastFramePNG, threads: threads)
    try insertTopLevelBox(ProvenancePlaceholder.box, afterFileTypeIn: raw, writingTo: path)
}

/// Encodes the pictures and sound of `spec` into an MP4 at `path` (no box insertion).
private func renderClipFile(_ spec: SyntheticClipSpec, to path: String, lastFramePNG: String?, threads: Int) throws {
    let delivery = spec.delivery
    let audio = spec.sound.map { _ in AudioSettings(sampleRate: delivery.audioSampleRate) }
    let writer = try ClipWriter(path: path, settings: ClipSettings(width: spec.width, height: spec.height,
                                                                  frameRate: spec.frameRate, audio: audio,
                                                                  threads: threads, bFrames: delivery.bFrames,
                                                                  faststart: delivery.faststart))
    let graph = try FilterGraph(sources: [], sinks: [("out", true)], description: spec.filterDescription,
                                threads: Int32(threads))
    var sound = spec.sound.map { SoundSource($0, spec: spec, channels: audio?.channels ?? 2) }
    // A plain clip keeps its historical layout (all video appended, then all audio: the muxer interleaves what
    // its queue holds). Delivery-shaped clips feed audio in step with the pictures, as a real encoder does.
    let interleave = delivery != .plain
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
        if interleave, let rate = audio?.sampleRate {
            try sound?.write(upTo: made * rate / spec.frameRate, into: writer)
        }
    }
    try sound?.write(upTo: spec.audioSampleCount, into: writer)
    try writer.finish(lastFramePNG: lastFramePNG)
}

/// The audio of a synthetic clip, handed to the writer in order, in pieces of at most a second.
private struct SoundSource {
    let sound: SyntheticClipSpec.Sound
    let sampleRate: Int
    let channels: Int
    let total: Int
    let toneStep: Double
    /// The whole mono track of `.speech` (it is normalised to its peak, so it is made before any is written).
    let speech: [Float]
    private(set) var written = 0

    init(_ sound: SyntheticClipSpec.Sound, spec: SyntheticClipSpec, channels: Int) {
        self.sound = sound
        sampleRate = spec.delivery.audioSampleRate
        self.channels = channels
        total = spec.audioSampleCount
        toneStep = 2 * Double.pi * spec.toneFrequency / Double(sampleRate)
        speech = sound == .speech
            ? SpeechVoice.samples(variant: spec.variant, duration: spec.audioDuration, sampleRate: sampleRate,
                                  count: total)
            : []
    }

    /// Writes samples `written..<min(end, total)`, one second at most per call to the writer (memory stays flat).
    mutating func write(upTo end: Int, into writer: ClipWriter) throws {
        let end = min(end, total)
        while written < end {
            let count = min(sampleRate, end - written)
            var samples = [Float](repeating: 0, count: count * channels)
            switch sound {
            case .tone:
                for i in 0..<count {
                    let value = Float(0.25 * sin(toneStep * Double(written + i)))
                    for channel in 0..<channels { samples[i * channels + channel] = value }
                }
            case .speech:
                for i in 0..<count {
                    let value = speech[written + i]
                    for channel in 0..<channels { samples[i * channels + channel] = value }
                }
            case .silence:
                break
            }
            try writer.appendAudio(interleaved: samples)
            written += count
        }
    }
}

/// SplitMix64: a tiny, fast generator whose output is fixed by its seed on every platform (the speech layout is
/// part of what a spec means, so it must not depend on the standard library's random source).
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `low..<high`, from the top 53 bits (exactly representable as a Double).
    mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * Double(next() >> 11) / Double(UInt64(1) << 53)
    }
}

/// Where the lines and pauses of `.speech` fall: a lead-in of 0.1-0.3 s, then lines of 1.2-3.0 s separated by
/// pauses of 0.55-2.0 s, the last line running to the end.
///
/// Several layouts are drawn in turn (each from its own seed) and the first whose silence (lead-in and pauses)
/// is 27-38% of the track is kept, as in measured dialogue; short clips that cannot reach that keep the closest.
struct SpeechPlan {
    var lines: [ClosedRange<Double>] = []
    var pauses: [ClosedRange<Double>] = []

    init(variant: UInt64, duration: Double) {
        guard duration > 0, duration.isFinite else { return }
        var best: (distance: Double, plan: SpeechPlan)?
        for attempt in 0..<64 {
            let plan = SpeechPlan(seed: variant &* 0x1_0000_01B3 &+ UInt64(attempt), duration: duration)
            let silence = (plan.pauses.reduce(0) { $0 + $1.upperBound - $1.lowerBound }
                + (plan.lines.first?.lowerBound ?? 0)) / duration
            let distance = max(0, 0.27 - silence, silence - 0.38)
            if best == nil || distance < best!.distance { best = (distance, plan) }
            if distance == 0 { break }
        }
        self = best!.plan
    }

    private init(seed: UInt64, duration: Double) {
        var random = SplitMix64(seed: seed)
        let leadIn = random.uniform(0.1, 0.3)
        var t = duration >= 1.5 ? leadIn : 0
        while true {
            let remaining = duration - t
            if remaining <= 3.0 {
                lines.append(t...duration)
                return
            }
            // Leave room after this line and its pause for a last line of at least 1.2 s.
            let line = random.uniform(1.2, min(3.0, remaining - 1.75))
            let pause = random.uniform(0.55, min(2.0, remaining - 1.2 - line))
            lines.append(t...(t + line))
            pauses.append((t + line)...(t + line + pause))
            t += line + pause
        }
    }
}

/// The voice of `.speech`: per line a harmonic tone (fundamental 110-220 Hz, 16 harmonics, slow vibrato and a
/// falling pitch) under a syllable envelope of 4-5 Hz with uneven stresses; exact zeros between lines.
enum SpeechVoice {
    /// The track's peak: -2.6 dBFS, as measured on deliveries.
    static let peak = Float(pow(10, -2.6 / 20))

    /// `count` mono samples at `sampleRate` for the plan of `variant` over `duration` seconds, peak-normalised.
    /// The stress spread, harmonic slope and envelope shape were tuned so that the RMS over the track comes out
    /// at about -28 dBFS (-30 to -26 across variants) once the peak is -2.6 dBFS.
    static func samples(variant: UInt64, duration: Double, sampleRate: Int, count: Int) -> [Float] {
        var out = [Float](repeating: 0, count: count)
        guard count > 0, sampleRate > 0 else { return out }
        let plan = SpeechPlan(variant: variant, duration: duration)
        var random = SplitMix64(seed: variant ^ 0x70CE_5EED_0F0A_11CE)
        let rate = Double(sampleRate)
        let harmonics = 16
        let weights = (1...harmonics).map { pow(Double($0), -0.2) }
        for line in plan.lines {
            let f0 = random.uniform(110, 220)
            let syllableRate = random.uniform(4, 5)
            let vibratoPhase = random.uniform(0, 2 * Double.pi)
            let first = max(0, min(count, Int((line.lowerBound * rate).rounded())))
            let end = max(first, min(count, Int((line.upperBound * rate).rounded())))
            let length = end - first
            guard length > 1 else { continue }
            let syllables = Int((Double(length) / rate * syllableRate).rounded(.up))
            let stresses = (0..<syllables).map { _ in pow(random.uniform(0.4, 1.0), 1.5) }
            let lineSeconds = Double(length - 1) / rate
            var phase = 0.0
            for j in 0..<length {
                let t = Double(j) / rate
                let f = f0 * (1 + 0.06 * sin(2 * Double.pi * 0.8 * t + vibratoPhase)) * (1 - 0.12 * t / lineSeconds)
                phase += 2 * Double.pi * f / rate
                // cos(k x) by the Chebyshev recurrence: one cos per sample instead of sixteen.
                let c1 = cos(phase)
                var previous = 1.0, current = c1, wave = weights[0] * c1
                for k in 1..<harmonics {
                    let next = 2 * c1 * current - previous
                    previous = current
                    current = next
                    wave += weights[k] * current
                }
                let position = t * syllableRate
                let syllable = min(Int(position), syllables - 1)
                let within = sin(Double.pi * (position - Double(syllable)))
                let envelope = 0.03 + 0.97 * stresses[syllable] * within * within * within
                // 15 ms fades keep the line edges free of clicks (and of spectral splatter into the pauses).
                let fade = min(1, min(t, lineSeconds - t) / 0.015)
                out[first + j] = Float(wave * envelope * fade)
            }
        }
        var loudest: Float = 0
        for value in out { loudest = max(loudest, abs(value)) }
        guard loudest > 0 else { return out }
        let gain = peak / loudest
        for i in out.indices { out[i] *= gain }
        return out
    }
}
