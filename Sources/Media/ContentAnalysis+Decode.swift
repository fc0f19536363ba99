import CFFmpeg
import Dispatch
import Foundation

/// Decodes the main video and audio streams of `path` once and runs FFmpeg's own detectors on them:
/// `blackdetect` and `freezedetect` on the pictures, `silencedetect` and `astats` on the sound. The findings are
/// read from the frame metadata the filters attach (`lavfi.black_start`, `lavfi.freezedetect.freeze_end`, ...), so
/// they are FFmpeg's definitions exactly; a stretch still open at the end of the stream is closed there. Black
/// pictures of the usual pixel formats are counted by `BlackPictureRule`, blackdetect's own rule without its cost.
///
/// Blocks the calling thread (use `analyzeContent(_:options:limits:) async` from async code). Throws `MediaError`
/// for unreadable input, like `probe`.
public func analyzeContent(_ path: String, options: ContentAnalysisOptions = ContentAnalysisOptions(),
                           limits: OpenLimits = OpenLimits()) throws -> ContentAnalysis {
    // The decoders learn pixel and sample formats from the first frame: find_stream_info's trial decode is not
    // needed here.
    let input = try InputFile.openChecked(path, limits: limits, findStreamInfo: false)
    // The open limit is for opening; decoding a long file legitimately takes longer.
    input.extendDeadline(by: max(limits.timeout, 600))

    var analyzers: [Int32: StreamAnalyzer] = [:]
    let videoStream = options.video ? input.bestStream(AVMEDIA_TYPE_VIDEO).flatMap { stream in
        stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC == 0 ? stream : nil
    } : nil
    if let stream = videoStream {
        analyzers[stream.pointee.index] = try StreamAnalyzer(video: stream, of: input, options: options,
                                                             maxPixels: limits.maxPixels)
    }
    if options.audio, let stream = input.bestStream(AVMEDIA_TYPE_AUDIO) {
        analyzers[stream.pointee.index] = try StreamAnalyzer(audio: stream, of: input, options: options)
    }
    // Other streams (data, subtitles, a second audio track) are discarded by the demuxer, not read and dropped.
    for stream in input.streams where analyzers[stream.pointee.index] == nil {
        stream.pointee.discard = AVDISCARD_ALL
    }

    let packet = try Packet()
    while try input.read(into: packet) {
        defer { packet.unref() }
        try analyzers[packet.pointer.pointee.stream_index]?.feed(packet)
    }
    for analyzer in analyzers.values { try analyzer.feed(nil) }

    let video = videoStream.flatMap { analyzers[$0.pointee.index]?.videoContent }
    let audio = analyzers.values.first { !$0.isVideo }?.audioContent
    return ContentAnalysis(file: path, video: video, audio: audio)
}

/// `analyzeContent` off Swift's cooperative pool, for async callers.
public func analyzeContent(_ path: String, options: ContentAnalysisOptions = ContentAnalysisOptions(),
                           limits: OpenLimits = OpenLimits()) async throws -> ContentAnalysis {
    try await runOffThePool { try analyzeContent(path, options: options, limits: limits) }
}

/// One stream's decoder and detector graph, and what they found so far.
///
/// The graph is built from the first decoded frame (its real size and formats), so the file need not be probed
/// with `avformat_find_stream_info` first.
final class StreamAnalyzer {
    let isVideo: Bool
    private let decoder: MediaDecoder
    private var description: String
    private var graph: FilterGraph?
    /// The video graph's parts: an optional scale, blackdetect, freezedetect (the graph is built from the first
    /// picture, whose pixel format decides whether blackdetect runs or `blackRule` counts).
    private var videoFilters: (scale: String, black: String, freeze: String)?
    /// The rule that may replace blackdetect (nil: pictures not analysed, or the filter asked for).
    private let blackRuleCandidate: BlackPictureRule?
    /// The rule counting black pictures in place of blackdetect, once the graph is built without the filter.
    private var blackRule: BlackPictureRule?
    private var blackMarks = BlackRunMarks()
    private let frame: Frame
    private let filtered: Frame
    private var trackers: [SpanTracker]
    private let nominalFrameDuration: Double

    private var origin: Double?
    private var end: Double = 0
    private var frames = 0
    private var samples = 0
    private var rmsLevel: Double?
    private var peakLevel: Double?
    private var integratedLoudness: Double?

