import Foundation
@testable import Media
import Testing
import TestSupport

/// Orientation, size and format of written images: the marker fixtures carry a bright 16x12 block in the stored
/// top-left corner, so the corner it lands in shows how the frame was turned.
@Suite struct ThumbnailImageTests {
    enum Corner: String, CaseIterable { case topLeft, topRight, bottomLeft, bottomRight }

    /// The corner holding the bright marker (the one whose corner pixel is near white).
    static func markerCorner(_ image: VideoImage) -> Corner? {
        let spots: [(Corner, Int, Int)] = [(.topLeft, 2, 2), (.topRight, image.width - 3, 2),
                                           (.bottomLeft, 2, image.height - 3),
                                           (.bottomRight, image.width - 3, image.height - 3)]
        let bright = spots.filter { image.pixel(x: $0.1, y: $0.2).red > 200 }
        return bright.count == 1 ? bright[0].0 : nil
    }

    /// Where the ffmpeg CLI (5.1, autorotate on) puts the marker for each fixture, checked by hand.
    static let orientations: [(file: String, corner: Corner, swapped: Bool)] = [
        ("frames/marker.mp4", .topLeft, false),
        ("frames/marker-rot90.mp4", .bottomLeft, true),
        ("frames/marker-rot180.mp4", .bottomRight, false),
        ("frames/marker-rot270.mp4", .topRight, true),
    ]

    @Test(arguments: orientations)
    func framesComeOutUprightLikeTheFFmpegCLI(file: String, corner: Corner, swapped: Bool) throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("m.png").path
        try writeThumbnail(of: FixturePaths.fixture(file), at: .seconds(0.5), to: out)
        let image = try loadImage(out)
        #expect(Self.markerCorner(image) == corner)
        #expect(FrameIndex.of(image) == 12)
        #expect((image.width, image.height) == (swapped ? (64, 96) : (96, 64)))
    }

    /// Same frame, same orientation, same pixels as the ffmpeg CLI (skipped when the CLI is absent).
    @Test(.enabled(if: try TestConditions.ffmpeg, "needs the ffmpeg CLI"), arguments: orientations.map(\.file))
    func framesHaveTheFFmpegCLIsPixels(file: String) throws {
        let ffmpeg = try #require(TestConditions.ffmpegPath, "the ffmpeg CLI")
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("m.png").path
        try writeThumbnail(of: FixturePaths.fixture(file), at: .seconds(0.5), to: out)
        let theirs = dir.appendingPathComponent("ff.png").path
        let run = try TestSupport.run(ffmpeg, ["-v", "error", "-y", "-ss", "0.5", "-i", FixturePaths.fixture(file),
                                               "-frames:v", "1", "-pix_fmt", "rgb24", theirs])
        try #require(run.status == 0, "\(run.stderr)")
        #expect(try loadImage(theirs).rgb == loadImage(out).rgb)
    }

    @Test func autorotateOffKeepsTheStoredOrientation() throws {
        let image = try extractFrame(from: FixturePaths.fixture("frames/marker-rot90.mp4"), at: .last, autorotate: false)
        #expect(Self.markerCorner(image) == .topLeft)
        #expect(image.width == 96 && image.height == 64)
        #expect(FrameIndex.of(image) == 23)
    }

    @Test(arguments: [(160, 120), (101, 76), (640, 480)])
    func widthKeepsTheAspectRatio(width: Int, height: Int) throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("w.jpg").path
        let result = try writeThumbnail(of: FixturePaths.fixture("probe/frame-index.mp4"), at: .seconds(1),
                                        to: out, options: ThumbnailOptions(width: width))
        #expect(result.width == width && result.height == height)
        let image = try loadImage(out)
        #expect(image.width == width && image.height == height)
        #expect(FrameIndex.of(image) == 24)
    }

    @Test func widthOnARotatedClipAppliesToTheUprightFrame() throws {
        let image = try extractFrame(from: FixturePaths.fixture("probe/frame-index-rot90.mp4"), at: .seconds(0.5),
                                     width: 120)
        #expect(image.width == 120 && image.height == 160)
        #expect(FrameIndex.of(image) == 12)
    }

    @Test func jpegQualityTradesSizeForFidelity() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clip = FixturePaths.fixture("probe/seedance-720p.mp4")
        let small = try writeThumbnail(of: clip, at: .seconds(2), to: dir.appendingPathComponent("low.jpg").path,
                                       options: ThumbnailOptions(quality: JPEGQuality(percent: 10)))
        let large = try writeThumbnail(of: clip, at: .seconds(2), to: dir.appendingPathComponent("high.jpg").path,
                                       options: ThumbnailOptions(quality: JPEGQuality(percent: 100)))
        #expect(small.sizeBytes * 3 < large.sizeBytes)
        #expect(JPEGQuality(percent: 100).quantizer == 2 && JPEGQuality(percent: 1).quantizer == 31)
        // Both are real JPEGs of the clip's size.
        let image = try loadImage(dir.appendingPathComponent("low.jpg").path)
        #expect(image.width == 1280 && image.height == 720)
    }

    @Test func formatFollowsTheExtension() throws {
        #expect(try ImageFormat(outputPath: "a/b.JPG") == .jpeg)
        #expect(try ImageFormat(outputPath: "b.jpeg") == .jpeg)
        #expect(try ImageFormat(outputPath: "b.Png") == .png)
        #expect(throws: MediaError.self) { try ImageFormat(outputPath: "b.gif") }
        #expect(throws: MediaError.self) { try ImageFormat(outputPath: "noextension") }
    }
}
