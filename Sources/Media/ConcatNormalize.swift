import CFFmpeg
import Foundation

/// Normalize-mode concatenation: every clip decoded, brought to one size, frame rate and audio format by one
/// libavfilter graph ending in the `concat` filter, and encoded once with libx264 + AAC.
///
/// Per clip the graph rotates upright (display matrix), converts the frame rate (`fps`), scales keeping the aspect
/// and pads to the target (`scale` + `pad`), resamples and remixes audio (`aresample`, `aformat`), trims audio to the
/// length its container declares (FFmpeg 5.1 decodes the AAC end padding), and gives a clip without audio silence
/// (`anullsrc`) as long as its video. `concat` makes each clip last as long as its longest stream and pads short
/// audio with silence, so every clip starts in sync. `asetnsamples` hands AAC the 1024-sample frames it needs.
struct ConcatNormalizer {
    let clips: [ConcatClip]
    let output: String
    let options: ConcatOptions

    /// The output's parameters.
    struct Target {
        var width: Int
        var height: Int
        var frameRate: AVRational
        /// nil when no clip has audio.
        var sampleRate: Int?
        var channels: Int
        var channelLayout: String
    }

    var target: Target {
        let size = clips[0].displaySize
        // yuv420p needs even dimensions.
        let width = max(2, (options.width ?? size.width) & ~1), height = max(2, (options.height ?? size.height) & ~1)
        let rate = options.frameRate.map { AVRational(num: $0.numerator, den: $0.denominator) }
            ?? clips[0].frameRate ?? AVRational(num: 24, den: 1)
        let firstAudio = clips.lazy.compactMap(\.audioParameters).first?.pointee
        let sampleRate = firstAudio == nil ? nil : options.sampleRate ?? Int(firstAudio?.sample_rate ?? 48_000)
        let channels = max(1, min(options.channels ?? Int(firstAudio?.ch_layout.nb_channels ?? 2), 8))
        var layout = AVChannelLayout()
        av_channel_layout_default(&layout, Int32(channels))
        return Target(width: width, height: height, frameRate: rate, sampleRate: sampleRate, channels: channels,
                      channelLayout: channelLayoutName(&layout))
    }

    /// Throws when a transition is longer than a clip it joins (each clip must outlast its fades).
    static func validate(_ transition: ConcatTransition, clips: [ConcatClip], options: ConcatOptions) throws {
        let seconds = transition.seconds
        let shortest = clips.map(\.videoDuration).min() ?? 0
        let rate = options.frameRate?.value ?? clips[0].frameRate.map { Double($0.num) / Double($0.den) } ?? 24
        guard seconds * rate >= 1 else {
            throw MediaError(.invalidArgument, operation: "checking the transition",
                             reason: "\(transition) is shorter than one frame")
        }
        // The middle clips fade in and out: they need two fades' length; the ends need one.
        let needed = clips.count > 2 ? 2 * seconds : seconds
        guard shortest > needed else {
            throw MediaError(.invalidArgument, operation: "checking the transition",
                             reason: "\(transition) is too long: the shortest clip lasts \(shortest) s")
        }
    }

