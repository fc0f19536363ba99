import CFFmpeg
import Foundation

/// The video coding of a clip `ClipWriter` makes.
public enum VideoCoding: String, Sendable, Hashable, Codable {
    /// H.264 by libx264, 8-bit 4:2:0 (yuv420p): what Seedance delivers up to 1080p.
    case h264
    /// H.265 Main 10 by libx265, 10-bit 4:2:0 (yuv420p10le), tagged `hvc1` (the tag Apple's players need): what
    /// Seedance delivers at 4k.
    case hevcMain10 = "hevc-main10"

    /// The encoder's name in FFmpeg.
    var encoderName: String { self == .h264 ? "libx264" : "libx265" }

    /// The pixel format frames are encoded in.
    var pixelFormat: AVPixelFormat { self == .h264 ? AV_PIX_FMT_YUV420P : AV_PIX_FMT_YUV420P10LE }

    /// The pixel format's name in a filter description (`format=...`).
    var pixelFormatName: String { self == .h264 ? "yuv420p" : "yuv420p10le" }
}

/// What `ClipWriter` makes: an H.264 (libx264) or H.265 Main 10 (libx265) MP4 of a size and frame rate, with
/// optional AAC audio.
public struct ClipSettings: Sendable, Hashable {
    /// Width in pixels (even).
    public var width: Int
    /// Height in pixels (even).
    public var height: Int
    /// Frames per second (constant).
    public var frameRate: Int
    /// The audio track, nil for none.
    public var audio: AudioSettings?
    /// libx264 preset: `ultrafast` renders a 5 s 720p clip in about a second on two cores.
    public var preset: String
    /// libx264 constant rate factor (0 lossless ... 51 worst).
    public var crf: Int
    /// Encoder threads; 0 lets FFmpeg choose.
    public var threads: Int
    /// The most consecutive B-frames (0: none, as `ultrafast` makes). Above 0 libx264 is also told to use 8x8
    /// transforms, which `ultrafast` turns off, so the stream is High profile like the deliveries it imitates; the
    /// mp4 muxer then writes the edit list that hides the reorder delay. Entropy coding stays CAVLC (deliveries use
    /// CABAC): nothing downstream reads it, and CABAC made synthetic clips about a quarter slower to encode.
    public var bFrames: Int
    /// Whether moov is moved before mdat when the file is finished (false leaves it at the end, as written).
    public var faststart: Bool
    /// The video coding (H.264 unless told).
    public var coding: VideoCoding

    /// Makes settings; the defaults suit synthetic test clips.
    public init(width: Int, height: Int, frameRate: Int = 24, audio: AudioSettings? = nil,
                preset: String = "ultrafast", crf: Int = 28, threads: Int = 0, bFrames: Int = 0,
                faststart: Bool = true, coding: VideoCoding = .h264) {
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.audio = audio
        self.preset = preset
        self.crf = crf
        self.threads = threads
        self.bFrames = bFrames
        self.faststart = faststart
        self.coding = coding
    }

    /// The private options the encoder is opened with.
    var encoderOptions: [String: String] {
        var options = ["preset": preset, "crf": String(crf)]
        if coding == .hevcMain10 {
            // libx265 prints its banner and statistics to stderr unless told; B-frames as for x264 (3, fixed).
            options["x265-params"] = "log-level=error:bframes=\(bFrames):b-adapt=0"
            return options
        }
        if bFrames > 0 {
            // x264-params is applied after the preset, so it wins over ultrafast's bframes=0. b-adapt=0 keeps the
            // B-frames in every GOP (the adaptive decision would drop them on static pictures); the default
            // b-pyramid (normal) gives the 2-frame reorder delay real deliveries show.
            options["x264-params"] = "bframes=\(bFrames):b-adapt=0:8x8dct=1"
        }
        return options
    }
}

/// An AAC audio track's sample rate and channel count.
public struct AudioSettings: Sendable, Hashable {
    /// Samples per second.
    public var sampleRate: Int
    /// Channels (1 mono, 2 stereo).
    public var channels: Int
    /// Bit rate in bits per second.
    public var bitRate: Int

