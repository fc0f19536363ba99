import CFFmpeg

/// A libavfilter graph with named buffer sources and sinks: owns the `AVFilterGraph` (which owns its filters).
///
/// Build it with the sources' frame parameters and a filter description in FFmpeg's syntax whose open labels are
/// the sources' and sinks' names, e.g. sources `in0`, `in1` and sink `out` with
/// `"[in0][in1]concat=n=2:v=1:a=0[out]"`. Not thread-safe: one thread at a time.
final class FilterGraph {
    /// What a buffer source delivers.
    enum SourceFormat {
        /// Video frames of a size, pixel format, time base and sample aspect ratio.
        case video(width: Int32, height: Int32, pixelFormat: AVPixelFormat, timeBase: AVRational,
                   sampleAspectRatio: AVRational)
        /// Audio frames of a sample rate, sample format, channel layout (`stereo`, `mono`, `5.1`) and time base.
        case audio(sampleRate: Int32, sampleFormat: AVSampleFormat, channelLayout: String, timeBase: AVRational)

        /// The parameters of frames coming from `decoder`.
        static func of(_ decoder: MediaDecoder) -> SourceFormat {
            let ctx = decoder.context.pointee
            if ctx.codec_type == AVMEDIA_TYPE_AUDIO {
                var layout = ctx.ch_layout
                if layout.order == AV_CHANNEL_ORDER_UNSPEC {
                    av_channel_layout_default(&layout, ctx.ch_layout.nb_channels)
                }
                return .audio(sampleRate: ctx.sample_rate, sampleFormat: ctx.sample_fmt,
                              channelLayout: channelLayoutName(&layout), timeBase: decoder.stream.pointee.time_base)
            }
            let sar = ctx.sample_aspect_ratio.num == 0 ? AVRational(num: 1, den: 1) : ctx.sample_aspect_ratio
            return .video(width: ctx.width, height: ctx.height, pixelFormat: ctx.pix_fmt,
                          timeBase: decoder.stream.pointee.time_base, sampleAspectRatio: sar)
        }
    }

    private let graph: UnsafeMutablePointer<AVFilterGraph>
    private let library: FilterLibrary
    private var sources: [UnsafeMutablePointer<AVFilterContext>] = []
    private var sinks: [UnsafeMutablePointer<AVFilterContext>] = []

    /// Builds and configures the graph. `sources` and `sinks` are (label, ...) in the order `push`/`pull` index them;
    /// a sink is video or audio by `isVideo`.
    init(sources: [(name: String, format: SourceFormat)], sinks: [(name: String, isVideo: Bool)],
         description: String, threads: Int32 = 1) throws {
        let library = try FilterLibrary.load()
        self.library = library
        guard let graph = library.graphAlloc() else {
            throw MediaError(.io, operation: "building a filter graph", reason: "out of memory")
        }
        self.graph = graph
        graph.pointee.nb_threads = threads

        var outputs: UnsafeMutablePointer<AVFilterInOut>? // the graph's open inputs, fed by our sources
        var inputs: UnsafeMutablePointer<AVFilterInOut>?  // the graph's open outputs, drained by our sinks
        defer {
            library.inoutFree(&outputs)
            library.inoutFree(&inputs)
        }
        for (name, format) in sources.reversed() {
            let filter: UnsafeMutablePointer<AVFilterContext>
            switch format {
            case let .video(width, height, pixelFormat, timeBase, sar):
                let args = "video_size=\(width)x\(height):pix_fmt=\(pixelFormat.rawValue):"
                    + "time_base=\(timeBase.num)/\(timeBase.den):pixel_aspect=\(sar.num)/\(sar.den)"
                filter = try Self.create(library, graph, "buffer", name, args)
            case let .audio(sampleRate, sampleFormat, channelLayout, timeBase):
                let formatName = av_get_sample_fmt_name(sampleFormat).map { String(cString: $0) } ?? "fltp"
                let args = "time_base=\(timeBase.num)/\(timeBase.den):sample_rate=\(sampleRate):"
                    + "sample_fmt=\(formatName):channel_layout=\(channelLayout)"
                filter = try Self.create(library, graph, "abuffer", name, args)
            }
            self.sources.insert(filter, at: 0)
            outputs = try Self.link(library, name: name, filter: filter, next: outputs)
        }
        for (name, isVideo) in sinks.reversed() {
            let filter = try Self.create(library, graph, isVideo ? "buffersink" : "abuffersink", name, nil)
            self.sinks.insert(filter, at: 0)
            inputs = try Self.link(library, name: name, filter: filter, next: inputs)
        }
        var status = library.parse(graph, description, &inputs, &outputs, nil)
        if status >= 0 { status = library.config(graph, nil) }
        if status < 0 {
            throw MediaError(.invalidArgument, operation: "building the filter graph \"\(description)\"",
                             reason: "libavfilter rejected the graph", ffmpegCode: status)
        }
    }