    /// The filter graph in FFmpeg's syntax (also what the benchmark hands the ffmpeg CLI).
    static func graphDescription(clips: [ConcatClip], target t: Target, transition: ConcatTransition? = nil) -> String {
        if clips.count > 1, let transition {
            return fadeGraphDescription(clips: clips, target: t, transition: transition)
        }
        var parts: [String] = []
        var concatInputs = ""
        for (i, clip) in clips.enumerated() {
            let rotate: String
            switch ((-clip.rotation) % 360 + 360) % 360 {
            case 90: rotate = "transpose=clock,"
            case 180: rotate = "hflip,vflip,"
            case 270: rotate = "transpose=cclock,"
            default: rotate = ""
            }
            parts.append("[v\(i)]\(rotate)fps=\(t.frameRate.num)/\(t.frameRate.den),"
                + "scale=\(t.width):\(t.height):force_original_aspect_ratio=decrease:force_divisible_by=2,"
                + "pad=\(t.width):\(t.height):(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p[cv\(i)]")
            concatInputs += "[cv\(i)]"
            guard let sampleRate = t.sampleRate else { continue }
            let format = "aformat=sample_fmts=fltp:sample_rates=\(sampleRate):channel_layouts=\(t.channelLayout)"
            if let audio = clip.audio {
                var trim = ""
                let st = audio.pointee
                let rate = clip.audioParameters?.pointee.sample_rate ?? 0
                if st.duration > 0, rate > 0 {
                    let samples = av_rescale_q(st.duration, st.time_base, AVRational(num: 1, den: rate))
                    trim = "atrim=end_sample=\(samples),"
                }
                // Pad short audio to the clip's length (concat pads every segment but the last).
                let whole = Int64((clip.duration * Double(sampleRate)).rounded())
                parts.append("[a\(i)]\(trim)\(clip.gainFilters)aresample=\(sampleRate),\(format),apad=whole_len=\(whole)[ca\(i)]")
            } else {
                let samples = Int64((clip.duration * Double(sampleRate)).rounded())
                parts.append("anullsrc=r=\(sampleRate):cl=\(t.channelLayout),atrim=end_sample=\(samples),\(format)[ca\(i)]")
            }
            concatInputs += "[ca\(i)]"
        }
        if t.sampleRate != nil {
            parts.append("\(concatInputs)concat=n=\(clips.count):v=1:a=1[vout][acat]")
            parts.append("[acat]asetnsamples=n=1024:p=0[aout]")
        } else {
            parts.append("\(concatInputs)concat=n=\(clips.count):v=1:a=0[vout]")
        }
        return parts.joined(separator: ";")
    }

    /// Crossfades and dips: each clip normalized to exactly its length in frames (audio trimmed or padded to match),
    /// then chained `xfade` (video) and `acrossfade` (audio) joins, each overlapping the clips by the transition's
    /// length.
    static func fadeGraphDescription(clips: [ConcatClip], target t: Target, transition: ConcatTransition) -> String {
        let seconds = transition.seconds
        let (videoKind, audioCurves): (String, String)
        switch transition {
        case .fade: (videoKind, audioCurves) = ("fade", "c1=tri:c2=tri")
        // Exponential curves are about -50 dB at the middle: the sound goes quiet with the picture.
        case .dip: (videoKind, audioCurves) = ("fadeblack", "c1=exp:c2=exp")
        }
        let fps = Double(t.frameRate.num) / Double(t.frameRate.den)
        let fadeFrames = max(1, Int((seconds * fps).rounded()))
        let fade = Double(fadeFrames) / fps
        var parts: [String] = []
        var frameCounts: [Int] = []
        // FFmpeg 5.1's xfade ends the blend when its first input ends, one frame early, dropping a frame and
        // delaying the second input: one cloned frame past the end (discarded by xfade) lets it finish.
        let extraFrame = ",tpad=stop_mode=clone:stop=1"
        for (i, clip) in clips.enumerated() {
            let frames = max(1, Int((clip.videoDuration * fps).rounded()))
            frameCounts.append(frames)
            parts.append("[v\(i)]\(rotation(clip))fps=\(t.frameRate.num)/\(t.frameRate.den),"
                + "scale=\(t.width):\(t.height):force_original_aspect_ratio=decrease:force_divisible_by=2,"
                + "pad=\(t.width):\(t.height):(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p,"
                + "trim=end_frame=\(frames)\(i < clips.count - 1 ? extraFrame : "")[cv\(i)]")
            guard let sampleRate = t.sampleRate else { continue }
            let samples = Int64((Double(frames) / fps * Double(sampleRate)).rounded())
            let format = "aformat=sample_fmts=fltp:sample_rates=\(sampleRate):channel_layouts=\(t.channelLayout)"
            if clip.audio != nil {
                parts.append("[a\(i)]\(audioTrim(clip))\(clip.gainFilters)aresample=\(sampleRate),\(format),apad=whole_len=\(samples),"
                    + "atrim=end_sample=\(samples)[ca\(i)]")
            } else {
                parts.append("anullsrc=r=\(sampleRate):cl=\(t.channelLayout),atrim=end_sample=\(samples),\(format)[ca\(i)]")
            }
        }
        var video = "cv0", audio = "ca0", framesSoFar = frameCounts[0]
        for k in 1..<clips.count {
            let offset = Double(framesSoFar - fadeFrames) / fps
            let nextVideo = k == clips.count - 1 ? "vout" : "xv\(k)"
            parts.append("[\(video)][cv\(k)]xfade=transition=\(videoKind):duration=\(String(format: "%.6f", fade)):"
                + "offset=\(String(format: "%.6f", offset))[\(nextVideo)]")
            video = nextVideo
            framesSoFar += frameCounts[k] - fadeFrames
            if t.sampleRate != nil {
                let nextAudio = k == clips.count - 1 ? "acat" : "xa\(k)"
                parts.append("[\(audio)][ca\(k)]acrossfade=d=\(String(format: "%.6f", fade)):\(audioCurves)[\(nextAudio)]")
                audio = nextAudio
            }
        }
        if t.sampleRate != nil { parts.append("[acat]asetnsamples=n=1024:p=0[aout]") }
        return parts.joined(separator: ";")
    }

