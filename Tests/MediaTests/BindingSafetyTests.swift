import CFFmpeg
import Foundation
@testable import Media
import Testing
import TestSupport

/// The FFmpeg binding's ownership and error paths: C pointers have owners, nil pointers and failed calls become
/// errors, options nobody took are named, and the library leaves FFmpeg's process-wide state alone.
@Suite struct BindingSafetyTests {
    static let marker = FixturePaths.fixture("frames/marker.mp4")

    /// A decoder keeps the file its stream lives in open: nothing else needs to hold it.
    @Test func aDecoderKeepsItsFileOpen() throws {
        weak var weakInput: InputFile?
        let decoder: MediaDecoder = try {
            let input = try InputFile(path: Self.marker)
            weakInput = input
            let stream = try #require(input.bestStream(AVMEDIA_TYPE_VIDEO))
            return try MediaDecoder(input: input, stream: stream)
        }()
        #expect(weakInput != nil, "the decoder's stream belongs to an InputFile the decoder must keep")
        // The stream is still readable through the decoder's own reference.
        #expect(decoder.stream.pointee.time_base.den > 0)
        #expect(decoder.input.path == Self.marker)
    }

    @Test func aStreamOfAnotherFileIsRefused() throws {
        let one = try InputFile(path: Self.marker)
        let other = try InputFile(path: FixturePaths.fixture("concat/index-a.mp4"))
        let stream = try #require(other.bestStream(AVMEDIA_TYPE_VIDEO))
        let error = try #require(throws: MediaError.self) { try MediaDecoder(input: one, stream: stream) }
        #expect(error.kind == .invalidArgument)
    }

    /// A stream whose `codecpar` is nil is an error, not a crash (the pointer imports implicitly unwrapped).
    @Test func aStreamWithoutCodecParametersIsAnError() throws {
        let input = try InputFile(path: Self.marker)
        let stream = try #require(input.bestStream(AVMEDIA_TYPE_VIDEO))
        let saved = stream.pointee.codecpar
        stream.pointee.codecpar = nil
        defer { stream.pointee.codecpar = saved }
        let error = try #require(throws: MediaError.self) { try MediaDecoder(input: input, stream: stream) }
        #expect(error.kind == .ffmpeg && error.description.contains("no codec parameters"), "\(error)")
        #expect(stream.parameters == nil)
    }

    /// `reopen` builds the new demuxer and decoder before it lets go of the old ones: when the file changed under
    /// the grabber and the new decoder cannot be made, the grabber still decodes its own file correctly.
    @Test func aFailedReopenKeepsTheWorkingPair() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("clip.mp4").path
        try FileManager.default.copyItem(atPath: Self.marker, toPath: path)
        var limits = OpenLimits()
        limits.maxPixels = 10_000   // the 96x64 marker fits; the 1280x720 replacement does not
        let grabber = try FrameGrabber(path: path, limits: limits, logger: .mediaSilent)
        #expect(FrameIndex.of(try grabber.image(at: .seconds(0.5), width: nil, autorotate: true)) == 12)

        let replacement = dir.appendingPathComponent("new.mp4").path
        try FileManager.default.copyItem(atPath: FixturePaths.fixture("probe/seedance-720p.mp4"), toPath: replacement)
        #expect(rename(replacement, path) == 0)
        let error = try #require(throws: MediaError.self) { try grabber.reopen() }
        #expect(error.kind == .unsupported, "\(error)")

