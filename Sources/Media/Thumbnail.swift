import CFFmpeg
import Dispatch
import Foundation
import Logging

/// How a thumbnail is written.
public struct ThumbnailOptions: Sendable, Hashable {
    /// Output width in pixels; the height keeps the shown aspect ratio. Nil keeps the frame's own (upright) size.
    public var width: Int?
    /// JPEG quality (ignored for PNG).
    public var quality: JPEGQuality = .standard
    /// Turn phone video upright from its display matrix, as the ffmpeg CLI does by default.
    public var autorotate = true
    /// Limits for opening the input.
    public var limits = OpenLimits()

    /// Options with a width (nil: the frame's own size).
    public init(width: Int? = nil, quality: JPEGQuality = .standard, autorotate: Bool = true) {
        self.width = width
        self.quality = quality
        self.autorotate = autorotate
    }
}

/// What `writeThumbnail` wrote.
public struct ThumbnailResult: Sendable, Hashable, Codable {
    /// The input clip.
    public var file: String
    /// The image written.
    public var output: String
    /// `jpeg` or `png`.
    public var format: ImageFormat
    /// The time asked for in seconds; nil for the last frame.
    public var requestedTime: Seconds?
    /// The presentation time of the frame written, in seconds from the start of the clip (nil when unknown).
    public var time: Seconds?
    /// Whether this is the clip's last frame (asked for with `.last`).
    public var isLastFrame: Bool
    /// Image width in pixels.
    public var width: Int
    /// Image height in pixels.
    public var height: Int
    /// Size of the image file in bytes.
    public var sizeBytes: Int
    /// The clip's duration in seconds, nil when unknown.
    public var clipDuration: Seconds?

    enum CodingKeys: String, CodingKey {
        case file, output, format, time, width, height
        case requestedTime = "requested_time", isLastFrame = "last_frame", sizeBytes = "size_bytes"
        case clipDuration = "clip_duration"
    }

    /// Encodes with explicit nulls for absent values, like probe's JSON.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(output, forKey: .output)
        try c.encode(format, forKey: .format)
        try c.encode(requestedTime, forKey: .requestedTime)
        try c.encode(time, forKey: .time)
        try c.encode(isLastFrame, forKey: .isLastFrame)
        try c.encode(width, forKey: .width)
        try c.encode(height, forKey: .height)
        try c.encode(sizeBytes, forKey: .sizeBytes)
        try c.encode(clipDuration, forKey: .clipDuration)
    }
}

/// Writes the frame of `file` at `position` to `output` as JPEG or PNG (by the extension of `output`).
///
/// The frame is the one `ffmpeg -ss T -i FILE -frames:v 1 OUT` writes (accurate seek), upright for phone video.
/// The image is written under a temporary name and renamed into place: on any failure nothing is left at
/// `output`. Throws `MediaError`: `.invalidArgument` for an unknown extension, a bad width or a time before 0 or
/// past the end (the message says the clip's duration); `.io` for an unwritable output; `.noVideo` for a file with
/// no video; the errors of `probe(_:)` for files that are not readable media; `.decodeFailed` for broken video data.
@discardableResult
public func writeThumbnail(of file: String, at position: FramePosition, to output: String,
                           options: ThumbnailOptions = ThumbnailOptions(),
                           logger: Logger? = nil) throws -> ThumbnailResult {
    let format = try ImageFormat(outputPath: output)
    try FrameRequestCheck.width(options.width)
    if case .seconds(let t) = position, !(t >= 0) {
        // Before opening anything: a negative time is wrong whatever the clip.
        throw MediaError(.invalidArgument, path: file, operation: "choosing a frame",
                         reason: "time \(FrameGrabber.format(t)) is negative: times count from 0 at the start of the clip")
    }
    let writer = try AtomicFileWriter(path: output)
    let grabber = try FrameGrabber(path: file, limits: options.limits, logger: logger ?? .mediaSilent)
    let frame = try grabber.frame(at: position)
    let time = grabber.seconds(of: frame)
    let image = try FrameRenderer.render(frame, matrix: options.autorotate ? grabber.displayMatrix : nil,
                                         timeBase: grabber.timeBase, requestedWidth: options.width,
                                         pixelFormat: format.pixelFormat)
    let bytes = try ImageEncoder.encode(image, as: format, quality: options.quality)
    try writer.write(bytes)
    try writer.commit()
    var requested: Seconds?
    if case .seconds(let t) = position { requested = t }
    return ThumbnailResult(file: file, output: output, format: format, requestedTime: requested, time: time,
                           isLastFrame: position == .last, width: Int(image.pointer.pointee.width),
                           height: Int(image.pointer.pointee.height), sizeBytes: bytes.count,
                           clipDuration: grabber.duration)
}

/// `writeThumbnail` off Swift's cooperative pool (FFmpeg's reads and decoding block).
@discardableResult
public func writeThumbnail(of file: String, at position: FramePosition, to output: String,
                           options: ThumbnailOptions = ThumbnailOptions(),
                           logger: Logger? = nil) async throws -> ThumbnailResult {
    try await runOffThePool {
        try writeThumbnail(of: file, at: position, to: output, options: options, logger: logger)
    }
}

