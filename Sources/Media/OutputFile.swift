import CFFmpeg
import Foundation

/// A file being muxed (MP4 by default): owns the output `AVFormatContext` and its I/O.
///
/// Writes to a temporary name beside `path` and renames it into place only in `finish()`; if the object goes away
/// unfinished (an error), the temporary file is removed, so no half-written output is ever left at `path`.
/// Not thread-safe: one thread at a time.
final class OutputFile {
    let context: UnsafeMutablePointer<AVFormatContext>
    let path: String
    let temporaryPath: String
    private var headerWritten = false
    private var finished = false

    /// Prepares `path`; `formatName` nil guesses the container from the extension (`mp4`, `mov`, `png`).
    init(path: String, formatName: String? = nil) throws {
        self.path = path
        let ext = (path as NSString).pathExtension
        self.temporaryPath = TemporaryPath.beside(path, extension: ext)
        var ctx: UnsafeMutablePointer<AVFormatContext>?
        // The format is guessed from the final name, not the temporary one.
        let status = avformat_alloc_output_context2(&ctx, nil, formatName, path)
        guard status >= 0, let ctx else {
            throw MediaError(.invalidArgument, path: path, operation: "creating the output",
                             reason: "cannot tell the container from the name (use .mp4 or .mov)", ffmpegCode: status)
        }
        context = ctx
        // The mp4 muxer re-opens `url` to move moov to the front: it must name the file being written.
        guard let url = av_strdup(temporaryPath) else {
            throw MediaError(.io, path: path, operation: "creating the output", reason: "out of memory")
        }
        av_free(ctx.pointee.url)
        ctx.pointee.url = url
        if ctx.pointee.oformat.pointee.flags & AVFMT_NOFILE == 0 {
            let ioStatus = avio_open(&ctx.pointee.pb, temporaryPath, AVIO_FLAG_WRITE)
            if ioStatus < 0 {
                throw MediaError(.io, path: path, operation: "creating the output",
                                 reason: "cannot write here", ffmpegCode: ioStatus)
            }
        }
    }

    deinit {
        if ctx_pb_open { avio_closep(&context.pointee.pb) }
        avformat_free_context(context)
        if !finished { try? FileManager.default.removeItem(atPath: temporaryPath) }
    }

    private var ctx_pb_open: Bool { context.pointee.pb != nil }

    /// Adds a stream with the parameters of `encoder` (call before `writeHeader`).
    @discardableResult
    func addStream(encoder: MediaEncoder) throws -> UnsafeMutablePointer<AVStream> {
        let stream = try newStream()
        let par = try stream.requireParameters(path: path, operation: "adding a stream")
        let status = avcodec_parameters_from_context(par, encoder.context)
        if status < 0 {
            throw MediaError(.encodeFailed, path: path, operation: "adding a stream", reason: "bad codec parameters",
                             ffmpegCode: status)
        }
        stream.pointee.time_base = encoder.context.pointee.time_base
        return stream
    }

    /// Adds a stream that copies `parameters` (stream copy).
    @discardableResult
    func addStream(copying parameters: UnsafePointer<AVCodecParameters>) throws -> UnsafeMutablePointer<AVStream> {
        let stream = try newStream()
        let par = try stream.requireParameters(path: path, operation: "adding a stream")
        let status = avcodec_parameters_copy(par, parameters)
        if status < 0 {
            throw MediaError(.encodeFailed, path: path, operation: "adding a stream", reason: "bad codec parameters",
                             ffmpegCode: status)
        }
        // Let the muxer pick the tag for its container.
        par.pointee.codec_tag = 0
        return stream
    }

    private func newStream() throws -> UnsafeMutablePointer<AVStream> {
        guard let stream = avformat_new_stream(context, nil) else {
            throw MediaError(.io, path: path, operation: "adding a stream", reason: "out of memory")
        }
        if context.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 {
            // Encoders must be told before opening; callers set AV_CODEC_FLAG_GLOBAL_HEADER via `needsGlobalHeader`.
        }
        return stream
    }

    /// Whether encoders feeding this container must put headers in extradata (`AV_CODEC_FLAG_GLOBAL_HEADER`).
    var needsGlobalHeader: Bool { context.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 }

    /// Writes the header; `faststart` moves the moov box to the front when the file is finished.
    /// After this the muxer has chosen each stream's time base: rescale packets to `stream.time_base`.
    func writeHeader(faststart: Bool = true, options: [String: String] = [:]) throws {
        var all = options
        if faststart { all["movflags"] = (all["movflags"].map { $0 + "+" } ?? "+") + "faststart" }
        let dictionary = try Dictionary(all)
        let status = avformat_write_header(context, &dictionary.pointer)
        if status < 0 {
            throw MediaError(.encodeFailed, path: path, operation: "writing the header",
                             reason: "the muxer refused the streams", ffmpegCode: status)
        }
        headerWritten = true
        // What the muxer did not take comes back: a misspelt option must not be dropped in silence.
        if let unused = dictionary.firstKey {
            throw MediaError(.invalidArgument, path: path, operation: "writing the header",
                             reason: "the muxer has no option \"\(unused)\"")
        }
    }

    /// Writes one packet (its `stream_index` and timestamps in the output stream's time base), interleaving.
    func write(_ packet: Packet) throws {
        let status = av_interleaved_write_frame(context, packet.pointer)
        if status < 0 {
            throw MediaError(.encodeFailed, path: path, operation: "writing a packet",
                             reason: "the muxer rejected a packet", ffmpegCode: status)
        }
    }

    /// Writes the trailer, closes the file and renames it into place at `path`.
    func finish() throws {
        guard headerWritten else {
            throw MediaError(.encodeFailed, path: path, operation: "finishing", reason: "no header was written")
        }
        let status = av_write_trailer(context)
        if status < 0 {
            throw MediaError(.encodeFailed, path: path, operation: "writing the trailer",
                             reason: "the muxer could not finish the file", ffmpegCode: status)
        }
        // Closing flushes the last buffer: a failure here (a full disk) means the file on disk is incomplete, so it
        // must not be renamed into place.
        if context.pointee.oformat.pointee.flags & AVFMT_NOFILE == 0 {
            let closeStatus = avio_closep(&context.pointee.pb)
            if closeStatus < 0 {
                throw MediaError(.io, path: path, operation: "closing the file",
                                 reason: "the last bytes could not be written: \(ffmpegErrorString(closeStatus))",
                                 ffmpegCode: closeStatus)
            }
        }
        try TemporaryPath.commit(temporaryPath, to: path)
        finished = true
    }
}

/// Temporary names beside a final path, and the atomic rename into place. Every writer of the project names its
/// temporary files this way (`.NAME.XXXXXXXX.part[.EXT]`), so a sweep after a kill can find them.
public enum TemporaryPath {
    /// A unique hidden name in the same directory (so the rename stays on one file system).
    public static func beside(_ path: String, extension ext: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.deletingPathExtension().lastPathComponent).\(UUID().uuidString.prefix(8)).part"
        return url.deletingLastPathComponent().appendingPathComponent(ext.isEmpty ? name : "\(name).\(ext)").path
    }

    /// Renames `temporary` to `path`, replacing what is there.
    static func commit(_ temporary: String, to path: String) throws {
        if rename(temporary, path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(atPath: temporary)
            throw MediaError(.io, path: path, operation: "moving the finished file into place",
                             reason: String(cString: strerror(code)), ffmpegCode: cff_averror(code))
        }
    }
}
