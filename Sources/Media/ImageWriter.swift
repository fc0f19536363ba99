import CFFmpeg
import Foundation

/// A still-image format written with libavcodec's own encoders, chosen by the output file's extension.
public enum ImageFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// JPEG (`.jpg`, `.jpeg`): the mjpeg encoder, full-range 4:2:0 YUV. Small; the usual poster format.
    case jpeg
    /// PNG (`.png`): the png encoder, 8-bit RGB. Lossless; larger.
    case png

    /// The format for an output path by its extension (case-insensitive); throws `.invalidArgument` for any other.
    public init(outputPath: String) throws {
        let ext = (outputPath as NSString).pathExtension.lowercased()
        switch ext {
        case "jpg", "jpeg": self = .jpeg
        case "png": self = .png
        default:
            let problem = ext.isEmpty ? "the name has no extension" : "unknown image extension .\(ext)"
            throw MediaError(.invalidArgument, path: outputPath, operation: "choosing the image format",
                             reason: "\(problem): name the output .jpg, .jpeg or .png")
        }
    }

    /// The libavcodec encoder.
    var encoderName: String { self == .jpeg ? "mjpeg" : "png" }

    /// The pixel format the encoder is fed: JPEG wants full-range YUV, PNG RGB.
    var pixelFormat: AVPixelFormat { self == .jpeg ? AV_PIX_FMT_YUVJ420P : AV_PIX_FMT_RGB24 }
}

/// JPEG quality as a percentage (1 worst ... 100 best), mapped onto the mjpeg encoder's fixed quantiser
/// (ffmpeg's `-q:v`, 31 worst ... 2 best).
public struct JPEGQuality: Sendable, Hashable, Codable {
    /// The percentage, 1...100.
    public var percent: Int

    /// The default, 90: visually lossless for posters at a modest size (ffmpeg's `-q:v 5`).
    public static let standard = JPEGQuality(percent: 90)

    /// Makes a quality; values outside 1...100 are clamped.
    public init(percent: Int) { self.percent = min(100, max(1, percent)) }

    /// The mjpeg quantiser (ffmpeg's `-q:v`): 100% is 2, 1% is 31.
    public var quantizer: Int { 2 + Int((Double(100 - percent) * 29 / 99).rounded()) }
}

/// A swscale context converting frames of one size and format to another: owns the `SwsContext`.
///
/// Ranges are explicit: a limited-range (TV) source is expanded to the full range that JPEG and RGB use, as the
/// ffmpeg CLI's scale filter does. Not thread-safe.
final class ImageScaler {
    private let context: OpaquePointer
    let width: Int32
    let height: Int32
    let format: AVPixelFormat

    /// A scaler from frames like `source` to `width` x `height` in `format` (bicubic, the CLI's default).
    init(source: UnsafePointer<AVFrame>, width: Int32, height: Int32, format: AVPixelFormat) throws {
        let sourceFormat = AVPixelFormat(source.pointee.format)
        guard let ctx = sws_getContext(source.pointee.width, source.pointee.height, sourceFormat,
                                       width, height, format, SWS_BICUBIC, nil, nil, nil) else {
            let name = av_get_pix_fmt_name(sourceFormat).map { String(cString: $0) } ?? "unknown"
            throw MediaError(.unsupported, operation: "converting the frame",
                             reason: "swscale cannot convert \(name) \(source.pointee.width)x\(source.pointee.height) "
                                 + "to \(width)x\(height)")
        }
        context = ctx
        self.width = width
        self.height = height
        self.format = format
        // swscale knows the deprecated J formats are full range; a frame's color_range says it for the others.
        let sourceFull = source.pointee.color_range == AVCOL_RANGE_JPEG || Self.isJPEGFormat(sourceFormat)
        let space = source.pointee.colorspace
        let sourceMatrix = sws_getCoefficients(
            space == AVCOL_SPC_UNSPECIFIED || space == AVCOL_SPC_RGB ? SWS_CS_DEFAULT : Int32(space.rawValue))
        let destinationMatrix = sws_getCoefficients(SWS_CS_DEFAULT)
        sws_setColorspaceDetails(ctx, sourceMatrix, sourceFull ? 1 : 0, destinationMatrix, 1,
                                 0, 1 << 16, 1 << 16)
    }

    deinit { sws_freeContext(context) }

