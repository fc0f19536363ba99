import CFFmpeg
import Foundation

/// From a decoded frame to the pixels of an image: upright (libavfilter's transpose/hflip/vflip, as the ffmpeg CLI
/// autorotates), then scaled and converted with swscale to the size and pixel format an encoder wants.
enum FrameRenderer {
    /// `frame` turned as the display matrix says (a new frame), or `frame` itself when it is already upright.
    static func upright(_ frame: Frame, matrix: [Int32]?, timeBase: AVRational) throws -> Frame {
        let filters = Autorotation.filters(for: matrix)
        guard !filters.isEmpty else { return frame }
        let graph = try FilterGraph(sources: [("in", sourceFormat(of: frame, timeBase: timeBase))],
                                    sinks: [("out", true)],
                                    description: "[in]\(filters.joined(separator: ","))[out]")
        try graph.push(frame, to: 0)
        try graph.push(nil, to: 0)
        let turned = try Frame()
        guard try graph.pull(from: 0, into: turned) == .produced else {
            throw MediaError(.ffmpeg, operation: "turning the frame upright",
                             reason: "the filters \(filters.joined(separator: ",")) returned no frame")
        }
        return turned
    }

    /// The buffer-source parameters of frames like `frame`.
    static func sourceFormat(of frame: Frame, timeBase: AVRational) -> FilterGraph.SourceFormat {
        let f = frame.pointer.pointee
        let sar = f.sample_aspect_ratio.num > 0 && f.sample_aspect_ratio.den > 0
            ? f.sample_aspect_ratio : AVRational(num: 1, den: 1)
        return .video(width: f.width, height: f.height, pixelFormat: AVPixelFormat(f.format),
                      timeBase: timeBase, sampleAspectRatio: sar)
    }

    /// The output size for an upright frame of `width` x `height` pixels with sample aspect `sar`:
    /// the frame's own size, or `requestedWidth` wide with the height that keeps the shown aspect ratio.
    static func outputSize(width: Int32, height: Int32, sar: AVRational, requestedWidth: Int?,
                           even: Bool = false) -> (width: Int32, height: Int32) {
        guard let requestedWidth else { return (width, height) }
        let pixelAspect = sar.num > 0 && sar.den > 0 ? Double(sar.num) / Double(sar.den) : 1
        let shownWidth = Double(width) * pixelAspect
        var h = max(1, Int((Double(requestedWidth) * Double(height) / shownWidth).rounded()))
        var w = requestedWidth
        if even {
            w = max(2, w + (w & 1))
            h = max(2, h + (h & 1))
        }
        return (Int32(w), Int32(h))
    }

    /// `frame` upright, at `requestedWidth` (or its own size), in `format`'s pixel format.
    static func render(_ frame: Frame, matrix: [Int32]?, timeBase: AVRational, requestedWidth: Int?,
                       pixelFormat: AVPixelFormat) throws -> Frame {
        let turned = try upright(frame, matrix: matrix, timeBase: timeBase)
        let f = turned.pointer.pointee
        let size = outputSize(width: f.width, height: f.height, sar: f.sample_aspect_ratio,
                              requestedWidth: requestedWidth)
        let scaler = try ImageScaler(source: turned.pointer, width: size.width, height: size.height,
                                     format: pixelFormat)
        let output = try scaler.scale(turned)
        if requestedWidth != nil {
            // Resized to the shown aspect ratio: the pixels are now square.
            output.pointer.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        }
        return output
    }
}
