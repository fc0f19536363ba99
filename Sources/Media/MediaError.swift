import CFFmpeg

/// An error from `Media`: what went wrong, with which file, while doing what, and FFmpeg's own code and text
/// when FFmpeg reported it.
///
/// `description` is one readable line meant for a person (the CLI prints it as is).
public struct MediaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; compare with the static values (`error.kind == .notFound`).
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Code: String, Hashable, Sendable {
            case notFound, isDirectory, emptyFile, notMedia, truncated, noStreams, noVideo, noAudio
            case invalidArgument, unsupported, decodeFailed, encodeFailed, io, timedOut, ffmpeg
        }
        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// The path does not exist.
        public static let notFound = Kind(.notFound)
        /// The path is a directory, not a file.
        public static let isDirectory = Kind(.isDirectory)
        /// The file has no bytes.
        public static let emptyFile = Kind(.emptyFile)
        /// The bytes are not a media file FFmpeg can read (an HTML error page, JSON, random data).
        public static let notMedia = Kind(.notMedia)
        /// The file is an incomplete download: boxes or sample data run past its end.
        public static let truncated = Kind(.truncated)
        /// The container holds no audio or video stream.
        public static let noStreams = Kind(.noStreams)
        /// A video stream was needed and the file has none.
        public static let noVideo = Kind(.noVideo)
        /// An audio stream was needed and the file has none.
        public static let noAudio = Kind(.noAudio)
        /// A caller-supplied value is out of range (a time past the end, an unknown extension).
        public static let invalidArgument = Kind(.invalidArgument)
        /// The input is valid but this operation cannot handle it.
        public static let unsupported = Kind(.unsupported)
        /// Decoding failed part-way.
        public static let decodeFailed = Kind(.decodeFailed)
        /// Encoding or muxing failed.
        public static let encodeFailed = Kind(.encodeFailed)
        /// Reading or writing the file system failed.
        public static let io = Kind(.io)
        /// The operation ran past its time limit (hostile or stalled input).
        public static let timedOut = Kind(.timedOut)
        /// Any other FFmpeg failure; `ffmpegCode` and `ffmpegMessage` say which.
        public static let ffmpeg = Kind(.ffmpeg)

        public var description: String { code.rawValue }
    }

    /// The kind of failure.
    public var kind: Kind
    /// The file concerned, if any.
    public var path: String?
    /// What was being attempted, in a few words ("opening the file", "decoding video").
    public var operation: String
    /// A plain explanation of the problem.
    public var reason: String
    /// FFmpeg's error code (a negative AVERROR), when FFmpeg reported the failure.
    public var ffmpegCode: Int32?
    /// FFmpeg's text for `ffmpegCode`.
    public var ffmpegMessage: String?

    /// Makes an error; `ffmpegCode` fills `ffmpegMessage` from `av_strerror`.
    public init(_ kind: Kind, path: String? = nil, operation: String, reason: String, ffmpegCode: Int32? = nil) {
        self.kind = kind
        self.path = path
        self.operation = operation
        self.reason = reason
        self.ffmpegCode = ffmpegCode
        self.ffmpegMessage = ffmpegCode.map(ffmpegErrorString)
    }

    /// `path: reason (while operation; FFmpeg: message)`, on one line.
    public var description: String {
        var line = ""
        if let path { line += "\(path): " }
        line += reason
        var detail: [String] = []
        if !operation.isEmpty { detail.append("while \(operation)") }
        if let ffmpegMessage, !reason.contains(ffmpegMessage) { detail.append("FFmpeg: \(ffmpegMessage)") }
        if !detail.isEmpty { line += " (" + detail.joined(separator: "; ") + ")" }
        return line
    }
}

/// FFmpeg's text for an AVERROR code.
func ffmpegErrorString(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    return buffer.withUnsafeMutableBufferPointer { buf in
        String(cString: cff_err2str(code, buf.baseAddress, buf.count))
    }
}

/// FFmpeg's error codes that loops treat as values rather than failures.
enum AVCode {
    static let eof = cff_averror_eof()
    static let again = cff_averror_eagain()
    static let invalidData = cff_averror_invaliddata()
    static let exit = cff_averror(ETIMEDOUT)
}