    private static func rotation(_ clip: ConcatClip) -> String {
        switch ((-clip.rotation) % 360 + 360) % 360 {
        case 90: return "transpose=clock,"
        case 180: return "hflip,vflip,"
        case 270: return "transpose=cclock,"
        default: return ""
        }
    }

    /// `atrim` to the length the container declares for the audio (FFmpeg 5.1 decodes the AAC end padding too).
    private static func audioTrim(_ clip: ConcatClip) -> String {
        guard let audio = clip.audio else { return "" }
        let st = audio.pointee
        let rate = clip.audioParameters?.pointee.sample_rate ?? 0
        guard st.duration > 0, rate > 0 else { return "" }
        let samples = av_rescale_q(st.duration, st.time_base, AVRational(num: 1, den: rate))
        return "atrim=end_sample=\(samples),"
    }

    func run(progress: @escaping (Seconds) -> Void) throws {
        for clip in clips { try clip.loadStreamInfo() }
        let t = target
        let hasAudio = t.sampleRate != nil
        var sources: [(name: String, format: FilterGraph.SourceFormat)] = []
        var videoSource: [Int] = [], audioSource: [Int?] = []
        for (i, clip) in clips.enumerated() {
            videoSource.append(sources.count)
            sources.append(("v\(i)", Self.videoFormat(clip.video, clip.videoParameters)))
            if hasAudio, let audio = clip.audio, let parameters = clip.audioParameters {
                audioSource.append(sources.count)
                sources.append(("a\(i)", Self.audioFormat(audio, parameters)))
            } else {
                audioSource.append(nil)
            }
        }
        let sinks: [(name: String, isVideo: Bool)] = [("vout", true)] + (hasAudio ? [("aout", false)] : [])
        // threads 0: libavfilter picks (scale and pad run sliced across cores, as in the ffmpeg CLI).
        let graph = try FilterGraph(sources: sources, sinks: sinks,
                                    description: Self.graphDescription(clips: clips, target: t, transition: options.transition),
                                    threads: 0)

        let muxer = try OutputFile(path: output)
        let videoEncoder = try MediaEncoder(
            codecName: "libx264", options: ["preset": options.preset, "crf": String(options.crf)]
        ) { ctx in
            ctx.pointee.width = Int32(t.width)
            ctx.pointee.height = Int32(t.height)
            ctx.pointee.pix_fmt = AV_PIX_FMT_YUV420P
            ctx.pointee.time_base = AVRational(num: t.frameRate.den, den: t.frameRate.num)
            ctx.pointee.framerate = t.frameRate
            ctx.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
            // FFmpeg's default is one thread; 0 lets x264 use every core (frame threads + lookahead), as the CLI does.
            ctx.pointee.thread_count = 0
            if muxer.needsGlobalHeader { ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        }
        let videoOut = try muxer.addStream(encoder: videoEncoder)
        videoOut.pointee.avg_frame_rate = t.frameRate
        var audioEncoder: MediaEncoder?
        var audioOut: UnsafeMutablePointer<AVStream>?
        if let sampleRate = t.sampleRate {
            let encoder = try MediaEncoder(codecName: "aac") { ctx in
                ctx.pointee.sample_rate = Int32(sampleRate)
                av_channel_layout_default(&ctx.pointee.ch_layout, Int32(t.channels))
                ctx.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
                ctx.pointee.bit_rate = Int64(options.audioBitRate)
                ctx.pointee.time_base = AVRational(num: 1, den: Int32(sampleRate))
                if muxer.needsGlobalHeader { ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
            }
            audioEncoder = encoder
            audioOut = try muxer.addStream(encoder: encoder)
        }
        try muxer.writeHeader(faststart: options.faststart)

        let pipeline = try EncodePipeline(graph: graph, muxer: muxer, video: (videoEncoder, videoOut),
                                      audio: audioEncoder.flatMap { enc in audioOut.map { (enc, $0) } },
                                      progress: progress)
        let packet = try Packet(), frame = try Frame()
        for (i, clip) in clips.enumerated() {
            let videoDecoder = try MediaDecoder(input: clip.input, stream: clip.video, maxPixels: clip.limits.maxPixels)
            let audioDecoder = try audioSource[i] == nil ? nil
                : clip.audio.map { try MediaDecoder(input: clip.input, stream: $0) }
            var videoEnd = Int64.min, audioEnd = Int64.min
            func decode(_ decoder: MediaDecoder, into source: Int, end: inout Int64, packet: Packet?) throws {
                while try decoder.send(packet) == .needsInput {
                    try receive(decoder, into: source, end: &end)
                }
                try receive(decoder, into: source, end: &end)
            }
            func receive(_ decoder: MediaDecoder, into source: Int, end: inout Int64) throws {
                while try decoder.receive(into: frame) == .produced {
                    let f = frame.pointer
                    f.pointee.pts = f.pointee.best_effort_timestamp
                    if f.pointee.pts != cff_nopts_value() {
                        let length = f.pointee.nb_samples > 0
                            ? av_rescale_q(Int64(f.pointee.nb_samples), AVRational(num: 1, den: f.pointee.sample_rate),
                                           decoder.stream.pointee.time_base)
                            : f.pointee.pkt_duration
                        end = max(end, f.pointee.pts + length)
                    }
                    try graph.push(frame, to: source)
                    try pipeline.drain()
                }
            }
            while try clip.read(into: packet) {
                let index = packet.pointer.pointee.stream_index
                if index == clip.video.pointee.index {
                    try decode(videoDecoder, into: videoSource[i], end: &videoEnd, packet: packet)
                } else if let audioDecoder, let source = audioSource[i], index == audioDecoder.stream.pointee.index {
                    try decode(audioDecoder, into: source, end: &audioEnd, packet: packet)
                }
                packet.unref()
            }
            try decode(videoDecoder, into: videoSource[i], end: &videoEnd, packet: nil)
            try graph.close(videoSource[i], at: videoEnd == Int64.min ? 0 : videoEnd)
            if let audioDecoder, let source = audioSource[i] {
                try decode(audioDecoder, into: source, end: &audioEnd, packet: nil)
                try graph.close(source, at: audioEnd == Int64.min ? 0 : audioEnd)
            }
            try pipeline.drain()
        }
        try pipeline.finish()
        try muxer.finish()
    }

    private static func videoFormat(_ stream: UnsafeMutablePointer<AVStream>,
                                    _ parameters: UnsafeMutablePointer<AVCodecParameters>) -> FilterGraph.SourceFormat {
        let par = parameters.pointee
        let sar = par.sample_aspect_ratio.num == 0 ? AVRational(num: 1, den: 1) : par.sample_aspect_ratio
        return .video(width: par.width, height: par.height, pixelFormat: AVPixelFormat(par.format),
                      timeBase: stream.pointee.time_base, sampleAspectRatio: sar)
    }

    private static func audioFormat(_ stream: UnsafeMutablePointer<AVStream>,
                                    _ parameters: UnsafeMutablePointer<AVCodecParameters>) -> FilterGraph.SourceFormat {
        let par = parameters.pointee
        var layout = par.ch_layout
        if layout.order == AV_CHANNEL_ORDER_UNSPEC { av_channel_layout_default(&layout, par.ch_layout.nb_channels) }
        return .audio(sampleRate: par.sample_rate, sampleFormat: AVSampleFormat(par.format),
                      channelLayout: channelLayoutName(&layout), timeBase: stream.pointee.time_base)
    }
}

/// The graph's sinks feeding the encoders feeding the muxer.
private final class EncodePipeline {
    let graph: FilterGraph
    let muxer: OutputFile
    let video: (encoder: MediaEncoder, stream: UnsafeMutablePointer<AVStream>)
    let audio: (encoder: MediaEncoder, stream: UnsafeMutablePointer<AVStream>)?
    let progress: (Seconds) -> Void
    private let filtered: Frame
    private let encoded: Packet
    private var videoDone = false, audioDone = false

    init(graph: FilterGraph, muxer: OutputFile, video: (MediaEncoder, UnsafeMutablePointer<AVStream>),
         audio: (MediaEncoder, UnsafeMutablePointer<AVStream>)?, progress: @escaping (Seconds) -> Void) throws {
        self.graph = graph
        self.muxer = muxer
        self.video = video
        self.audio = audio
        self.progress = progress
        filtered = try Frame()
        encoded = try Packet()
        audioDone = audio == nil
    }

    /// Moves everything the graph has ready through the encoders into the file.
    func drain() throws {
        if !videoDone { videoDone = try pull(sink: 0, into: video) }
        if let audio, !audioDone { audioDone = try pull(sink: 1, into: audio) }
    }

    /// Drains the graph to its end and flushes the encoders.
    func finish() throws {
        try drain()
        guard videoDone, audioDone else {
            throw MediaError(.encodeFailed, path: muxer.path, operation: "finishing the filter graph",
                             reason: "the concat filter did not reach the end of every stream")
        }
        try encode(nil, with: video)
        if let audio { try encode(nil, with: audio) }
    }

    /// Returns true at the sink's end.
    private func pull(sink: Int, into target: (encoder: MediaEncoder, stream: UnsafeMutablePointer<AVStream>)) throws -> Bool {
        while true {
            switch try graph.pull(from: sink, into: filtered) {
            case .produced:
                if sink == 0 {
                    // A decoder's keyframe flag must not force keyframes in the new encode.
                    filtered.pointer.pointee.pict_type = AV_PICTURE_TYPE_NONE
                    if filtered.pointer.pointee.pts != cff_nopts_value() {
                        progress(seconds(filtered.pointer.pointee.pts, graph.timeBase(ofSink: sink)))
                    }
                }
                // concat's outputs run at microsecond time bases: bring pts to the encoder's (1/fps, 1/rate).
                let f = filtered.pointer
                if f.pointee.pts != cff_nopts_value() {
                    f.pointee.pts = av_rescale_q(f.pointee.pts, graph.timeBase(ofSink: sink),
                                                 target.encoder.context.pointee.time_base)
                }
                try encode(filtered, with: target)
                filtered.unref()
            case .needsInput: return false
            case .endOfStream: return true
            }
        }
    }

    private func encode(_ frame: Frame?, with target: (encoder: MediaEncoder, stream: UnsafeMutablePointer<AVStream>)) throws {
        while try target.encoder.send(frame) == .needsInput { try receive(target) }
        try receive(target)
    }

    private func receive(_ target: (encoder: MediaEncoder, stream: UnsafeMutablePointer<AVStream>)) throws {
        while try target.encoder.receive(into: encoded) == .produced {
            av_packet_rescale_ts(encoded.pointer, target.encoder.context.pointee.time_base, target.stream.pointee.time_base)
            encoded.pointer.pointee.stream_index = target.stream.pointee.index
            try muxer.write(encoded)
        }
    }
}