    /// Pictures: optional scale, then blackdetect (every black run: `d=0`), then freezedetect. A picture larger
    /// than `maxPixels` (the caller's `OpenLimits`) is refused, as by `probe` and `writeThumbnail`.
    init(video stream: UnsafeMutablePointer<AVStream>, of input: InputFile, options: ContentAnalysisOptions,
         maxPixels: Int64) throws {
        isVideo = true
        decoder = try MediaDecoder(input: input, stream: stream, threads: options.threads, maxPixels: maxPixels)
        // Read by the decoder per picture (and copied to every frame thread), so setting it after opening holds.
        if options.skipLoopFilter { decoder.context.pointee.skip_loop_filter = AVDISCARD_ALL }
        frame = try Frame()
        filtered = try Frame()
        let scale = options.analysisWidth.map { "scale=\($0):-2:flags=fast_bilinear," } ?? ""
        let black = "blackdetect=d=0:pic_th=\(options.blackPictureRatio):pix_th=\(options.blackPixelThreshold),"
        let freeze = "freezedetect=n=\(options.freezeNoise)dB:d=\(options.freezeMinimum)"
        videoFilters = (scale, black, freeze)
        description = "[in]\(scale)\(black)\(freeze)[out]"
        blackRuleCandidate = options.blackdetectFilter ? nil
            : BlackPictureRule(pictureRatio: options.blackPictureRatio, pixelThreshold: options.blackPixelThreshold)
        trackers = [SpanTracker(start: "lavfi.black_start", end: "lavfi.black_end"),
                    SpanTracker(start: "lavfi.freezedetect.freeze_start", end: "lavfi.freezedetect.freeze_end")]
        let rate = stream.pointee.avg_frame_rate.num > 0 ? stream.pointee.avg_frame_rate : stream.pointee.r_frame_rate
        nominalFrameDuration = rate.num > 0 ? Double(rate.den) / Double(rate.num) : 0
    }

    /// Sound: silencedetect, then astats accumulating over the whole track (`reset=0`) for its level.
    init(audio stream: UnsafeMutablePointer<AVStream>, of input: InputFile, options: ContentAnalysisOptions) throws {
        isVideo = false
        decoder = try MediaDecoder(input: input, stream: stream, threads: options.threads)
        frame = try Frame()
        filtered = try Frame()
        blackRuleCandidate = nil
        description = "[in]silencedetect=n=\(options.silenceNoise)dB:d=\(options.silenceMinimum),"
            + "astats=metadata=1:reset=0:measure_perchannel=none:measure_overall=Peak_level+RMS_level"
            + (options.loudness ? ",ebur128=metadata=1" : "") + "[out]"
        trackers = [SpanTracker(start: "lavfi.silence_start", end: "lavfi.silence_end")]
        nominalFrameDuration = 0
    }

    /// Decodes `packet` (nil: end of stream, drains everything) and runs the detectors on what comes out.
    func feed(_ packet: Packet?) throws {
        while true {
            let step = try decoder.send(packet)
            try drainDecoder()
            // EAGAIN: the decoder wanted its frames taken first; now it takes the packet.
            if step != .needsInput { break }
        }
        if packet == nil {
            if let graph {
                try graph.push(nil, to: 0)
                try drainGraph()
            }
            for i in trackers.indices { trackers[i].finish(at: end - (origin ?? 0)) }
        }
    }

    var videoContent: VideoContent {
        VideoContent(frameCount: frames, duration: max(0, end - (origin ?? 0)),
                     black: trackers[0].spans, frozen: trackers[1].spans)
    }

    var audioContent: AudioContent {
        AudioContent(sampleCount: samples, duration: max(0, end - (origin ?? 0)), silent: trackers[0].spans,
                     rmsLevel: rmsLevel, peakLevel: peakLevel, integratedLoudness: integratedLoudness)
    }

    private func drainDecoder() throws {
        while try decoder.receive(into: frame) == .produced {
            let f = frame.pointer
            f.pointee.pts = f.pointee.best_effort_timestamp
            let graph = try self.graph ?? makeGraph(for: f)
            try graph.push(frame, to: 0)
            try drainGraph()
        }
    }

    private func makeGraph(for f: UnsafeMutablePointer<AVFrame>) throws -> FilterGraph {
        let timeBase = decoder.stream.pointee.time_base
        let format: FilterGraph.SourceFormat
        if isVideo {
            if let filters = videoFilters, let rule = blackRuleCandidate, BlackPictureRule.supports(f.pointee.format) {
                // Scale and freezedetect keep these formats, so the pictures reaching the sink are counted as
                // blackdetect would count them.
                blackRule = rule
                description = "[in]\(filters.scale)\(filters.freeze)[out]"
            }
            let sar = f.pointee.sample_aspect_ratio.num == 0 ? AVRational(num: 1, den: 1) : f.pointee.sample_aspect_ratio
            format = .video(width: f.pointee.width, height: f.pointee.height,
                            pixelFormat: AVPixelFormat(f.pointee.format), timeBase: timeBase, sampleAspectRatio: sar)
        } else {
            var layout = AVChannelLayout()
            if f.pointee.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC {
                av_channel_layout_default(&layout, f.pointee.ch_layout.nb_channels)
            } else {
                let status = av_channel_layout_copy(&layout, &f.pointee.ch_layout)
                if status < 0 {
                    throw MediaError(.ffmpeg, path: decoder.path, operation: "reading the sound's channel layout",
                                     reason: "the layout could not be copied", ffmpegCode: status)
                }
            }
            defer { av_channel_layout_uninit(&layout) }
            format = .audio(sampleRate: f.pointee.sample_rate, sampleFormat: AVSampleFormat(f.pointee.format),
                            channelLayout: channelLayoutName(&layout), timeBase: timeBase)
        }
        let graph = try FilterGraph(sources: [("in", format)], sinks: [("out", isVideo)], description: description)
        self.graph = graph
        return graph
    }