    deinit {
        var g: UnsafeMutablePointer<AVFilterGraph>? = graph
        library.graphFree(&g)
    }

    /// Pushes a frame into source `index` (nil: end of that input). The graph takes a new reference; `frame` is
    /// left empty and may be reused.
    func push(_ frame: Frame?, to index: Int) throws {
        let status = library.addFrame(sources[index], frame?.pointer, Int32(AV_BUFFERSRC_FLAG_KEEP_REF))
        if status < 0 {
            throw MediaError(.decodeFailed, operation: "filtering", reason: "the filter graph rejected a frame",
                             ffmpegCode: status)
        }
        frame?.unref()
    }

    /// Ends source `index` at `pts` (in the source's time base): filters that fill up to the end of their input,
    /// like `fps`, then know where it is (pushing nil ends at the last frame's start instead).
    func close(_ index: Int, at pts: Int64) throws {
        let status = library.closeSource(sources[index], pts, 0)
        if status < 0 {
            throw MediaError(.decodeFailed, operation: "filtering", reason: "the filter graph could not end an input",
                             ffmpegCode: status)
        }
    }

    /// Pulls the next frame from sink `index`.
    func pull(from index: Int, into frame: Frame) throws -> CodecStep {
        let status = library.getFrame(sinks[index], frame.pointer)
        if status == AVCode.again { return .needsInput }
        if status == AVCode.eof { return .endOfStream }
        if status < 0 {
            throw MediaError(.decodeFailed, operation: "filtering", reason: "the filter graph failed", ffmpegCode: status)
        }
        return .produced
    }

    /// The time base of frames leaving sink `index`.
    func timeBase(ofSink index: Int) -> AVRational { library.sinkTimeBase(sinks[index]) }

    /// The frame rate leaving sink `index` (0/1 when unknown).
    func frameRate(ofSink index: Int) -> AVRational { library.sinkFrameRate(sinks[index]) }

    private static func create(_ library: FilterLibrary, _ graph: UnsafeMutablePointer<AVFilterGraph>,
                               _ filterName: String, _ name: String,
                               _ args: String?) throws -> UnsafeMutablePointer<AVFilterContext> {
        var ctx: UnsafeMutablePointer<AVFilterContext>?
        let status = library.createFilter(&ctx, library.filterNamed(filterName), name, args, nil, graph)
        guard status >= 0, let ctx else {
            throw MediaError(.invalidArgument, operation: "creating the \(filterName) filter \(name)",
                             reason: "libavfilter rejected \(args ?? "it")", ffmpegCode: status)
        }
        return ctx
    }

    /// A new head of the in/out list naming `filter`'s pad `name`. Throws when out of memory: a list entry
    /// dropped or left nameless would only surface later as a confusing "no such label" from the graph parser.
    private static func link(_ library: FilterLibrary, name: String, filter: UnsafeMutablePointer<AVFilterContext>,
                             next: UnsafeMutablePointer<AVFilterInOut>?) throws -> UnsafeMutablePointer<AVFilterInOut> {
        guard let entry = library.inoutAlloc() else {
            throw MediaError(.io, operation: "building a filter graph", reason: "out of memory")
        }
        guard let copy = av_strdup(name) else {
            var doomed: UnsafeMutablePointer<AVFilterInOut>? = entry
            library.inoutFree(&doomed)
            throw MediaError(.io, operation: "building a filter graph", reason: "out of memory")
        }
        entry.pointee.name = copy
        entry.pointee.filter_ctx = filter
        entry.pointee.pad_idx = 0
        entry.pointee.next = next
        return entry
    }
}

/// FFmpeg's name of a channel layout (`stereo`, `5.1`), or `Nc` for an unordered one.
func channelLayoutName(_ layout: UnsafePointer<AVChannelLayout>) -> String {
    var buffer = [CChar](repeating: 0, count: 128)
    guard av_channel_layout_describe(layout, &buffer, buffer.count) > 0 else { return "\(layout.pointee.nb_channels)c" }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}
