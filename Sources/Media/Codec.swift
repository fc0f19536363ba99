import CFFmpeg

/// What a send or receive on a codec or filter said, as a value: the hot loops branch on it rather than catch.
enum CodecStep: Equatable {
    /// A frame (or packet) was produced.
    case produced
    /// Nothing now: feed more input first.
    case needsInput
    /// Fully drained; nothing more will come.
    case endOfStream
}

/// A decoder for one stream: owns its `AVCodecContext` and frees it in `deinit`.
///
/// Not thread-safe: one thread at a time.
final class MediaDecoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    /// The stream it decodes. It lives inside `input`'s `AVFormatContext`, which the decoder keeps alive.
    let stream: UnsafeMutablePointer<AVStream>
    /// The open file owning `stream`: held so the stream (and its codec parameters, which the decoder reads for its
    /// whole life through `pkt_timebase` and side data) cannot be freed under it.
    let input: InputFile
    let path: String

    /// Opens a decoder for `stream` of `input`; `threads` 0 lets FFmpeg choose (frame and slice threads). A picture
    /// larger than `maxPixels` is refused before anything is allocated for it (and FFmpeg refuses one that only
    /// shows its size while decoding). Throws when `stream` is not one of `input`'s streams or has no codec
    /// parameters.
    init(input: InputFile, stream: UnsafeMutablePointer<AVStream>, threads: Int = 0,
         maxPixels: Int64 = OpenLimits.defaultMaxPixels) throws {
        let path = input.path
        guard input.streams.contains(stream) else {
            throw MediaError(.invalidArgument, path: path, operation: "opening a decoder",
                             reason: "the stream does not belong to this file")
        }
        self.input = input
        self.stream = stream
        self.path = path
        let par = try stream.requireParameters(path: path, operation: "opening a decoder")
        let codecName = String(cString: avcodec_get_name(par.pointee.codec_id))
        let width = Int64(par.pointee.width), height = Int64(par.pointee.height)
        if width * height > maxPixels {
            throw MediaError(.unsupported, path: path, operation: "opening the \(codecName) decoder",
                             reason: "the picture is \(width)x\(height), larger than the limit of \(maxPixels) pixels "
                                 + "(a damaged or crafted file?)")
        }
        guard let codec = avcodec_find_decoder(par.pointee.codec_id) else {
            throw MediaError(.unsupported, path: path, operation: "opening a decoder",
                             reason: "no decoder for codec \(codecName) in this FFmpeg")
        }
        guard let ctx = avcodec_alloc_context3(codec) else {
            throw MediaError(.io, path: path, operation: "opening a decoder", reason: "out of memory")
        }
        context = ctx
        // From here on deinit frees ctx if a later step throws.
        var status = avcodec_parameters_to_context(ctx, par)
        if status >= 0 {
            ctx.pointee.pkt_timebase = stream.pointee.time_base
            ctx.pointee.thread_count = Int32(threads)
            ctx.pointee.max_pixels = min(maxPixels, Int64(Int32.max))
            status = avcodec_open2(ctx, codec, nil)
        }
        if status < 0 {
            throw MediaError(.decodeFailed, path: path, operation: "opening the \(codecName) decoder",
                             reason: "the decoder could not be opened", ffmpegCode: status)
        }
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&ctx)
    }

    /// Sends a packet (nil starts draining). Returns `.needsInput` never; `.produced` when accepted and
    /// `.endOfStream` when the decoder was already drained. EAGAIN (receive first) comes back as `.needsInput`
    /// meaning "call receive, then send this packet again".
    func send(_ packet: Packet?) throws -> CodecStep {
        let status = avcodec_send_packet(context, packet?.pointer)
        if status == AVCode.again { return .needsInput }
        if status == AVCode.eof { return .endOfStream }
        if status < 0 {
            // Corrupt packets are reported and skipped by callers that tolerate them.
            throw MediaError(.decodeFailed, path: path, operation: "decoding", reason: "the decoder rejected a packet",
                             ffmpegCode: status)
        }
        return .produced
    }

    /// Receives the next decoded frame into `frame`.
    func receive(into frame: Frame) throws -> CodecStep {
        let status = avcodec_receive_frame(context, frame.pointer)
        if status == AVCode.again { return .needsInput }
        if status == AVCode.eof { return .endOfStream }
        if status < 0 {
            throw MediaError(.decodeFailed, path: path, operation: "decoding", reason: "the decoder failed",
                             ffmpegCode: status)
        }
        return .produced
    }

    /// Drops buffered frames and state (after a seek).
    func flush() { avcodec_flush_buffers(context) }
}

