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
    /// The video coding: H.264 8-bit, or H.265 Main 10 as Seedance delivers 4k.
    public var coding: VideoCoding
    /// For `.moving`: the picture the clip starts with, fitted to the frame as the service fits a `first_frame`
    /// image (cover, centre crop). Without `lastImage` the picture then zooms in slowly (8% over the clip) with
    /// a small moving box from the second frame on, so it visibly moves away from its start.
    public var firstImage: StillImage?
    /// For `.moving` with `firstImage`: the picture the clip ends with; the frames between fade smoothly from the
    /// first to the last (the moving box shows on every frame but the first and the last).
    public var lastImage: StillImage?
    /// For `.moving` without images: a colour laid at half strength over the test pattern (the mean colour of the
    /// request's reference images), so what was referred to shows in the frames.
    public var tint: VideoImage.Color?

    /// Makes a spec.
    public init(width: Int, height: Int, frameCount: Int, frameRate: Int = 24, picture: Picture = .moving,
                sound: Sound? = .tone, watermark: Bool = false, variant: UInt64 = 0,
                delivery: DeliveryTraits = .plain, coding: VideoCoding = .h264, firstImage: StillImage? = nil,
                lastImage: StillImage? = nil, tint: VideoImage.Color? = nil) {
        self.width = width
        self.height = height
        self.frameCount = frameCount
        self.frameRate = frameRate
        self.picture = picture
        self.sound = sound
        self.watermark = watermark
        self.variant = variant
        self.delivery = delivery
        self.coding = coding
        self.firstImage = firstImage
        self.lastImage = lastImage
        self.tint = tint
    }

    private enum CodingKeys: String, CodingKey {
        case width, height, frameCount, frameRate, picture, sound, watermark, variant, delivery, coding, firstImage,
             lastImage, tint
    }

    /// Decodes a spec; one written before `delivery` (or the coding, images and tint) existed is `.plain`
    /// H.264 test pattern.
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
        coding = try c.decodeIfPresent(VideoCoding.self, forKey: .coding) ?? .h264
        firstImage = try c.decodeIfPresent(StillImage.self, forKey: .firstImage)
        lastImage = try c.decodeIfPresent(StillImage.self, forKey: .lastImage)
        tint = try c.decodeIfPresent(VideoImage.Color.self, forKey: .tint)
    }

    /// Encodes the spec; `delivery` is left out when `.plain` (and the coding when H.264, images and tint when
    /// absent), so a plain spec encodes as it always did.
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
        if coding != .h264 { try c.encode(coding, forKey: .coding) }
        try c.encodeIfPresent(firstImage, forKey: .firstImage)
        try c.encodeIfPresent(lastImage, forKey: .lastImage)
        try c.encodeIfPresent(tint, forKey: .tint)
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
    /// `duration` over about 3.5 s the pauses and lead-in together make 27-38% of the track, with at least two
    /// pauses from 3.6 s; shorter clips hold fewer. For the clip of a spec, pass `spec.variant` and `spec.audioDuration`.
    public static func speechPauses(variant: UInt64, duration: Double) -> [ClosedRange<Double>] {
        SpeechPlan(variant: variant, duration: duration).pauses
    }

    /// The images the picture is made from, in the order of the filter graph's sources `img0`, `img1`.
    var sourceImages: [StillImage] {
        guard picture != .black, let firstImage else { return [] }
        return [firstImage] + (lastImage.map { [$0] } ?? [])
    }

    /// The libavfilter description of the picture: sources `img0` (and `img1`) for `sourceImages`, output `[out]`
    /// in the coding's pixel format and, with a watermark, `[clean]`: the same frames without the mark.
    var filterDescription: String {
        var parts: [String] = []
        var prefix = ""
        let images = sourceImages
        let fit = coverCropFilter(width: width, height: height)
        // One image, repeated forever at the clip's rate (the graph's user pulls as many frames as it wants).
        func still(_ label: String) -> String {
            // fps sets the link's frame rate, which xfade requires of its inputs.
            "[\(label)]\(fit),format=yuv420p,loop=loop=-1:size=1,settb=1/\(frameRate),setpts=N,fps=\(frameRate)"
        }
        let last = max(1, frameCount - 1)
        switch (picture, images.count) {
        case (.black, _):
            parts.append("color=c=black:s=\(width)x\(height):r=\(frameRate)")
        case (_, 2):
            // A cross-fade lasting the whole clip: frame 0 is the first image, frame N-1 the last, exactly.
            prefix = still("img0") + "[a];" + still("img1") + "[b];"
            let seconds = Double(last) / Double(frameRate)
            parts.append("[a][b]xfade=transition=fade:duration=\(seconds):offset=0")
            parts.append(motionCue(enable: "between(n,1,\(last - 1))"))
        case (_, 1):
            // zoompan at zoom 1 copies the picture unscaled, so frame 0 is the fitted image itself.
            prefix = still("img0") + ","
            parts.append("zoompan=z='1+0.08*on/\(last)':x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2':d=1"
                + ":s=\(width)x\(height):fps=\(frameRate)")
            parts.append(motionCue(enable: "gte(n,1)"))
        default:
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
            if let tint {
                parts.append("drawbox=x=0:y=0:w=iw:h=ih:t=fill:color="
                    + String(format: "0x%02X%02X%02X@0.5", tint.red, tint.green, tint.blue))
            }
        }
        // Drawing happens in 8-bit (drawbox knows no 10-bit formats); the last step converts for the encoder.
        parts.append("format=yuv420p")
        let format = "format=\(coding.pixelFormatName)"
        guard watermark else {
            return prefix + (parts + (coding == .h264 ? [] : [format])).joined(separator: ",") + "[out]"
        }
        let mark = WatermarkBox(width: width, height: height)
        return prefix + parts.joined(separator: ",") + ",split=2[plain][marked];"
            + "[plain]\(format)[clean];"
            + "[marked]drawbox=x=\(mark.x):y=\(mark.y):w=\(mark.width):h=\(mark.height):color=white@0.85:t=fill,"
            + "drawbox=x=\(mark.x):y=\(mark.y):w=\(mark.width):h=\(mark.height):color=black@0.9:t=2,\(format)[out]"
    }

    /// A small box crossing the picture (its motion tells a zoom on a flat image from a frozen one).
    private func motionCue(enable: String) -> String {
        let side = max(8, min(width, height) / 12)
        let speed = 60 + Int(variant % 200)
        return "drawbox=x='mod(t*\(speed),iw)':y=ih*\(15 + Int(variant / 200 % 70))/100:w=\(side):h=\(side)"
            + ":color=white@0.8:t=fill:enable='\(enable)'"
    }
}

