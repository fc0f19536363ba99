import CFFmpeg
import Foundation
import Logging

/// An 8-bit RGB picture in memory: a frame taken from a clip, or an image file read back.
public struct VideoImage: Sendable, Hashable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// The pixels, row by row from the top, 3 bytes (red, green, blue) each, no padding: `width * height * 3` bytes.
    public var rgb: [UInt8]
    /// The frame's presentation time in seconds from the start of the clip; nil for an image file.
    public var time: Seconds?

    /// Makes an image from packed RGB rows.
    public init(width: Int, height: Int, rgb: [UInt8], time: Seconds? = nil) {
        self.width = width
        self.height = height
        self.rgb = rgb
        self.time = time
    }

    /// One pixel's colour.
    public struct Color: Sendable, Hashable, Codable {
        /// Red, 0...255.
        public var red: UInt8
        /// Green, 0...255.
        public var green: UInt8
        /// Blue, 0...255.
        public var blue: UInt8

        /// Makes a colour.
        public init(red: UInt8, green: UInt8, blue: UInt8) {
            self.red = red
            self.green = green
            self.blue = blue
        }
    }

    /// The colour at column `x`, row `y` (0-based from the top left).
    public func pixel(x: Int, y: Int) -> Color {
        let i = (y * width + x) * 3
        return Color(red: rgb[i], green: rgb[i + 1], blue: rgb[i + 2])
    }

    /// The mean of red, green and blue over a rectangle (the whole image by default), 0...255.
    public func meanLevel(x: Int = 0, y: Int = 0, width w: Int? = nil, height h: Int? = nil) -> Double {
        let w = w ?? width - x, h = h ?? height - y
        guard w > 0, h > 0 else { return 0 }
        var sum = 0
        for row in y..<(y + h) {
            let start = (row * width + x) * 3
            for i in start..<(start + w * 3) { sum += Int(rgb[i]) }
        }
        return Double(sum) / Double(w * h * 3)
    }
}

/// The frame of `path` at `position` as an upright RGB image (`width` wide keeping the aspect ratio, or the frame's
/// own size). Time semantics are those of `ffmpeg -ss T -i FILE -frames:v 1`; see `FramePosition`.
///
/// Throws `MediaError`: `.invalidArgument` for a time before 0 or past the end (saying the clip's duration),
/// `.noVideo` for a file without video, and the errors of `probe(_:)` for files that are not readable media.
public func extractFrame(from path: String, at position: FramePosition, width: Int? = nil,
                         autorotate: Bool = true, limits: OpenLimits = OpenLimits(),
                         logger: Logger? = nil) throws -> VideoImage {
    try FrameRequestCheck.width(width)
    let grabber = try FrameGrabber(path: path, limits: limits, logger: logger ?? .mediaSilent)
    return try grabber.image(at: position, width: width, autorotate: autorotate)
}

/// The last frame of `path` (what to continue the next shot of an edit from), as an upright RGB image.
public func lastFrame(of path: String, width: Int? = nil, autorotate: Bool = true,
                      limits: OpenLimits = OpenLimits(), logger: Logger? = nil) throws -> VideoImage {
    try extractFrame(from: path, at: .last, width: width, autorotate: autorotate, limits: limits, logger: logger)
}

/// `count` frames of `path` at evenly spaced times (see `evenlySpacedTimes(duration:count:)`), as upright RGB images.
public func extractFrames(from path: String, count: Int, width: Int? = nil, autorotate: Bool = true,
                          limits: OpenLimits = OpenLimits(), logger: Logger? = nil) throws -> [VideoImage] {
    try FrameRequestCheck.width(width)
    try FrameRequestCheck.count(count)
    let grabber = try FrameGrabber(path: path, limits: limits, logger: logger ?? .mediaSilent)
    let times = try grabber.evenlySpacedTimes(count: count)
    return try times.map { try grabber.image(at: .seconds($0), width: width, autorotate: autorotate) }
}

