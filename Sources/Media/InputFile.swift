import CFFmpeg
import Foundation

/// Limits that keep opening hostile or stalled input bounded in time and memory.
public struct OpenLimits: Sendable, Hashable {
    /// Bytes FFmpeg may read to detect the format and stream parameters (FFmpeg's `probesize`).
    public var probeSize: Int64 = 5_000_000
    /// Microseconds of media FFmpeg may read to find stream parameters (`analyzeduration`).
    public var analyzeDuration: Int64 = 5_000_000
    /// Wall-clock limit for the whole open, after which it fails with `.timedOut`.
    public var timeout: Seconds = 20
    /// Largest picture (width x height) any decoder may allocate: FFmpeg's `max_pixels`. A crafted header can claim
    /// 16000x16000, which FFmpeg's own size check lets through and which costs gigabytes once frame threads each
    /// hold one; 8192 x 8192 still admits every 8K format.
    public var maxPixels: Int64 = OpenLimits.defaultMaxPixels

    /// The default `maxPixels`: 8192 x 8192.
    public static let defaultMaxPixels: Int64 = 8192 * 8192

    /// The defaults.
    public init() {}
}

/// The wall-clock deadline FFmpeg's interrupt callback checks, so a stalled read fails instead of hanging.
final class Deadline: @unchecked Sendable {
    // Written once in init; read from FFmpeg's callback on the same thread.
    var deadline: UInt64

    init(seconds: Seconds) { deadline = Deadline.now() + UInt64(max(0, seconds) * 1e9) }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    var expired: Bool { Deadline.now() > deadline }
}

/// An open input file: owns one `AVFormatContext` and closes it exactly once in `deinit`.
///
/// Not thread-safe: use one instance from one thread at a time.
final class InputFile {
    let context: UnsafeMutablePointer<AVFormatContext>
    let path: String
    private let deadline: Deadline

    /// Opens `path` and reads the stream parameters (`avformat_find_stream_info`, bounded by `limits`).
    init(path: String, limits: OpenLimits = OpenLimits(), findStreamInfo: Bool = true) throws {
        self.path = path
        let deadline = Deadline(seconds: limits.timeout)
        self.deadline = deadline

        guard var ctx = avformat_alloc_context() else {
            throw MediaError(.io, path: path, operation: "opening the file", reason: "out of memory")
        }
        ctx.pointee.interrupt_callback.callback = { opaque in
            guard let opaque else { return 0 }
            return Unmanaged<Deadline>.fromOpaque(opaque).takeUnretainedValue().expired ? 1 : 0
        }
        ctx.pointee.interrupt_callback.opaque = Unmanaged.passUnretained(deadline).toOpaque()

        var options: OpaquePointer?
        do {
            // Unset, the limits would silently be FFmpeg's own (and no limit on a hostile file's open).
            try Dictionary.set(&options, "probesize", String(limits.probeSize))
            try Dictionary.set(&options, "analyzeduration", String(limits.analyzeDuration))
        } catch {
            av_dict_free(&options)
            avformat_free_context(ctx)
            throw MediaError(.io, path: path, operation: "opening the file", reason: "out of memory")
        }
        var maybeCtx: UnsafeMutablePointer<AVFormatContext>? = ctx
        let status = avformat_open_input(&maybeCtx, path, nil, &options)
        av_dict_free(&options)
        guard status >= 0, let opened = maybeCtx else {
            // avformat_open_input frees the context it was given when it fails.
            throw InputFile.openError(path: path, code: status, timedOut: deadline.expired)
        }
        ctx = opened
        context = ctx
        if findStreamInfo { try readStreamInfo(limits: limits) }
    }