/// Where the visible mark of a watermarked synthetic clip sits: lower right, an eighth of the width wide.
struct WatermarkBox {
    let x: Int, y: Int, width: Int, height: Int

    init(width frameWidth: Int, height frameHeight: Int) {
        width = max(8, frameWidth / 8)
        height = max(4, frameHeight / 20)
        let margin = max(2, frameWidth / 64)
        x = frameWidth - width - margin
        y = frameHeight - height - margin
    }
}

/// Renders `spec` to an MP4 at `path` (and its last frame to `lastFramePNG` when given), atomically.
///
/// Packaged as `spec.delivery` says; with `provenanceBox` the clip is written beside `path` first and the placeholder
/// C2PA box is inserted on the way into place, so `path` never holds a clip without it. The last-frame PNG is the
/// clip's last frame as a decoder gives it back (the same pixels `writeThumbnail(of:at: .last,...)` writes), with
/// the watermark's corner put back from the picture before the mark was drawn: it has no mark, as the service's.
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
    let raw = delivery.provenanceBox ? TemporaryPath.beside(path, extension: (path as NSString).pathExtension) : path
    defer { if raw != path { try? FileManager.default.removeItem(atPath: raw) } }
    let clean = try renderClipFile(spec, to: raw, threads: threads)
    if delivery.provenanceBox {
        try insertTopLevelBox(ProvenancePlaceholder.box, afterFileTypeIn: raw, writingTo: path)
    }
    if let lastFramePNG {
        try writeLastFramePNG(of: path, to: lastFramePNG, cleanCorner: spec.watermark ? clean : nil,
                              mark: WatermarkBox(width: spec.width, height: spec.height))
    }
}