/// `count` times splitting a clip of `duration` seconds into equal parts, each the start of its part:
/// `i * duration / count` for `i` in `0..<count` (so the first is the first frame), rounded to the microsecond
/// (FFmpeg's `AV_TIME_BASE`). Empty for `count < 1`.
public func evenlySpacedTimes(duration: Seconds, count: Int) -> [Seconds] {
    guard count > 0, duration.isFinite, duration >= 0 else { return [] }
    return (0..<count).map { (Double($0) * duration / Double(count) * 1_000_000).rounded() / 1_000_000 }
}

/// Reads an image file (JPEG, PNG or any still image FFmpeg decodes) as RGB, to check what was written.
public func loadImage(_ path: String) throws -> VideoImage {
    try VideoImage(rgbFrame: decodeStillImage(path), time: nil)
}

extension VideoImage {
    /// Copies the pixels of `frame`, converting to RGB24 when needed.
    init(rgbFrame frame: Frame, time: Seconds?) throws {
        var source = frame
        if source.pointer.pointee.format != AV_PIX_FMT_RGB24.rawValue {
            let f = source.pointer.pointee
            source = try ImageScaler(source: source.pointer, width: f.width, height: f.height,
                                     format: AV_PIX_FMT_RGB24).scale(source)
        }
        let f = source.pointer.pointee
        let width = Int(f.width), height = Int(f.height), stride = Int(f.linesize.0)
        guard let base = f.data.0 else {
            throw MediaError(.ffmpeg, operation: "copying the picture", reason: "the frame has no pixels")
        }
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        rgb.withUnsafeMutableBufferPointer { out in
            guard let outBase = out.baseAddress else { return }
            for row in 0..<height {
                (outBase + row * width * 3).update(from: base + row * stride, count: width * 3)
            }
        }
        self.init(width: width, height: height, rgb: rgb, time: time)
    }
}

extension FrameGrabber {
    /// The frame at `position`, upright and `width` wide, as RGB.
    func image(at position: FramePosition, width: Int?, autorotate: Bool) throws -> VideoImage {
        let frame = try self.frame(at: position)
        let time = seconds(of: frame)
        let rendered = try FrameRenderer.render(frame, matrix: autorotate ? displayMatrix : nil, timeBase: timeBase,
                                                requestedWidth: width, pixelFormat: AV_PIX_FMT_RGB24)
        return try VideoImage(rgbFrame: rendered, time: time)
    }

    /// `evenlySpacedTimes` over this clip; throws when its duration is unknown.
    func evenlySpacedTimes(count: Int) throws -> [Seconds] {
        guard let duration, duration > 0 else {
            throw MediaError(.unsupported, path: path, operation: "spacing frames evenly",
                             reason: "the clip's duration is unknown")
        }
        return Media.evenlySpacedTimes(duration: duration, count: count)
    }
}

/// Checks of caller-supplied numbers, with messages naming the value.
enum FrameRequestCheck {
    /// The largest output width accepted (FFmpeg's encoders and memory set the practical limit).
    static let maximumWidth = 16_384

    static func width(_ width: Int?) throws {
        guard let width else { return }
        guard (1...maximumWidth).contains(width) else {
            throw MediaError(.invalidArgument, operation: "choosing the image size",
                             reason: "width \(width) is out of range: use 1 to \(maximumWidth) pixels")
        }
    }

    static func count(_ count: Int) throws {
        guard (1...1000).contains(count) else {
            throw MediaError(.invalidArgument, operation: "choosing the frames",
                             reason: "count \(count) is out of range: use 1 to 1000 frames")
        }
    }
}

extension Logger {
    /// A logger that drops everything (used when a caller passes none).
    static var mediaSilent: Logger { Logger(label: "seedance.media", factory: { _ in SwiftLogNoOpLogHandler() }) }
}