    /// Converts `frame` into a new frame of this scaler's size and format.
    func scale(_ frame: Frame) throws -> Frame {
        let output = try Frame()
        let out = output.pointer
        out.pointee.width = width
        out.pointee.height = height
        out.pointee.format = format.rawValue
        var status = av_frame_get_buffer(out, 0)
        if status >= 0 {
            status = withUnsafePointer(to: &frame.pointer.pointee.data) { srcData in
                withUnsafePointer(to: &frame.pointer.pointee.linesize) { srcLines in
                    withUnsafePointer(to: &out.pointee.data) { dstData in
                        withUnsafePointer(to: &out.pointee.linesize) { dstLines in
                            srcData.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { src in
                                srcLines.withMemoryRebound(to: Int32.self, capacity: 8) { srcStride in
                                    dstData.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { dst in
                                        dstLines.withMemoryRebound(to: Int32.self, capacity: 8) { dstStride in
                                            sws_scale(context, src, srcStride, 0, frame.pointer.pointee.height,
                                                      dst, dstStride)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if status < 0 {
            throw MediaError(.ffmpeg, operation: "converting the frame", reason: "swscale failed", ffmpegCode: status)
        }
        out.pointee.color_range = AVCOL_RANGE_JPEG
        out.pointee.sample_aspect_ratio = frame.pointer.pointee.sample_aspect_ratio
        out.pointee.pts = frame.pointer.pointee.pts
        return output
    }

    private static func isJPEGFormat(_ format: AVPixelFormat) -> Bool {
        [AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_YUVJ440P, AV_PIX_FMT_YUVJ411P]
            .contains(format)
    }
}

/// Encodes one frame (already in the format's pixel format) into the bytes of a JPEG or PNG file.
enum ImageEncoder {
    static func encode(_ frame: Frame, as format: ImageFormat, quality: JPEGQuality) throws -> Data {
        let f = frame.pointer
        let lambda = Int32(quality.quantizer) * FF_QP2LAMBDA
        let encoder = try MediaEncoder(codecName: format.encoderName) { ctx in
            ctx.pointee.width = f.pointee.width
            ctx.pointee.height = f.pointee.height
            ctx.pointee.pix_fmt = format.pixelFormat
            ctx.pointee.time_base = AVRational(num: 1, den: 25)
            let sar = f.pointee.sample_aspect_ratio
            ctx.pointee.sample_aspect_ratio = sar.num > 0 && sar.den > 0 ? sar : AVRational(num: 1, den: 1)
            if format == .jpeg {
                ctx.pointee.color_range = AVCOL_RANGE_JPEG
                // A fixed quantiser, as `-q:v` sets it: the same quality whatever the picture.
                ctx.pointee.flags |= AV_CODEC_FLAG_QSCALE
                ctx.pointee.global_quality = lambda
            }
        }
        f.pointee.pts = 0
        f.pointee.quality = format == .jpeg ? lambda : 0
        f.pointee.pict_type = AV_PICTURE_TYPE_NONE
        _ = try encoder.send(frame)
        _ = try encoder.send(nil)
        let packet = try Packet()
        var bytes = Data()
        while try encoder.receive(into: packet) == .produced {
            if let data = packet.pointer.pointee.data {
                bytes.append(data, count: Int(packet.pointer.pointee.size))
            }
            packet.unref()
        }
        guard !bytes.isEmpty else {
            throw MediaError(.encodeFailed, operation: "encoding the \(format.rawValue.uppercased()) image",
                             reason: "the \(format.encoderName) encoder produced nothing")
        }
        return bytes
    }
}

/// A file written under a temporary name beside its final path and renamed into place by `commit()`.
///
/// Created at once, so an unwritable destination fails before any decoding work; if the object goes away
/// uncommitted (an error), the temporary file is removed and nothing is left at the destination.
final class AtomicFileWriter {
    let path: String
    let temporaryPath: String
    private var descriptor: Int32
    private var committed = false

    init(path: String) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw MediaError(.io, path: path, operation: "creating the output", reason: "is a directory; name a file")
        }
        temporaryPath = TemporaryPath.beside(path, extension: (path as NSString).pathExtension)
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if descriptor < 0 {
            let code = errno
            let folder = (path as NSString).deletingLastPathComponent
            let shownFolder = folder.isEmpty ? "." : folder
            let reason: String
            switch code {
            case ENOENT: reason = "cannot write here: the folder \(shownFolder) does not exist"
            case ENOTDIR: reason = "cannot write here: \(shownFolder) is not a folder"
            case EACCES, EPERM: reason = "cannot write here: permission denied in \(shownFolder)"
            case EROFS: reason = "cannot write here: \(shownFolder) is on a read-only file system"
            default: reason = "cannot write here: \(String(cString: strerror(code)))"
            }
            throw MediaError(.io, path: path, operation: "creating the output", reason: reason)
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        if !committed { unlink(temporaryPath) }
    }

    /// Appends `data`.
    func write(_ data: Data) throws {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard var base = buffer.baseAddress else { return }
            var left = buffer.count
            while left > 0 {
                let written = Foundation.write(descriptor, base, left)
                if written < 0 {
                    if errno == EINTR { continue }
                    let code = errno
                    // The errno travels as AVERROR(code), like FFmpeg's own writers report it.
                    throw MediaError(.io, path: path, operation: "writing the image",
                                     reason: "write failed: \(String(cString: strerror(code)))", ffmpegCode: cff_averror(code))
                }
                left -= written
                base += written
            }
        }
    }

    /// Closes the file and renames it to `path`, replacing what is there.
    func commit() throws {
        let status = close(descriptor)
        descriptor = -1
        if status != 0 {
            let code = errno
            throw MediaError(.io, path: path, operation: "writing the image",
                             reason: "closing failed: \(String(cString: strerror(code)))", ffmpegCode: cff_averror(code))
        }
        try TemporaryPath.commit(temporaryPath, to: path)
        committed = true
    }
}