/// Encodes the pictures and sound of `spec` into an MP4 at `path` (no box insertion). Returns the last frame as
/// it was before the watermark was drawn (nil without a watermark).
private func renderClipFile(_ spec: SyntheticClipSpec, to path: String, threads: Int) throws -> Frame? {
    let delivery = spec.delivery
    let audio = spec.sound.map { _ in AudioSettings(sampleRate: delivery.audioSampleRate) }
    let writer = try ClipWriter(path: path, settings: ClipSettings(width: spec.width, height: spec.height,
                                                                  frameRate: spec.frameRate, audio: audio,
                                                                  threads: threads, bFrames: delivery.bFrames,
                                                                  faststart: delivery.faststart,
                                                                  coding: spec.coding))
    let images = try spec.sourceImages.map { try decodeStillImage($0.path) }
    let timeBase = AVRational(num: 1, den: Int32(spec.frameRate))
    let graph = try FilterGraph(
        sources: images.enumerated().map { ("img\($0.offset)", FrameRenderer.sourceFormat(of: $0.element, timeBase: timeBase)) },
        sinks: [("out", true)] + (spec.watermark ? [("clean", true)] : []),
        description: spec.filterDescription, threads: Int32(threads))
    for (index, image) in images.enumerated() {
        image.pointer.pointee.pts = 0
        try graph.push(image, to: index)
        try graph.push(nil, to: index)
    }
    var sound = spec.sound.map { SoundSource($0, spec: spec) }
    // A plain clip keeps its historical layout (all video appended, then all audio: the muxer interleaves what
    // its queue holds). Delivery-shaped clips feed audio in step with the pictures, as a real encoder does.
    let interleave = delivery != .plain
    let frame = try Frame(), frozen = try Frame()
    let clean = try Frame(), frozenClean = try Frame()
    var made = 0
    while made < spec.frameCount {
        if spec.picture == .frozen && made > 0 {
            try frame.reference(frozen, path: path, operation: "rendering a frozen picture")
            if spec.watermark {
                try clean.reference(frozenClean, path: path, operation: "rendering a frozen picture")
            }
        } else {
            guard try graph.pull(from: 0, into: frame) == .produced else {
                throw MediaError(.encodeFailed, path: path, operation: "rendering a clip",
                                 reason: "the picture source stopped after \(made) frames")
            }
            if spec.watermark {
                clean.unref()
                guard try graph.pull(from: 1, into: clean) == .produced else {
                    throw MediaError(.encodeFailed, path: path, operation: "rendering a clip",
                                     reason: "the unmarked picture stopped after \(made) frames")
                }
            }
            if made == 0 {
                try frozen.reference(frame, path: path, operation: "keeping the first picture")
                if spec.watermark { try frozenClean.reference(clean, path: path, operation: "keeping the first picture") }
            }
        }
        try writer.appendVideoFrame(frame)
        frame.unref()
        made += 1
        if interleave, let rate = audio?.sampleRate {
            try sound?.write(upTo: made * rate / spec.frameRate, into: writer)
        }
    }
    try sound?.write(upTo: spec.audioSampleCount, into: writer)
    try writer.finish()
    return spec.watermark ? clean : nil
}

