import Foundation
@testable import Media
import Testing
import TestSupport

/// Synthetic clips made from images: the first frame is the image fitted as the service fits it, a last image ends
/// the clip, reference colours show, the last-frame PNG is the decoded last frame without the mark, and 4k's coding
/// is H.265 Main 10.
@Suite struct ImageClipTests {
    static let garden = FixturePaths.fixture("demo/garden.png")
    static let room = FixturePaths.fixture("demo/party-room.png")

    /// The luma PSNR a clip's first frame reaches against the image it was made from: H.264 at the renderer's
    /// CRF 28 keeps these flat, graded pictures at 38-48 dB; 35 leaves room without admitting another picture
    /// (another image scores 6-14 dB).
    static let sameImage = 35.0

    private func render(_ spec: SyntheticClipSpec, png: Bool = false) throws -> (dir: URL, clip: String, png: String) {
        let dir = try FixturePaths.temporaryDirectory("image-clip")
        let clip = dir.appendingPathComponent("clip.mp4").path, last = dir.appendingPathComponent("last.png").path
        try renderSyntheticClip(spec, to: clip, lastFramePNG: png ? last : nil)
        return (dir, clip, last)
    }

    @Test func theFirstFrameIsTheImageAndThePictureMovesAwaySlowly() throws {
        let spec = SyntheticClipSpec(width: 864, height: 496, frameCount: 49, variant: 5,
                                     delivery: .seedance20(fast: false),
                                     firstImage: StillImage(path: Self.garden, digest: "garden"))
        let (dir, clip, _) = try render(spec)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fitted = try coverFittedImage(Self.garden, width: 864, height: 496)
        let first = try extractFrame(from: clip, at: .seconds(0))
        let start = try #require(first.lumaPSNR(against: fitted))
        #expect(start >= Self.sameImage, "first frame vs the image: \(start) dB")
        // Half a second in, still the same picture but no longer identical; two seconds in, further away.
        let early = try #require(try extractFrame(from: clip, at: .seconds(0.5)).lumaPSNR(against: fitted))
        let late = try #require(try lastFrame(of: clip).lumaPSNR(against: fitted))
        #expect(early < start - 3 && early > 18, "0.5 s: \(early) dB, start \(start) dB")
        #expect(late < early, "the last frame (\(late) dB) is further from the image than 0.5 s in (\(early) dB)")
        // Another picture is nowhere near.
        let other = try coverFittedImage(Self.room, width: 864, height: 496)
        #expect(try #require(first.lumaPSNR(against: other)) < 15)
        // QA's content checks see a moving picture, not a frozen one.
        let content = try analyzeContent(clip)
        #expect(content.video?.frozen.isEmpty == true)
    }

