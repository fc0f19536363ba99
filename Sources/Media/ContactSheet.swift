import CFFmpeg
import Foundation
import Logging

/// How a contact sheet is laid out.
public struct ContactSheetOptions: Sendable, Hashable {
    /// Number of frames, evenly spaced over the clip (see `evenlySpacedTimes(duration:count:)`).
    public var count: Int
    /// Tiles per row; nil picks a near-square grid (`ceil(sqrt(count))`).
    public var columns: Int?
    /// Width of each tile in pixels; the height keeps the clip's shown aspect ratio.
    public var tileWidth: Int
    /// Pixels between tiles and around the edge.
    public var padding: Int
    /// JPEG quality when the sheet is a .jpg (ignored for PNG).
    public var quality: JPEGQuality
    /// Turn phone video upright from its display matrix.
    public var autorotate: Bool
    /// Limits for opening the input.
    public var limits = OpenLimits()

    /// The defaults: 12 frames in a 4 x 3 grid of 320-pixel tiles.
    public init(count: Int = 12, columns: Int? = nil, tileWidth: Int = 320, padding: Int = 4,
                quality: JPEGQuality = .standard, autorotate: Bool = true) {
        self.count = count
        self.columns = columns
        self.tileWidth = tileWidth
        self.padding = padding
        self.quality = quality
        self.autorotate = autorotate
    }

    /// The number of columns used.
    public var effectiveColumns: Int { min(count, max(1, columns ?? Int(Double(count).squareRoot().rounded(.up)))) }

    /// The number of rows used.
    public var rows: Int { (count + effectiveColumns - 1) / effectiveColumns }
}

/// What `writeContactSheet` wrote.
public struct ContactSheetResult: Sendable, Hashable, Codable {
    /// The input clip.
    public var file: String
    /// The image written.
    public var output: String
    /// `png` or `jpeg`.
    public var format: ImageFormat
    /// Tiles per row.
    public var columns: Int
    /// Rows of tiles.
    public var rows: Int
    /// Size of one tile in pixels.
    public var tileWidth: Int
    /// Height of one tile in pixels.
    public var tileHeight: Int
    /// Sheet width in pixels.
    public var width: Int
    /// Sheet height in pixels.
    public var height: Int
    /// The times asked for, in tile order (left to right, top to bottom).
    public var requestedTimes: [Seconds]
    /// The presentation times of the frames shown, in tile order.
    public var times: [Seconds?]
    /// Size of the image file in bytes.
    public var sizeBytes: Int
    /// The clip's duration in seconds.
    public var clipDuration: Seconds?

    enum CodingKeys: String, CodingKey {
        case file, output, format, columns, rows, width, height, times
        case tileWidth = "tile_width", tileHeight = "tile_height", requestedTimes = "requested_times"
        case sizeBytes = "size_bytes", clipDuration = "clip_duration"
    }
}