/// Writes the last frame of the clip at `clip` as a PNG, atomically: decoded from the file (what every client
/// sees), with the rectangle of `mark` (widened to whole 16-pixel blocks, so the codec's smear of the mark's edges
/// goes too) copied from `cleanCorner` when given.
private func writeLastFramePNG(of clip: String, to output: String, cleanCorner: Frame?, mark: WatermarkBox) throws {
    let writer = try AtomicFileWriter(path: output)
    let grabber = try FrameGrabber(path: clip, logger: .mediaSilent)
    var last = try grabber.frame(at: .last)
    if let cleanCorner {
        let copy = try Frame()
        try copy.reference(last, path: output, operation: "restoring the unmarked corner")
        let status = av_frame_make_writable(copy.pointer)
        guard status >= 0 else {
            throw MediaError(.ffmpeg, path: output, operation: "restoring the unmarked corner",
                             reason: "the frame could not be made writable", ffmpegCode: status)
        }
        try pasteRectangle(from: cleanCorner, into: copy, x: mark.x / 16 * 16, y: mark.y / 16 * 16,
                           right: mark.x + mark.width + 16, bottom: mark.y + mark.height + 16)
        last = copy
    }
    let image = try FrameRenderer.render(last, matrix: grabber.displayMatrix, timeBase: grabber.timeBase,
                                         requestedWidth: nil, pixelFormat: ImageFormat.png.pixelFormat)
    try writer.write(try ImageEncoder.encode(image, as: .png, quality: .standard))
    try writer.commit()
}

/// Copies the pixels of the rectangle from (`x`, `y`) to (`right`, `bottom`) (clipped to the frame; even corners)
/// from `source` into `target`: two 4:2:0 frames of one size and pixel format, 8 or 16 bits a sample.
private func pasteRectangle(from source: Frame, into target: Frame, x: Int, y: Int, right: Int, bottom: Int) throws {
    let s = source.pointer.pointee, t = target.pointer.pointee
    guard s.width == t.width, s.height == t.height, s.format == t.format,
          let descriptor = av_pix_fmt_desc_get(AVPixelFormat(t.format))
    else {
        throw MediaError(.invalidArgument, operation: "restoring the unmarked corner",
                         reason: "the unmarked frame does not match the decoded one")
    }
    let bytes = Int(descriptor.pointee.comp.0.depth) > 8 ? 2 : 1
    let x0 = max(0, x) & ~1, y0 = max(0, y) & ~1
    let x1 = min(Int(t.width), right), y1 = min(Int(t.height), bottom)
    guard x1 > x0, y1 > y0 else { return }
    let planes: [(UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt8>?, Int32, Int32, Int)] = [
        (s.data.0, t.data.0, s.linesize.0, t.linesize.0, 1),
        (s.data.1, t.data.1, s.linesize.1, t.linesize.1, 2),
        (s.data.2, t.data.2, s.linesize.2, t.linesize.2, 2),
    ]
    for (from, to, fromStride, toStride, sub) in planes {
        guard let from, let to else { continue }
        let left = x0 / sub, width = (x1 + sub - 1) / sub - left
        for row in (y0 / sub)..<((y1 + sub - 1) / sub) {
            (to + row * Int(toStride) + left * bytes)
                .update(from: from + row * Int(fromStride) + left * bytes, count: width * bytes)
        }
    }
}

/// The audio of a synthetic clip, handed to the writer in order, in pieces of at most a second.
private struct SoundSource {
    let sound: SyntheticClipSpec.Sound
    let sampleRate: Int
    let total: Int
    let toneStep: Double
    /// The whole mono track of `.speech` (it is normalised to its peak, so it is made before any is written).
    let speech: [Float]
    private(set) var written = 0

    init(_ sound: SyntheticClipSpec.Sound, spec: SyntheticClipSpec) {
        self.sound = sound
        sampleRate = spec.delivery.audioSampleRate
        total = spec.audioSampleCount
        toneStep = 2 * Double.pi * spec.toneFrequency / Double(sampleRate)
        speech = sound == .speech
            ? SpeechVoice.samples(variant: spec.variant, duration: spec.audioDuration, sampleRate: sampleRate,
                                  count: total)
            : []
    }

