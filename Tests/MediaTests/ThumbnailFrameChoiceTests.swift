import CFFmpeg
import Foundation
@testable import Media
import Testing
import TestSupport

/// Which frame an image shows, read from its pixels: the fixtures' frame N is flat grey of luma 16 + 4N, which is
/// (4N) * 255 / 219 once expanded to the full range of JPEG and RGB.
enum FrameIndex {
    /// The frame index of the grey level in a region (the centre quarter by default, clear of the corner marker).
    static func of(_ image: VideoImage, x: Int? = nil, y: Int? = nil, width: Int? = nil, height: Int? = nil) -> Int {
        let w = width ?? image.width / 2, h = height ?? image.height / 2
        let level = image.meanLevel(x: x ?? image.width / 4, y: y ?? image.height / 4, width: w, height: h)
        return Int((level * 219 / 255 / 4).rounded())
    }

    /// The largest distance of any pixel in the region from its mean: flat frames stay within a few levels
    /// (a blend of two frames or a wrong frame type would not).
    static func spread(_ image: VideoImage) -> Double {
        let mean = image.meanLevel(x: image.width / 4, y: image.height / 4, width: image.width / 2, height: image.height / 2)
        var worst = 0.0
        for y in (image.height / 4)..<(image.height * 3 / 4) {
            for x in (image.width / 4)..<(image.width * 3 / 4) {
                let p = image.pixel(x: x, y: y)
                worst = max(worst, abs(Double(p.red) - mean), abs(Double(p.green) - mean), abs(Double(p.blue) - mean))
            }
        }
        return worst
    }
}

/// Writes thumbnails of the frame-index fixtures and decodes them back to check the exact frame chosen.
@Suite struct ThumbnailFrameChoiceTests {
    static let clip = FixturePaths.fixture("probe/frame-index.mp4")

    /// Times against the frame the ffmpeg CLI picks (`-ss T -frames:v 1`), checked by hand with ffmpeg 5.1: frames are
    /// at N/24 s, the first at or after T wins; after the last frame (1.958 s) but within the 2 s clip, the last frame.
    static let cases: [(time: Double, frame: Int)] = [
        (0, 0), (0.02, 1), (0.0417, 1), (0.5, 12), (0.51, 13), (1.0, 24), (1.2, 29), (1.5, 36),
        (1.958, 47), (1.97, 47), (2.0, 47),
    ]