        // Still the marker clip, decoded by its own decoder.
        let image = try grabber.image(at: .last, width: nil, autorotate: true)
        #expect(FrameIndex.of(image) == 23)
        #expect(image.width == 96 && image.height == 64)
    }

    /// `av_frame_ref` of a frame with nothing in it fails (EINVAL); the helper every writer uses says so.
    @Test func referencingAnEmptyFrameIsAnError() throws {
        let empty = try Frame(), target = try Frame()
        let error = try #require(throws: MediaError.self) {
            try target.reference(empty, path: "x.mp4", operation: "keeping the last frame")
        }
        #expect(error.ffmpegCode != nil && error.description.contains("x.mp4"))
    }

    /// A misspelt encoder option fails naming it, instead of a clip made with the defaults.
    @Test func aMisspeltEncoderOptionIsNamed() throws {
        let error = try #require(throws: MediaError.self) {
            _ = try MediaEncoder(codecName: "libx264", options: ["preset": "ultrafast", "crff": "20"]) { ctx in
                ctx.pointee.width = 64
                ctx.pointee.height = 64
                ctx.pointee.pix_fmt = AV_PIX_FMT_YUV420P
                ctx.pointee.time_base = AVRational(num: 1, den: 24)
            }
        }
        #expect(error.kind == .invalidArgument && error.description.contains("\"crff\""), "\(error)")
    }

    /// A misspelt muxer option likewise; nothing is left behind.
    @Test func aMisspeltMuxerOptionIsNamed() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("out.mp4").path
        try {
            let muxer = try OutputFile(path: path)
            let encoder = try MediaEncoder(codecName: "libx264", options: ["preset": "ultrafast"]) { ctx in
                ctx.pointee.width = 64
                ctx.pointee.height = 64
                ctx.pointee.pix_fmt = AV_PIX_FMT_YUV420P
                ctx.pointee.time_base = AVRational(num: 1, den: 24)
                if muxer.needsGlobalHeader { ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
            }
            try muxer.addStream(encoder: encoder)
            let error = try #require(throws: MediaError.self) {
                try muxer.writeHeader(options: ["movflagz": "+faststart"])
            }
            #expect(error.kind == .invalidArgument && error.description.contains("\"movflagz\""), "\(error)")
        }()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    /// `concatenate` and `analyzeContent` honour `OpenLimits.maxPixels` like `probe` does.
    @Test func concatAndContentAnalysisTakeTheLimits() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = FixturePaths.fixture("concat/index-a.mp4"), b = FixturePaths.fixture("concat/index-b.mp4")
        var limits = OpenLimits()
        limits.maxPixels = 1_000
        var options = ConcatOptions(mode: .normalize)
        options.limits = limits
        let output = dir.appendingPathComponent("joined.mp4").path
        let error = try #require(throws: MediaError.self) { _ = try concatenate([a, b], to: output, options: options) }
        #expect(error.description.contains("1000 pixels"), "\(error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        // The same clips join under the default limits.
        options.limits = OpenLimits()
        #expect(try concatenate([a, b], to: output, options: options).strategy == .normalize)

        let analysis = try #require(throws: MediaError.self) { _ = try analyzeContent(a, limits: limits) }
        #expect(analysis.description.contains("1000 pixels"), "\(analysis)")
        #expect(try analyzeContent(a).video != nil)
    }

    /// Using the library does not change FFmpeg's log level: that is the program's to set
    /// (`FFmpegLog.silenceProcessWide()`, which the seedance command calls).
    @Test func theLibraryLeavesFFmpegsLogLevelAlone() throws {
        let before = av_log_get_level()
        defer { av_log_set_level(before) }
        av_log_set_level(AV_LOG_VERBOSE)
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try probe(Self.marker)
        try writeThumbnail(of: Self.marker, at: .seconds(0.5), to: dir.appendingPathComponent("t.png").path)
        _ = try? probe(FixturePaths.fixture("probe/html-error-page.mp4"))
        #expect(av_log_get_level() == AV_LOG_VERBOSE)
        FFmpegLog.silenceProcessWide()
        #expect(av_log_get_level() == AV_LOG_QUIET)
    }

    /// Drawing goes through bounds-checked accessors and lands in the clip.
    @Test func drawnPixelsReachTheClip() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("drawn.mp4").path
        let writer = try ClipWriter(path: path, settings: ClipSettings(width: 64, height: 64, frameRate: 24, crf: 0))
        for _ in 0..<4 {
            try writer.appendVideoFrame { planes in
                planes.fill(y: 16)
                for y in 0..<planes.height { for x in 0..<planes.width / 2 { planes[lumaAt: x, y] = 235 } }
                planes.setChroma(x: 0, y: 0, cb: 128, cr: 128)
                #expect(planes[lumaAt: 0, 0] == 235 && planes[lumaAt: 63, 63] == 16)
            }
        }
        try writer.finish()
        let image = try extractFrame(from: path, at: .seconds(0))
        #expect(image.pixel(x: 8, y: 32).red > 240 && image.pixel(x: 56, y: 32).red < 10)
    }

    /// libswresample is not linked: nothing calls it (libavfilter brings its own copy in when it needs one).
    @Test func noUnusedFFmpegLibraryIsLinked() throws {
        let binary = FixturePaths.seedanceBinary.path
        try #require(FileManager.default.isExecutableFile(atPath: binary), "\(binary) is built")
        let result = try TestSupport.run("readelf", ["-d", binary])
        try #require(result.status == 0, "\(result.stderr)")
        let needed = result.stdout.split(separator: "\n").filter { $0.contains("(NEEDED)") }
        #expect(needed.contains { $0.contains("libavformat") }, "\(needed)")
        #expect(!needed.contains { $0.contains("libswresample") }, "\(needed)")
    }
}
