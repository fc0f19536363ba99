import CFFmpeg
import Foundation

/// An image file a synthetic clip is made from, named by its path and told apart by a digest of its bytes (the
/// digest, not the path, goes into cache keys: the same picture under another name renders the same clip).
public struct StillImage: Sendable, Hashable, Codable {
    /// Where the image file is (JPEG, PNG, WebP or any still image FFmpeg decodes).
    public var path: String
    /// A digest of the file's bytes (any stable text: the simulator uses a hex hash).
    public var digest: String

    /// Names an image.
    public init(path: String, digest: String) {
        self.path = path
        self.digest = digest
    }
}

/// The first picture of an image file, decoded in its own pixel format (module-internal: the renderer feeds it to
/// a filter graph).
func decodeStillImage(_ path: String) throws -> Frame {
    try MediaFileCheck.requireReadableFile(path)
    let input = try InputFile(path: path)
    guard let stream = input.bestStream(AVMEDIA_TYPE_VIDEO) else {
        throw MediaError(.noVideo, path: path, operation: "reading the image", reason: "it holds no picture")
    }
    let decoder = try MediaDecoder(input: input, stream: stream, threads: 1)
    let packet = try Packet(), frame = try Frame()
    var got = false
    while !got, try input.read(into: packet) {
        if packet.pointer.pointee.stream_index == stream.pointee.index {
            _ = try decoder.send(packet)
            got = try decoder.receive(into: frame) == .produced
        }
        packet.unref()
    }
    if !got {
        _ = try decoder.send(nil)
        got = try decoder.receive(into: frame) == .produced
    }
    guard got else {
        throw MediaError(.decodeFailed, path: path, operation: "reading the image", reason: "no picture could be decoded")
    }
    return frame
}

/// The filter chain that turns a picture into `width` x `height` the way the Seedance service fits an input image
/// to its output: scaled to cover the whole frame, keeping its aspect ratio, then cropped in the centre.
func coverCropFilter(width: Int, height: Int) -> String {
    "scale=w=\(width):h=\(height):force_original_aspect_ratio=increase:flags=bicubic,"
        + "crop=\(width):\(height),setsar=1"
}

/// The image at `path` fitted to `width` x `height` as the service fits an input image (cover, centre crop), as
/// RGB: what a clip made from that image should start with.
public func coverFittedImage(_ path: String, width: Int, height: Int) throws -> VideoImage {
    guard width > 0, height > 0, width <= FrameRequestCheck.maximumWidth, height <= FrameRequestCheck.maximumWidth
    else {
        throw MediaError(.invalidArgument, path: path, operation: "fitting the image",
                         reason: "the size \(width)x\(height) is out of range")
    }
    let frame = try decodeStillImage(path)
    let graph = try FilterGraph(
        sources: [("in", FrameRenderer.sourceFormat(of: frame, timeBase: AVRational(num: 1, den: 1)))],
        sinks: [("out", true)],
        description: "[in]\(coverCropFilter(width: width, height: height)),format=rgb24[out]")
    frame.pointer.pointee.pts = 0
    try graph.push(frame, to: 0)
    try graph.push(nil, to: 0)
    let fitted = try Frame()
    guard try graph.pull(from: 0, into: fitted) == .produced else {
        throw MediaError(.ffmpeg, path: path, operation: "fitting the image", reason: "the filters returned no picture")
    }
    return try VideoImage(rgbFrame: fitted, time: nil)
}

/// The mean colour of the image at `path` (averaged over a 64x64 area-scaled copy, which weighs every source
/// pixel alike).
public func meanColour(ofImage path: String) throws -> VideoImage.Color {
    let small = try coverFittedImage(path, width: 64, height: 64)
    var sums = [0, 0, 0]
    for (index, value) in small.rgb.enumerated() { sums[index % 3] += Int(value) }
    let count = max(1, small.width * small.height)
    func channel(_ i: Int) -> UInt8 { UInt8(min(255, (Double(sums[i]) / Double(count)).rounded())) }
    return VideoImage.Color(red: channel(0), green: channel(1), blue: channel(2))
}

extension VideoImage {
    /// Luma (BT.601: 0.299 R + 0.587 G + 0.114 B) of every pixel, row by row.
    public var luma: [Double] {
        var out = [Double](repeating: 0, count: width * height)
        rgb.withUnsafeBufferPointer { p in
            for i in 0..<(width * height) {
                out[i] = 0.299 * Double(p[3 * i]) + 0.587 * Double(p[3 * i + 1]) + 0.114 * Double(p[3 * i + 2])
            }
        }
        return out
    }

    /// The peak signal-to-noise ratio of the luma of this image against `other` of the same size, in dB (peak
    /// 255); `.infinity` for identical luma. Nil when the sizes differ.
    public func lumaPSNR(against other: VideoImage) -> Double? {
        guard width == other.width, height == other.height, width * height > 0 else { return nil }
        let a = luma, b = other.luma
        var sum = 0.0
        for i in a.indices {
            let d = a[i] - b[i]
            sum += d * d
        }
        let mse = sum / Double(a.count)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }
}