    @Test(arguments: cases)
    func jpegAtTimeIsTheExactFrame(time: Double, frame: Int) throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("t.jpg").path
        let result = try writeThumbnail(of: Self.clip, at: .seconds(time), to: out)
        let image = try loadImage(out)
        #expect(FrameIndex.of(image) == frame)
        #expect(FrameIndex.spread(image) <= 2)
        #expect(image.width == 320 && image.height == 240)
        #expect(result.format == .jpeg)
        #expect(result.time.map { abs($0 - Double(frame) / 24) < 0.001 } == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["t.jpg"])
    }

    @Test(arguments: [(0.0, 0), (0.75, 18), (1.96, 47)])
    func pngAtTimeIsTheExactFrame(time: Double, frame: Int) throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("t.png").path
        let result = try writeThumbnail(of: Self.clip, at: .seconds(time), to: out)
        #expect(result.format == .png)
        // PNG is lossless: every pixel is exactly the frame's grey.
        let image = try loadImage(out)
        #expect(FrameIndex.of(image) == frame)
        #expect(FrameIndex.spread(image) == 0)
        let head = try #require(FileHandle(forReadingAtPath: out)).readData(ofLength: 8)
        #expect(head == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    }

    @Test func lastFrameIsFrame47() throws {
        let image = try lastFrame(of: Self.clip)
        #expect(FrameIndex.of(image) == 47)
        #expect(image.time.map { abs($0 - 47.0 / 24) < 0.001 } == true)
    }

    @Test func lastFrameOfRotatedClipIsUprightFrame47() throws {
        let image = try lastFrame(of: FixturePaths.fixture("probe/frame-index-rot90.mp4"))
        #expect(FrameIndex.of(image) == 47)
        #expect(image.width == 240 && image.height == 320)
    }

    @Test func rotatedClipAtTimeIsUprightAndExact() throws {
        let image = try extractFrame(from: FixturePaths.fixture("probe/frame-index-rot90.mp4"), at: .seconds(1.25))
        #expect(FrameIndex.of(image) == 30)
        #expect(image.width == 240 && image.height == 320)
    }

    /// One grabber asked for times out of order: it must seek back when needed and decode on when it can.
    @Test func oneGrabberServesTimesInAnyOrder() throws {
        let grabber = try FrameGrabber(path: Self.clip, logger: .mediaSilent)
        let asks: [(Double, Int)] = [(1.5, 36), (0.2, 5), (0.25, 6), (1.0, 24), (1.9, 46), (0, 0), (1.99, 47), (1.99, 47),
                                     (0.9, 22)]
        for (time, expected) in asks {
            let image = try grabber.image(at: .seconds(time), width: nil, autorotate: true)
            #expect(FrameIndex.of(image) == expected, "at \(time)")
        }
        let last = try grabber.image(at: .last, width: nil, autorotate: true)
        #expect(FrameIndex.of(last) == 47)
    }

    @Test func evenlySpacedFramesAreTheStartsOfEqualParts() throws {
        let images = try extractFrames(from: Self.clip, count: 8, width: 32)
        #expect(images.map { FrameIndex.of($0) } == [0, 6, 12, 18, 24, 30, 36, 42])
        #expect(images.allSatisfy { $0.width == 32 && $0.height == 24 })
        #expect(evenlySpacedTimes(duration: 2, count: 4) == [0, 0.5, 1, 1.5])
    }

    /// MPEG-TS: times count from the file's start time (1.483 s here), like `-ss`. Its seek goes by timestamp, not to
    /// a keyframe, and can land past T: there the ffmpeg CLI 5.1 writes the next keyframe (frame 12 for 0.3 s, 36 for
    /// 1.21 s) or nothing (1.6 s and later); seedance notices the overshoot and decodes from the start, giving the frame
    /// the rule (first frame at or after T) asks for.
    @Test(arguments: [(0.3, 8), (0.51, 13), (1.21, 30), (1.6, 39), (1.9, 46), (1.99, 47)])
    func transportStreamTimesAreExact(time: Double, frame: Int) throws {
        let image = try extractFrame(from: FixturePaths.fixture("frames/frame-index.ts"), at: .seconds(time))
        #expect(FrameIndex.of(image) == frame)
        #expect(image.time.map { abs($0 - Double(frame) / 24) < 0.001 } == true)
    }

    @Test func transportStreamLastFrame() throws {
        #expect(FrameIndex.of(try lastFrame(of: FixturePaths.fixture("frames/frame-index.ts"))) == 47)
    }

    /// The same frame as the ffmpeg CLI for a sweep of times over B-frame content (skipped when the CLI is absent).
    @Test(.enabled(if: try TestConditions.ffmpeg, "needs the ffmpeg CLI"))
    func matchesTheFFmpegCLIOverASweepOfTimes() throws {
        let ffmpeg = try #require(TestConditions.ffmpegPath, "the ffmpeg CLI")
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let grabber = try FrameGrabber(path: Self.clip, logger: .mediaSilent)
        for step in stride(from: 0, through: 46, by: 3) {
            // Between frames, just after one, and exactly on one.
            for time in [Double(step) / 24 + 0.013, Double(step) / 24 + 0.001, Double(step + 1) / 24] {
                let text = String(format: "%.3f", time)
                let theirs = dir.appendingPathComponent("ff-\(text).png").path
                let run = try TestSupport.run(ffmpeg, ["-v", "error", "-y", "-ss", text, "-i", Self.clip,
                                                       "-frames:v", "1", theirs])
                try #require(run.status == 0, "\(run.stderr)")
                let ours = try grabber.image(at: .seconds(Double(text)!), width: nil, autorotate: true)
                #expect(FrameIndex.of(ours) == FrameIndex.of(try loadImage(theirs)), "at \(text)")
            }
        }
    }
}