    /// `avformat_find_stream_info` (keyframes only, bounded by `limits`) on the open file: what `init` does unless
    /// told not to. Call it before any packet is read, so that FFmpeg's analysis sees the file from its start.
    func readStreamInfo(limits: OpenLimits) throws {
        let infoStatus = InputFile.findStreamInfo(context, maxPixels: limits.maxPixels)
        if infoStatus < 0 {
            if deadline.expired {
                throw MediaError(.timedOut, path: path, operation: "reading stream parameters",
                                 reason: "gave up after \(limits.timeout) s", ffmpegCode: infoStatus)
            }
            throw MediaError(.notMedia, path: path, operation: "reading stream parameters",
                             reason: "could not read the stream parameters", ffmpegCode: infoStatus)
        }
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&ctx)
    }

    /// `avformat_find_stream_info`, decoding only keyframes of video streams.
    ///
    /// Without this, FFmpeg decodes about seven H.264 frames single-threaded just to guess the decoder delay (which
    /// nothing here reports): 375 ms for one 4K phone clip. Every parameter we report (pixel format, profile, rates,
    /// timings) is found from the first keyframe and the packet timestamps, as the ffprobe-agreement tests check.
    /// `maxPixels` bounds the first picture decoded while probing: a 450 KB PNG claiming 12000x12000 costs ffprobe
    /// 470 MB. A picture over it probes as 0x0 (its size is only known by decoding it); MP4 and MOV carry their
    /// size in the container and still report it.
    static func findStreamInfo(_ ctx: UnsafeMutablePointer<AVFormatContext>, maxPixels: Int64) -> Int32 {
        let count = Int(ctx.pointee.nb_streams)
        guard count > 0 else { return avformat_find_stream_info(ctx, nil) }
        let options = UnsafeMutablePointer<OpaquePointer?>.allocate(capacity: count)
        options.initialize(repeating: nil, count: count)
        defer {
            for i in 0..<count { av_dict_free(&options[i]) }
            options.deallocate()
        }
        for i in 0..<count where ctx.pointee.streams[i]?.parameters?.pointee.codec_type == AVMEDIA_TYPE_VIDEO {
            for (key, value) in [("max_pixels", String(min(maxPixels, Int64(Int32.max)))), ("skip_frame", "nokey"),
                                 ("skip_loop_filter", "all"), ("skip_idct", "all")] {
                // A limit that failed to be set is no limit: give up rather than decode unbounded.
                let status = av_dict_set(&options[i], key, value, 0)
                if status < 0 { return status }
            }
        }
        return avformat_find_stream_info(ctx, options)
    }

    /// Extends the wall-clock limit (long decodes after a quick open).
    func extendDeadline(by seconds: Seconds) {
        deadline.deadline = Deadline.now() + UInt64(max(0, seconds) * 1e9)
    }

    /// The streams of the container.
    var streams: [UnsafeMutablePointer<AVStream>] {
        (0..<Int(context.pointee.nb_streams)).compactMap { context.pointee.streams[$0] }
    }

    /// FFmpeg's best stream of a type (what the ffmpeg CLI maps by default), or nil.
    func bestStream(_ type: AVMediaType) -> UnsafeMutablePointer<AVStream>? {
        let index = av_find_best_stream(context, type, -1, -1, nil, 0)
        guard index >= 0, index < Int32(context.pointee.nb_streams) else { return nil }
        return context.pointee.streams[Int(index)]
    }

    /// Reads the next packet into `packet`; returns false at the end of the file, throws on a read error.
    func read(into packet: Packet) throws -> Bool {
        let status = av_read_frame(context, packet.pointer)
        if status == AVCode.eof { return false }
        if status < 0 {
            throw MediaError(deadline.expired ? .timedOut : .decodeFailed, path: path,
                             operation: "reading packets", reason: "the file could not be read to the end",
                             ffmpegCode: status)
        }
        return true
    }

    private static func openError(path: String, code: Int32, timedOut: Bool) -> MediaError {
        if timedOut {
            return MediaError(.timedOut, path: path, operation: "opening the file",
                              reason: "gave up: the file took too long to open", ffmpegCode: code)
        }
        if code == AVCode.invalidData {
            return MediaError(.notMedia, path: path, operation: "opening the file",
                              reason: ContentSniffer.describe(path: path), ffmpegCode: code)
        }
        return MediaError(.ffmpeg, path: path, operation: "opening the file",
                          reason: "FFmpeg could not open it", ffmpegCode: code)
    }
}

extension UnsafeMutablePointer where Pointee == AVStream {
    /// The stream's codec parameters, nil when FFmpeg left them unset. FFmpeg allocates them with every stream, but
    /// a C pointer is checked, not trusted: `codecpar` imports as an implicitly unwrapped pointer, and reading
    /// `codecpar.pointee` would crash the process on nil.
    var parameters: UnsafeMutablePointer<AVCodecParameters>? { pointee.codecpar }

    /// The stream's codec parameters, or a `MediaError` naming `path` when there are none.
    func requireParameters(path: String?, operation: String) throws -> UnsafeMutablePointer<AVCodecParameters> {
        guard let par = pointee.codecpar else {
            throw MediaError(.ffmpeg, path: path, operation: operation,
                             reason: "stream \(pointee.index) has no codec parameters")
        }
        return par
    }
}

/// One `AVPacket`, allocated once, freed in `deinit`.
final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    init() throws {
        guard let p = av_packet_alloc() else {
            throw MediaError(.io, operation: "allocating a packet", reason: "out of memory")
        }
        pointer = p
    }

    deinit {
        var p: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&p)
    }

    /// Drops the payload so the packet can be reused.
    func unref() { av_packet_unref(pointer) }
}

/// One `AVFrame`, allocated once, freed in `deinit`.
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() throws {
        guard let f = av_frame_alloc() else {
            throw MediaError(.io, operation: "allocating a frame", reason: "out of memory")
        }
        pointer = f
    }

    deinit {
        var f: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&f)
    }

    /// Drops the buffers so the frame can be reused.
    func unref() { av_frame_unref(pointer) }
}