/// Writes a grid of `options.count` evenly spaced frames of `file` to `output` (PNG or JPEG by its extension).
///
/// Each tile is chosen with the same accurate seek as `writeThumbnail` (tile `i` shows the frame at
/// `i * duration / count`); the tiles are scaled and laid out by libavfilter (`scale`, `tile`). Atomic like
/// `writeThumbnail`; throws the same errors, plus `.invalidArgument` for a count, column count or tile width out
/// of range.
@discardableResult
public func writeContactSheet(of file: String, to output: String,
                              options: ContactSheetOptions = ContactSheetOptions(),
                              logger: Logger? = nil) throws -> ContactSheetResult {
    let format = try ImageFormat(outputPath: output)
    try FrameRequestCheck.count(options.count)
    if let columns = options.columns, columns < 1 {
        throw MediaError(.invalidArgument, operation: "laying out the sheet",
                         reason: "columns \(columns) is out of range: use 1 or more")
    }
    guard (16...4096).contains(options.tileWidth) else {
        throw MediaError(.invalidArgument, operation: "laying out the sheet",
                         reason: "tile width \(options.tileWidth) is out of range: use 16 to 4096 pixels")
    }
    guard (0...256).contains(options.padding) else {
        throw MediaError(.invalidArgument, operation: "laying out the sheet",
                         reason: "padding \(options.padding) is out of range: use 0 to 256 pixels")
    }
    let writer = try AtomicFileWriter(path: output)
    let grabber = try FrameGrabber(path: file, limits: options.limits, logger: logger ?? .mediaSilent)
    let requested = try grabber.evenlySpacedTimes(count: options.count)
    let columns = options.effectiveColumns, rows = options.rows

    var sheetBuilder: ContactSheetBuilder?
    var times: [Seconds?] = []
    for (i, t) in requested.enumerated() {
        let frame = try grabber.frame(at: .seconds(t))
        times.append(grabber.seconds(of: frame))
        if sheetBuilder == nil {
            sheetBuilder = try ContactSheetBuilder(first: frame, grabber: grabber, options: options,
                                                   columns: columns, rows: rows)
        }
        frame.pointer.pointee.pts = Int64(i)
        try sheetBuilder?.add(frame)
    }
    guard let builder = sheetBuilder else {
        throw MediaError(.decodeFailed, path: file, operation: "making the contact sheet", reason: "no frames")
    }
    let sheet = try builder.finish()
    let f = sheet.pointer.pointee
    let image = try ImageScaler(source: sheet.pointer, width: f.width, height: f.height,
                                format: format.pixelFormat).scale(sheet)
    image.pointer.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
    let bytes = try ImageEncoder.encode(image, as: format, quality: options.quality)
    try writer.write(bytes)
    try writer.commit()
    return ContactSheetResult(file: file, output: output, format: format, columns: columns, rows: rows,
                              tileWidth: Int(builder.tileWidth), tileHeight: Int(builder.tileHeight),
                              width: Int(f.width), height: Int(f.height), requestedTimes: requested, times: times,
                              sizeBytes: bytes.count, clipDuration: grabber.duration)
}

/// `writeContactSheet` off Swift's cooperative pool.
@discardableResult
public func writeContactSheet(of file: String, to output: String,
                              options: ContactSheetOptions = ContactSheetOptions(),
                              logger: Logger? = nil) async throws -> ContactSheetResult {
    try await runOffThePool { try writeContactSheet(of: file, to: output, options: options, logger: logger) }
}

/// The libavfilter graph that turns, scales and tiles the frames: `[in] (turn,) scale, setsar, tile [out]`.
final class ContactSheetBuilder {
    private let graph: FilterGraph
    let tileWidth: Int32
    let tileHeight: Int32

    init(first: Frame, grabber: FrameGrabber, options: ContactSheetOptions, columns: Int, rows: Int) throws {
        let turns = options.autorotate ? Autorotation.filters(for: grabber.displayMatrix) : []
        let f = first.pointer.pointee
        var width = f.width, height = f.height
        var sar = f.sample_aspect_ratio
        if Autorotation.swapsSides(turns) {
            swap(&width, &height)
            sar = AVRational(num: sar.den, den: sar.num)
        }
        // Even tile sides keep 4:2:0 chroma aligned on the tile grid.
        let size = FrameRenderer.outputSize(width: width, height: height, sar: sar,
                                            requestedWidth: options.tileWidth, even: true)
        tileWidth = size.width
        tileHeight = size.height
        let pad = options.padding
        let chain = turns + [
            "scale=\(size.width):\(size.height):flags=bicubic",
            "setsar=1",
            "tile=\(columns)x\(rows):nb_frames=\(options.count):padding=\(pad):margin=\(pad):color=0x202020",
        ]
        graph = try FilterGraph(sources: [("in", FrameRenderer.sourceFormat(of: first, timeBase: grabber.timeBase))],
                                sinks: [("out", true)], description: "[in]\(chain.joined(separator: ","))[out]")
    }

    func add(_ frame: Frame) throws { try graph.push(frame, to: 0) }

    /// Ends the input and returns the sheet.
    func finish() throws -> Frame {
        try graph.push(nil, to: 0)
        let sheet = try Frame()
        guard try graph.pull(from: 0, into: sheet) == .produced else {
            throw MediaError(.ffmpeg, operation: "making the contact sheet", reason: "the tile filter returned no image")
        }
        return sheet
    }
}