    @Test func aLastImageEndsTheClipAndTheFramesBetweenFade() throws {
        let spec = SyntheticClipSpec(width: 864, height: 496, frameCount: 49, variant: 9,
                                     firstImage: StillImage(path: Self.garden, digest: "garden"),
                                     lastImage: StillImage(path: Self.room, digest: "room"))
        let (dir, clip, _) = try render(spec)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try coverFittedImage(Self.garden, width: 864, height: 496)
        let b = try coverFittedImage(Self.room, width: 864, height: 496)
        let first = try extractFrame(from: clip, at: .seconds(0)), last = try lastFrame(of: clip)
        #expect(try #require(first.lumaPSNR(against: a)) >= Self.sameImage)
        #expect(try #require(last.lumaPSNR(against: b)) >= Self.sameImage)
        // Halfway, the mean level lies between the two images' (a cross-fade, not a cut).
        let middle = try extractFrame(from: clip, at: .seconds(1))
        let (la, lb, lm) = (a.meanLevel(), b.meanLevel(), middle.meanLevel())
        #expect(lm > min(la, lb) + 0.25 * abs(la - lb) && lm < max(la, lb) - 0.25 * abs(la - lb),
                "middle \(lm), first \(la), last \(lb)")
    }

    @Test func aTintShowsInTheFrames() throws {
        let colour = VideoImage.Color(red: 40, green: 150, blue: 140)
        let plain = SyntheticClipSpec(width: 640, height: 360, frameCount: 24, sound: nil, variant: 3)
        var tinted = plain
        tinted.tint = colour
        let (dirA, clipA, _) = try render(plain), (dirB, clipB, _) = try render(tinted)
        defer {
            try? FileManager.default.removeItem(at: dirA)
            try? FileManager.default.removeItem(at: dirB)
        }
        func mean(_ image: VideoImage) -> [Double] {
            var sums = [0.0, 0.0, 0.0]
            for (index, value) in image.rgb.enumerated() { sums[index % 3] += Double(value) }
            return sums.map { $0 / Double(image.width * image.height) }
        }
        let before = mean(try extractFrame(from: clipA, at: .seconds(0.5)))
        let after = mean(try extractFrame(from: clipB, at: .seconds(0.5)))
        let target = [40.0, 150, 140]
        func distance(_ m: [Double]) -> Double { zip(m, target).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot() }
        #expect(distance(after) < distance(before) * 0.6, "tinted \(after), plain \(before), colour \(target)")
    }

    @Test func theLastFramePNGIsTheDecodedLastFrame() throws {
        let spec = SyntheticClipSpec(width: 640, height: 360, frameCount: 30, variant: 4,
                                     delivery: .seedance20(fast: false))
        let (dir, clip, png) = try render(spec, png: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let written = try loadImage(png)
        #expect(written == (try { var frame = try lastFrame(of: clip); frame.time = nil; return frame }()))
        // And the thumbnail tool's last frame as PNG is the same file, byte for byte.
        let thumbnail = dir.appendingPathComponent("thumb.png").path
        try writeThumbnail(of: clip, at: .last, to: thumbnail)
        #expect(try Data(contentsOf: URL(fileURLWithPath: thumbnail)) == Data(contentsOf: URL(fileURLWithPath: png)))
    }

    @Test func theWatermarkIsOnTheVideoOnlyNeverOnTheLastFramePNG() throws {
        var spec = SyntheticClipSpec(width: 640, height: 360, frameCount: 30, variant: 4,
                                     delivery: .seedance20(fast: false))
        let (plainDir, _, plainPNG) = try render(spec, png: true)
        spec.watermark = true
        let (dir, clip, png) = try render(spec, png: true)
        defer {
            try? FileManager.default.removeItem(at: plainDir)
            try? FileManager.default.removeItem(at: dir)
        }
        let mark = WatermarkBox(width: 640, height: 360)
        let video = try lastFrame(of: clip), marked = try loadImage(png), unmarked = try loadImage(plainPNG)
        let region = (x: mark.x + 2, y: mark.y + 2, w: mark.width - 4, h: mark.height - 4)
        func level(_ image: VideoImage) -> Double {
            image.meanLevel(x: region.x, y: region.y, width: region.w, height: region.h)
        }
        // The video carries the light mark; the PNG shows what is under it, as the unmarked clip's PNG does.
        #expect(level(video) > 200, "the mark on the video: \(level(video))")
        #expect(abs(level(marked) - level(unmarked)) < 4, "PNG \(level(marked)) vs unmarked \(level(unmarked))")
        #expect(level(video) - level(marked) > 40)
        // Away from the mark the PNG is the decoded frame itself.
        let rows = mark.y / 16 * 16
        #expect(marked.rgb.prefix(rows * 640 * 3) == video.rgb.prefix(rows * 640 * 3))
    }

    @Test func hevcMain10ClipsAreTenBitH265TaggedHvc1() throws {
        let spec = SyntheticClipSpec(width: 640, height: 360, frameCount: 25, sound: .speech, watermark: true,
                                     variant: 2, delivery: .seedance20(fast: false), coding: .hevcMain10)
        let (dir, clip, png) = try render(spec, png: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let info = try probe(clip)
        let video = try #require(info.video)
        #expect(video.codec == "hevc" && video.profile == "Main 10", "\(video.codec) \(video.profile ?? "-")")
        #expect(video.pixelFormat == "yuv420p10le" && video.frameCount == 25)
        #expect(video.width == 640 && video.height == 360)
        #expect(TopLevelBoxes(path: clip).boxes.map(\.type) == ["ftyp", "uuid", "free", "mdat", "moov"])
        #expect(info.audio?.sampleRate == 44_100)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: clip))
        #expect(bytes.range(of: Data("hvc1".utf8)) != nil && bytes.range(of: Data("hev1".utf8)) == nil)
        let last = try loadImage(png)
        #expect(last.width == 640 && last.height == 360)
        // The 10-bit frame's mark is put back too.
        let mark = WatermarkBox(width: 640, height: 360)
        #expect(try lastFrame(of: clip).meanLevel(x: mark.x + 2, y: mark.y + 2, width: mark.width - 4,
                                                  height: mark.height - 4)
                - last.meanLevel(x: mark.x + 2, y: mark.y + 2, width: mark.width - 4, height: mark.height - 4) > 40)
    }

    @Test func specsWithImagesRoundTripAndPlainSpecsEncodeAsBefore() throws {
        let spec = SyntheticClipSpec(width: 640, height: 360, frameCount: 25, coding: .hevcMain10,
                                     firstImage: StillImage(path: "/a.png", digest: "1"),
                                     lastImage: StillImage(path: "/b.png", digest: "2"),
                                     tint: VideoImage.Color(red: 1, green: 2, blue: 3))
        #expect(try JSONDecoder().decode(SyntheticClipSpec.self, from: JSONEncoder().encode(spec)) == spec)
        let plain = String(decoding: try JSONEncoder().encode(SyntheticClipSpec(width: 8, height: 8, frameCount: 1)),
                           as: UTF8.self)
        for key in ["coding", "firstImage", "lastImage", "tint"] { #expect(!plain.contains(key)) }
    }
}