    /// Makes settings (48 kHz stereo by default, like Seedance's output).
    public init(sampleRate: Int = 48_000, channels: Int = 2, bitRate: Int = 128_000) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.bitRate = bitRate
    }
}

/// The three planes of a 4:2:0 YUV frame to draw into (BT.601 limited range: luma 16...235).
///
/// Lent only for the duration of the closure given to `ClipWriter.appendVideoFrame(_:)`: the type is
/// non-copyable and the closure borrows it, so it cannot be stored or returned, and the frame's memory is reached
/// only through bounds-checked accessors (the raw plane pointers stay inside `Media`).
public struct YUVPlanes: ~Copyable {
    /// Frame width in pixels.
    public let width: Int
    /// Frame height in pixels.
    public let height: Int
    let lumaStride: Int
    let chromaStride: Int
    let luma: UnsafeMutablePointer<UInt8>
    let cb: UnsafeMutablePointer<UInt8>
    let cr: UnsafeMutablePointer<UInt8>

    init(width: Int, height: Int, lumaStride: Int, chromaStride: Int, luma: UnsafeMutablePointer<UInt8>,
         cb: UnsafeMutablePointer<UInt8>, cr: UnsafeMutablePointer<UInt8>) {
        self.width = width
        self.height = height
        self.lumaStride = lumaStride
        self.chromaStride = chromaStride
        self.luma = luma
        self.cb = cb
        self.cr = cr
    }

    /// Fills the whole frame with one colour.
    public func fill(y: UInt8, cb cbValue: UInt8 = 128, cr crValue: UInt8 = 128) {
        for row in 0..<height { (luma + row * lumaStride).update(repeating: y, count: width) }
        for row in 0..<(height + 1) / 2 {
            (cb + row * chromaStride).update(repeating: cbValue, count: (width + 1) / 2)
            (cr + row * chromaStride).update(repeating: crValue, count: (width + 1) / 2)
        }
    }

    /// The luma (Y) sample of pixel (`x`, `y`); traps outside the frame.
    public subscript(lumaAt x: Int, _ y: Int) -> UInt8 {
        get {
            precondition((0..<width).contains(x) && (0..<height).contains(y), "pixel (\(x), \(y)) is outside the frame")
            return luma[y * lumaStride + x]
        }
        nonmutating set {
            precondition((0..<width).contains(x) && (0..<height).contains(y), "pixel (\(x), \(y)) is outside the frame")
            luma[y * lumaStride + x] = newValue
        }
    }

    /// Sets the colour difference (Cb, Cr) of the 2x2 block holding pixel (`x`, `y`); traps outside the frame.
    public func setChroma(x: Int, y: Int, cb cbValue: UInt8, cr crValue: UInt8) {
        precondition((0..<width).contains(x) && (0..<height).contains(y), "pixel (\(x), \(y)) is outside the frame")
        let offset = (y / 2) * chromaStride + x / 2
        cb[offset] = cbValue
        cr[offset] = crValue
    }
}

/// Writes an MP4 from frames and samples you supply: libx264 video (yuv420p), AAC audio, faststart (unless the
/// settings say otherwise), atomic.
///
/// Append video frames in order (frame N is shown at N / frameRate s) and audio samples in order (interleaved
/// floats in -1...1), then `finish()`. The file appears at `path` only when `finish()` succeeds; if the writer goes
/// away unfinished nothing is left behind. Blocking and CPU-bound: call it off Swift's cooperative pool.
/// Not thread-safe: one thread at a time.
public final class ClipWriter {
    /// The settings the clip is made with.
    public let settings: ClipSettings
    /// Where the finished clip goes.
    public let path: String
    /// Video frames appended so far.
    public private(set) var videoFrameCount = 0
    /// Audio samples (per channel) appended so far.
    public private(set) var audioSampleCount = 0