    /// Writes samples `written..<min(end, total)`, one second at most per call to the writer (memory stays flat),
    /// the same on every channel.
    mutating func write(upTo end: Int, into writer: ClipWriter) throws {
        let end = min(end, total)
        while written < end {
            let count = min(sampleRate, end - written)
            let samples: [Float]
            switch sound {
            case .tone:
                let first = written, step = toneStep
                samples = (0..<count).map { Float(0.25 * sin(step * Double(first + $0))) }
            case .speech:
                samples = Array(speech[written..<(written + count)])
            case .silence:
                samples = [Float](repeating: 0, count: count)
            }
            try writer.appendAudio(mono: samples)
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

/// Where the lines and pauses of `.speech` fall: a lead-in of 0.1-0.3 s, then lines of 0.8-3.0 s separated by
/// pauses of 0.55-2.0 s, the last line (at least 0.8 s) running to the end.
///
/// Several layouts are drawn in turn (each from its own seed) and the first whose silence (lead-in and pauses)
/// is 27-38% of the track and that has at least two pauses when the track is long enough for them (3.6 s: a
/// 4 s clip has two, as measured deliveries of that length do) is kept; short clips that cannot reach that keep
/// the closest.
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
            let missingPauses = duration >= Self.twoPauseLength ? max(0, 2 - plan.pauses.count) : 0
            let distance = max(0, 0.27 - silence, silence - 0.38) + Double(missingPauses)
            if best == nil || distance < best!.distance { best = (distance, plan) }
            if distance == 0 { break }
        }
        self = best!.plan
    }

    /// The shortest track that holds a lead-in, two lines and two pauses and a last line at their minimums.
    static let twoPauseLength = 3.6

    private init(seed: UInt64, duration: Double) {
        var random = SplitMix64(seed: seed)
        let leadIn = random.uniform(0.1, 0.3)
        var t = duration >= 1.5 ? leadIn : 0
        while true {
            let remaining = duration - t
            // Another line and pause need room for a last line of at least 0.8 s after them.
            if remaining < 0.8 + 0.55 + 0.8 {
                lines.append(t...duration)
                return
            }
            // Lines of a short track stay short enough for three of them (two pauses) to fit.
            let line = random.uniform(0.8, max(0.8, min(3.0, remaining - 1.35, (duration - 0.3 - 2 * 0.55) / 3)))
            let pause = random.uniform(0.55, min(2.0, remaining - 0.8 - line))
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

    /// Entries of `waveTable` over one period.
    static let tableSize = 4096

    /// One period of the voice's waveform, sum over k = 1...16 of k^-0.2 cos(k x), at `tableSize` + 1 points (the
    /// last repeats the first, so interpolation never wraps).
    static let waveTable: [Double] = (0...tableSize).map { i in
        let x = 2 * Double.pi * Double(i) / Double(tableSize)
        return (1...16).reduce(0.0) { $0 + pow(Double($1), -0.2) * cos(Double($1) * x) }
    }

    /// `count` mono samples at `sampleRate` for the plan of `variant` over `duration` seconds, peak-normalised.
    /// The stress spread, harmonic slope and envelope shape were tuned so that the RMS over the track comes out
    /// at about -28 dBFS (-30 to -26 across variants) once the peak is -2.6 dBFS.
    static func samples(variant: UInt64, duration: Double, sampleRate: Int, count: Int) -> [Float] {
        var out = [Float](repeating: 0, count: count)
        guard count > 0, sampleRate > 0 else { return out }
        let plan = SpeechPlan(variant: variant, duration: duration)
        var random = SplitMix64(seed: variant ^ 0x70CE_5EED_0F0A_11CE)
        let rate = Double(sampleRate)
        // The voice's waveform is a fixed sum of 16 harmonics, a function of phase alone: tabulated once and read
        // with linear interpolation (error below 1e-3 of the peak), one lookup a sample instead of 16 cosines'
        // worth of arithmetic. The renderer is on the simulator's hot path.
        let table = Self.waveTable
        let tableScale = Double(Self.tableSize) / (2 * Double.pi)
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
                if phase >= 2 * Double.pi { phase -= 2 * Double.pi }
                let position = phase * tableScale
                let index = min(Int(position), Self.tableSize - 1)
                let wave = table[index] + (position - Double(index)) * (table[index + 1] - table[index])
                let spoken = t * syllableRate
                let syllable = min(Int(spoken), syllables - 1)
                let within = sin(Double.pi * (spoken - Double(syllable)))
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