/// An encoder: owns its `AVCodecContext` and frees it in `deinit`.
///
/// Not thread-safe: one thread at a time.
final class MediaEncoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    let codecName: String

    /// Allocates the encoder named `codecName` (`libx264`, `aac`, `mjpeg`, `png`), lets `configure` set its fields
    /// (size, pixel format, time base, ...), then opens it with the private `options` (`preset`, `crf`, ...).
    init(codecName: String, options: [String: String] = [:],
         configure: (UnsafeMutablePointer<AVCodecContext>) -> Void) throws {
        self.codecName = codecName
        guard let codec = avcodec_find_encoder_by_name(codecName) else {
            throw MediaError(.unsupported, operation: "opening an encoder",
                             reason: "this FFmpeg has no \(codecName) encoder")
        }
        guard let ctx = avcodec_alloc_context3(codec) else {
            throw MediaError(.io, operation: "opening an encoder", reason: "out of memory")
        }
        context = ctx
        configure(ctx)
        let dictionary = try Dictionary(options)
        let status = avcodec_open2(ctx, codec, &dictionary.pointer)
        if status < 0 {
            throw MediaError(.encodeFailed, operation: "opening the \(codecName) encoder",
                             reason: "the encoder rejected its settings", ffmpegCode: status)
        }
        // avcodec_open2 hands back the options no one took: a misspelt name would otherwise be dropped in silence
        // and the clip made with the encoder's defaults.
        if let unused = dictionary.firstKey {
            throw MediaError(.invalidArgument, operation: "opening the \(codecName) encoder",
                             reason: "the encoder has no option \"\(unused)\"")
        }
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&ctx)
    }

    /// Sends a frame (nil starts draining); `.needsInput` here means "receive packets first, then resend".
    func send(_ frame: Frame?) throws -> CodecStep {
        let status = avcodec_send_frame(context, frame?.pointer)
        if status == AVCode.again { return .needsInput }
        if status == AVCode.eof { return .endOfStream }
        if status < 0 {
            throw MediaError(.encodeFailed, operation: "encoding with \(codecName)", reason: "the encoder failed",
                             ffmpegCode: status)
        }
        return .produced
    }

    /// Receives the next encoded packet.
    func receive(into packet: Packet) throws -> CodecStep {
        let status = avcodec_receive_packet(context, packet.pointer)
        if status == AVCode.again { return .needsInput }
        if status == AVCode.eof { return .endOfStream }
        if status < 0 {
            throw MediaError(.encodeFailed, operation: "encoding with \(codecName)", reason: "the encoder failed",
                             ffmpegCode: status)
        }
        return .produced
    }
}

/// An `AVDictionary` of options, owned and freed in `deinit`.
final class Dictionary {
    var pointer: OpaquePointer?

    /// Throws when FFmpeg could not store a value (out of memory): a missing entry would silently change what is
    /// made.
    init(_ values: [String: String]) throws {
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            try Dictionary.set(&pointer, key, value)
        }
    }

    deinit { av_dict_free(&pointer) }

    /// The first key still in the dictionary, nil when it is empty. After `avcodec_open2` or
    /// `avformat_write_header` these are the options nothing consumed.
    var firstKey: String? {
        guard let entry = av_dict_get(pointer, "", nil, AV_DICT_IGNORE_SUFFIX), let key = entry.pointee.key else {
            return nil
        }
        return String(cString: key)
    }

    /// `av_dict_set`, throwing on failure.
    static func set(_ dictionary: inout OpaquePointer?, _ key: String, _ value: String) throws {
        let status = av_dict_set(&dictionary, key, value, 0)
        if status < 0 {
            throw MediaError(.io, operation: "setting the option \(key)", reason: "out of memory", ffmpegCode: status)
        }
    }
}

extension Frame {
    /// Makes this frame a new reference to `source`'s picture or samples, dropping what it held. Throws when FFmpeg
    /// cannot (out of memory, or a source without data to copy): ignored, the frame would be left empty and a blank
    /// or stale picture encoded in its place.
    func reference(_ source: Frame, path: String?, operation: String) throws {
        unref()
        let status = av_frame_ref(pointer, source.pointer)
        if status < 0 {
            throw MediaError(.ffmpeg, path: path, operation: operation, reason: "the frame could not be referenced",
                             ffmpegCode: status)
        }
    }
}