    private func drainGraph() throws {
        guard let graph else { return }
        let timeBase = graph.timeBase(ofSink: 0)
        let unit = Double(timeBase.num) / Double(timeBase.den)
        while try graph.pull(from: 0, into: filtered) == .produced {
            let f = filtered.pointer
            defer { filtered.unref() }
            var black: (start: Double?, end: Double?) = (nil, nil)
            if let blackRule {
                // Every picture, timestamped or not, moves blackdetect's state.
                black = blackMarks.step(isBlack: blackRule.isBlack(f), pts: f.pointee.pts, timeBase: timeBase)
            }
            guard f.pointee.pts != cff_nopts_value() else { continue }
            let start = Double(f.pointee.pts) * unit
            if origin == nil { origin = start }
            let length: Double
            if isVideo {
                frames += 1
                length = f.pointee.pkt_duration > 0 ? Double(f.pointee.pkt_duration) * unit : nominalFrameDuration
            } else {
                samples += Int(f.pointee.nb_samples)
                length = f.pointee.sample_rate > 0 ? Double(f.pointee.nb_samples) / Double(f.pointee.sample_rate) : 0
            }
            end = max(end, start + length)
            let origin = self.origin ?? 0
            for i in trackers.indices {
                if i == 0, blackRule != nil {
                    trackers[i].record(start: black.start, end: black.end, origin: origin)
                } else {
                    trackers[i].read(f.pointee.metadata, origin: origin)
                }
            }
            if !isVideo {
                // Cumulative (reset=0): the last frame's values describe the whole track; "-inf" means silence.
                if let rms = metadataValue(f.pointee.metadata, "lavfi.astats.Overall.RMS_level") {
                    rmsLevel = rms.isFinite ? rms : nil
                }
                if let peak = metadataValue(f.pointee.metadata, "lavfi.astats.Overall.Peak_level") {
                    peakLevel = peak.isFinite ? peak : nil
                }
                // Integrated so far: the last frame's value is the track's. Below the absolute gate it is -70.
                if let loudness = metadataValue(f.pointee.metadata, "lavfi.r128.I") {
                    integratedLoudness = loudness.isFinite && loudness > -70 ? loudness : nil
                }
            }
        }
    }
}

/// Turns a detector's start and end metadata into spans.
struct SpanTracker {
    let startKey: String
    let endKey: String
    private(set) var spans: [TimeSpan] = []
    private var openStart: Double?

    init(start: String, end: String) {
        startKey = start
        endKey = end
    }

    /// Reads one frame's metadata; times become relative to `origin` (the stream's first frame).
    mutating func read(_ metadata: OpaquePointer?, origin: Double) {
        record(start: metadataValue(metadata, startKey), end: metadataValue(metadata, endKey), origin: origin)
    }

    /// Records one frame's start and end marks (nil: none); times become relative to `origin`.
    mutating func record(start: Double?, end: Double?, origin: Double) {
        // A start first: freezedetect can put a freeze's start and its end on the same frame (a still of exactly
        // `d` ended by the next picture). A new span never starts on the frame that ends the previous one.
        if let start, openStart == nil {
            openStart = max(0, start - origin)
        }
        if let end, let start = openStart {
            spans.append(TimeSpan(start: start, end: max(start, end - origin)))
            openStart = nil
        }
    }

    /// Closes a span still open when the stream ends (the detectors only log those).
    mutating func finish(at end: Double) {
        if let start = openStart {
            spans.append(TimeSpan(start: start, end: max(start, end)))
            openStart = nil
        }
    }
}

/// A numeric frame-metadata value (`"0.5"`, `"-inf"`), nil when absent or not a number.
func metadataValue(_ metadata: OpaquePointer?, _ key: String) -> Double? {
    guard let metadata, let entry = av_dict_get(metadata, key, nil, 0), let value = entry.pointee.value else {
        return nil
    }
    return Double(String(cString: value).trimmingCharacters(in: .whitespaces))
}