    private let muxer: OutputFile
    private let video: MediaEncoder
    private let videoStream: UnsafeMutablePointer<AVStream>
    private let audio: MediaEncoder?
    private let audioStream: UnsafeMutablePointer<AVStream>?
    private let packet: Packet
    private let frame: Frame
    private let lastFrame: Frame
    private var pendingAudio: [[Float]]
    private var audioFramesSent = 0
    private var finished = false

    /// Opens the encoders and the muxer (nothing appears at `path` until `finish()`).
    public init(path: String, settings: ClipSettings) throws {
        guard settings.width > 0, settings.height > 0, settings.width % 2 == 0, settings.height % 2 == 0,
              settings.frameRate > 0
        else {
            throw MediaError(.invalidArgument, path: path, operation: "starting a clip",
                             reason: "size \(settings.width)x\(settings.height) must be positive and even, "
                                 + "frame rate \(settings.frameRate) positive")
        }
        // x264 allows at most 16 (X264_BFRAME_MAX).
        guard (0...16).contains(settings.bFrames) else {
            throw MediaError(.invalidArgument, path: path, operation: "starting a clip",
                             reason: "B-frames \(settings.bFrames) must be in 0...16")
        }
        self.settings = settings
        self.path = path
        let muxer = try OutputFile(path: path)
        self.muxer = muxer
        video = try MediaEncoder(codecName: settings.coding.encoderName, options: settings.encoderOptions) { ctx in
            ctx.pointee.width = Int32(settings.width)
            ctx.pointee.height = Int32(settings.height)
            ctx.pointee.pix_fmt = settings.coding.pixelFormat
            ctx.pointee.time_base = AVRational(num: 1, den: Int32(settings.frameRate))
            ctx.pointee.framerate = AVRational(num: Int32(settings.frameRate), den: 1)
            ctx.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
            ctx.pointee.thread_count = Int32(settings.threads)
            if muxer.needsGlobalHeader { ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        }
        videoStream = try muxer.addStream(encoder: video)
        if settings.coding == .hevcMain10 {
            // 'hvc1' (parameter sets in the sample description only) rather than the muxer's default 'hev1'.
            try videoStream.requireParameters(path: path, operation: "starting a clip").pointee.codec_tag = 0x3163_7668
        }
        videoStream.pointee.avg_frame_rate = AVRational(num: Int32(settings.frameRate), den: 1)
        if let audioSettings = settings.audio {
            let encoder = try MediaEncoder(codecName: "aac") { ctx in
                ctx.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
                ctx.pointee.sample_rate = Int32(audioSettings.sampleRate)
                av_channel_layout_default(&ctx.pointee.ch_layout, Int32(audioSettings.channels))
                ctx.pointee.bit_rate = Int64(audioSettings.bitRate)
                ctx.pointee.time_base = AVRational(num: 1, den: Int32(audioSettings.sampleRate))
                if muxer.needsGlobalHeader { ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
            }
            audio = encoder
            audioStream = try muxer.addStream(encoder: encoder)
            pendingAudio = Array(repeating: [], count: audioSettings.channels)
        } else {
            audio = nil
            audioStream = nil
            pendingAudio = []
        }
        packet = try Packet()
        frame = try Frame()
        lastFrame = try Frame()
        try muxer.writeHeader(faststart: settings.faststart)
    }

    /// Appends the next video frame: `draw` paints into a fresh yuv420p frame (H.264 clips only: the planes are
    /// 8-bit).
    public func appendVideoFrame(_ draw: (borrowing YUVPlanes) throws -> Void) throws {
        guard settings.coding == .h264 else {
            throw MediaError(.invalidArgument, path: path, operation: "appending a video frame",
                             reason: "drawing into planes makes 8-bit frames; this clip is 10-bit H.265")
        }
        frame.unref()
        let f = frame.pointer
        f.pointee.width = Int32(settings.width)
        f.pointee.height = Int32(settings.height)
        f.pointee.format = AV_PIX_FMT_YUV420P.rawValue
        let status = av_frame_get_buffer(f, 0)
        guard status >= 0, let y = f.pointee.data.0, let u = f.pointee.data.1, let v = f.pointee.data.2 else {
            throw MediaError(.encodeFailed, path: path, operation: "allocating a video frame",
                             reason: "out of memory", ffmpegCode: status)
        }
        let planes = YUVPlanes(width: settings.width, height: settings.height,
                               lumaStride: Int(f.pointee.linesize.0), chromaStride: Int(f.pointee.linesize.1),
                               luma: y, cb: u, cr: v)
        try draw(planes)
        try encodeVideo(frame)
    }

    /// Appends a decoded or filtered frame of the clip's size and pixel format (module-internal: the synthetic
    /// renderer).
    func appendVideoFrame(_ source: Frame) throws {
        let f = source.pointer.pointee
        guard f.width == Int32(settings.width), f.height == Int32(settings.height),
              f.format == settings.coding.pixelFormat.rawValue
        else {
            throw MediaError(.invalidArgument, path: path, operation: "appending a video frame",
                             reason: "the frame is \(f.width)x\(f.height) format \(f.format), the clip "
                                 + "\(settings.width)x\(settings.height) \(settings.coding.pixelFormatName)")
        }
        try encodeVideo(source)
    }

    private func encodeVideo(_ source: Frame) throws {
        source.pointer.pointee.pts = Int64(videoFrameCount)
        source.pointer.pointee.pict_type = AV_PICTURE_TYPE_NONE
        try lastFrame.reference(source, path: path, operation: "keeping the last frame")
        try send(source, to: video, stream: videoStream)
        videoFrameCount += 1
    }

    /// Appends audio: `samples` interleaved by channel (L R L R ...), floats in -1...1.
    public func appendAudio(interleaved samples: [Float]) throws {
        guard let audioSettings = settings.audio else {
            throw MediaError(.invalidArgument, path: path, operation: "appending audio",
                             reason: "the clip was set up without audio")
        }
        let channels = audioSettings.channels
        guard samples.count % channels == 0 else {
            throw MediaError(.invalidArgument, path: path, operation: "appending audio",
                             reason: "\(samples.count) samples do not divide into \(channels) channels")
        }
        for (index, sample) in samples.enumerated() { pendingAudio[index % channels].append(sample) }
        audioSampleCount += samples.count / channels
        try flushAudio(final: false)
    }

    /// Appends the same samples to every channel (module-internal: the synthetic renderer's mono sound). Copies
    /// whole runs, not sample by sample: the renderer is on the simulator's hot path.
    func appendAudio(mono samples: [Float]) throws {
        guard settings.audio != nil else {
            throw MediaError(.invalidArgument, path: path, operation: "appending audio",
                             reason: "the clip was set up without audio")
        }
        for channel in pendingAudio.indices { pendingAudio[channel].append(contentsOf: samples) }
        audioSampleCount += samples.count
        try flushAudio(final: false)
    }

    /// Sends whole encoder frames of pending audio (and the remainder when `final`).
    private func flushAudio(final: Bool) throws {
        guard let audio, let audioStream, let first = pendingAudio.first else { return }
        let frameSize = max(1, Int(audio.context.pointee.frame_size))
        var available = first.count
        var offset = 0
        while available >= frameSize || (final && available > 0) {
            let count = min(frameSize, available)
            frame.unref()
            let f = frame.pointer
            f.pointee.nb_samples = Int32(count)
            f.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
            f.pointee.sample_rate = audio.context.pointee.sample_rate
            let layoutStatus = av_channel_layout_copy(&f.pointee.ch_layout, &audio.context.pointee.ch_layout)
            if layoutStatus < 0 {
                throw MediaError(.encodeFailed, path: path, operation: "allocating an audio frame",
                                 reason: "the channel layout could not be copied", ffmpegCode: layoutStatus)
            }
            let status = av_frame_get_buffer(f, 0)
            if status < 0 {
                throw MediaError(.encodeFailed, path: path, operation: "allocating an audio frame",
                                 reason: "out of memory", ffmpegCode: status)
            }
            for channel in 0..<pendingAudio.count {
                guard let plane = f.pointee.extended_data[channel] else { continue }
                plane.withMemoryRebound(to: Float.self, capacity: count) { destination in
                    pendingAudio[channel].withUnsafeBufferPointer { source in
                        destination.update(from: source.baseAddress! + offset, count: count)
                    }
                }
            }
            f.pointee.pts = Int64(audioFramesSent)
            audioFramesSent += count
            try send(frame, to: audio, stream: audioStream)
            offset += count
            available -= count
        }
        if offset > 0 {
            for channel in 0..<pendingAudio.count { pendingAudio[channel].removeFirst(offset) }
        }
    }

    private func send(_ source: Frame?, to encoder: MediaEncoder, stream: UnsafeMutablePointer<AVStream>) throws {
        while true {
            let step = try encoder.send(source)
            try drain(encoder, stream: stream)
            if step != .needsInput { break }
        }
    }

    private func drain(_ encoder: MediaEncoder, stream: UnsafeMutablePointer<AVStream>) throws {
        while try encoder.receive(into: packet) == .produced {
            av_packet_rescale_ts(packet.pointer, encoder.context.pointee.time_base, stream.pointee.time_base)
            packet.pointer.pointee.stream_index = stream.pointee.index
            try muxer.write(packet)
        }
    }

    /// Flushes the encoders, writes the trailer (moov first unless `settings.faststart` is false) and moves the
    /// file into place.
    ///
    /// With `lastFramePNG`, the last video frame is also written there as an RGB PNG of the clip's size.
    public func finish(lastFramePNG: String? = nil) throws {
        guard !finished else { return }
        guard videoFrameCount > 0 else {
            throw MediaError(.invalidArgument, path: path, operation: "finishing the clip", reason: "no video frames")
        }
        if let audio, let audioStream {
            try flushAudio(final: true)
            try send(nil, to: audio, stream: audioStream)
        }
        try send(nil, to: video, stream: videoStream)
        if let lastFramePNG { try writePNG(lastFrame, to: lastFramePNG) }
        try muxer.finish()
        finished = true
    }

    /// Converts `source` to RGB24 through a filter graph and writes it as a one-image PNG, atomically.
    private func writePNG(_ source: Frame, to pngPath: String) throws {
        let graph = try FilterGraph(
            sources: [("in", .video(width: Int32(settings.width), height: Int32(settings.height),
                                    pixelFormat: settings.coding.pixelFormat, timeBase: AVRational(num: 1, den: 1),
                                    sampleAspectRatio: AVRational(num: 1, den: 1)))],
            sinks: [("out", true)], description: "[in]format=rgb24[out]")
        let copy = try Frame()
        try copy.reference(source, path: pngPath, operation: "converting the last frame")
        copy.pointer.pointee.pts = 0
        try graph.push(copy, to: 0)
        try graph.push(nil, to: 0)
        let rgb = try Frame()
        guard try graph.pull(from: 0, into: rgb) == .produced else {
            throw MediaError(.encodeFailed, path: pngPath, operation: "converting the last frame", reason: "no frame")
        }
        let image = try OutputFile(path: pngPath, formatName: "image2")
        let encoder = try MediaEncoder(codecName: "png") { ctx in
            ctx.pointee.width = Int32(settings.width)
            ctx.pointee.height = Int32(settings.height)
            ctx.pointee.pix_fmt = AV_PIX_FMT_RGB24
            ctx.pointee.time_base = AVRational(num: 1, den: 1)
        }
        let stream = try image.addStream(encoder: encoder)
        try image.writeHeader(faststart: false, options: ["update": "1"])
        rgb.pointer.pointee.pts = 0
        _ = try encoder.send(rgb)
        _ = try encoder.send(nil)
        let out = try Packet()
        while try encoder.receive(into: out) == .produced {
            out.pointer.pointee.stream_index = stream.pointee.index
            out.pointer.pointee.pts = 0
            out.pointer.pointee.dts = 0
            try image.write(out)
        }
        try image.finish()
    }
}
