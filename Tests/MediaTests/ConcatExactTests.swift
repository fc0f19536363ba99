import Foundation
@testable import Media
import Testing
import TestSupport

/// Copy joins that an editor would accept: the video copied with no frame held at a join, the audio continuous and
/// ending with the video, on clips shaped like real Seedance deliveries (B-frames, 44.1 kHz audio running past the
/// video, moov at the end).
@Suite struct ConcatExactTests {
    /// Renders delivery-shaped clips of these frame counts (distinct content each) into `dir`.
    static func deliveries(_ frames: [Int], in dir: URL, width: Int = 640, height: Int = 360) throws -> [String] {
        try frames.enumerated().map { index, count in
            let path = dir.appendingPathComponent("clip-\(index).mp4").path
            try renderSyntheticClip(SyntheticClipSpec(width: width, height: height, frameCount: count, sound: .tone,
                                                      variant: UInt64(index * 7919 + 1),
                                                      delivery: .seedance20(fast: false)), to: path)
            return path
        }
    }

    @Test func threeClipsJoinToTheSumOfTheirFramesAtAConstantRate() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clips = try Self.deliveries([72, 48, 72], in: dir)
        let output = dir.appendingPathComponent("joined.mp4").path
        let (summary, muxWarnings) = try FFmpegLog.capturingWarnings(.callingThread) {
            try concatenate(clips, to: output)
        }
        #expect(muxWarnings.isEmpty, "\(muxWarnings)")
        #expect(summary.strategy == .copy, "\(summary.reason)")
        // Each delivery's audio runs 30 ms past its video (and FFmpeg 5.1 decodes the AAC end padding, up to one
        // frame): cut, or every later clip would sound late.
        #expect(summary.audioTrimmed >= 3 * 0.029 && summary.audioTrimmed <= 3 * (0.031 + 1024.0 / 44_100),
                "\(summary.audioTrimmed)")

        let info = try probe(output)
        let video = try #require(info.video), audio = try #require(info.audio)
        #expect(video.frameCount == 192)
        #expect(abs(try #require(video.duration) - 8.0) < 1e-6)
        #expect(video.frameRate == Rational(24, 1) && video.realFrameRate == Rational(24, 1))
        #expect(audio.sampleRate == 44_100)
        #expect(abs(try #require(audio.duration) - 8.0) <= 1024.0 / 44_100)

        // Decoding prints nothing (no "non monotonically increasing dts"), every frame once, evenly spaced.
        let (decoded, warnings) = try FFmpegLog.capturingWarnings(.callingThread) { try ConcatDecoding.decode(output) }
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(decoded.frameTimes.count == 192)
        let steps = zip(decoded.frameTimes, decoded.frameTimes.dropFirst()).map { $1 - $0 }
        #expect(steps.allSatisfy { abs($0 - 1.0 / 24) < 1e-4 }, "uneven frame times: \(Set(steps.map { ($0 * 1e4).rounded() }))")
    }

    @Test func twentyJoinsDoNotDrift() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let two = try Self.deliveries([48, 49], in: dir, width: 320, height: 180)
        let clips = (0..<20).map { two[$0 % 2] }
        let output = dir.appendingPathComponent("joined.mp4").path
        let summary = try concatenate(clips, to: output)
        #expect(summary.strategy == .copy)
        let info = try probe(output)
        let frames = 10 * 48 + 10 * 49
        #expect(info.video?.frameCount == frames)
        #expect(abs(try #require(info.video?.duration) - Double(frames) / 24) < 1e-6)
        #expect(abs(try #require(info.audio?.duration) - Double(frames) / 24) <= 1024.0 / 44_100)
        // The last clip's sound starts with its first frame: its tone is back within a few milliseconds of the cut.
        let decoded = try ConcatDecoding.decode(output)
        let lastStart = Int((Double(frames - 49) / 24 * 44_100).rounded())
        let toneBefore = decoded.audio[(lastStart - 2048)..<(lastStart - 1024)].map { abs($0) }.max() ?? 0
        #expect(toneBefore > 0.05, "the tone runs up to the join")
        let soundAfter = decoded.audio[(lastStart + 64)..<(lastStart + 1024)].map { abs($0) }.max() ?? 0
        #expect(soundAfter > 0.05, "the last clip's tone starts at its first frame")
    }

    /// A file with 101 tracks (one video, 100 subtitles): auto finishes, joining the video and leaving the rest.
    @Test func autoFinishesOnAFileWithAHundredAndOneTracks() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let many = FixturePaths.realworldFile("bbb-handbrake-100-tx3g-tracks.mp4")
        let output = dir.appendingPathComponent("joined.mp4").path
        let summary = try concatenate([many, many], to: output)
        let info = try probe(output)
        #expect(info.video?.frameCount == 202, "\(summary.reason)")
        #expect(abs(try #require(info.video?.duration) - 20.2) < 1e-6)
        #expect(info.streamCount == 1)
    }

    /// When a copy cannot be made (here the mp4 muxer refuses the 3GP's H.263 and AMR as they are), auto
    /// normalises, says why in one line, and leaves nothing of the failed copy behind.
    @Test func autoNormalisesWhenACopyFailsAndSaysWhy() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let phone = FixturePaths.realworldFile("camphone-h263-amrnb-cif.3gp")
        let output = dir.appendingPathComponent("joined.mp4").path
        let summary = try concatenate([phone, phone], to: output)
        #expect(summary.strategy == .normalize)
        #expect(summary.reason.hasPrefix("stream copy failed ("), "\(summary.reason)")
        #expect(!summary.reason.contains("\n"))
        #expect(try probe(output).video?.codec == "h264")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["joined.mp4"])
    }

    /// A 0.5 s fade between two 2 s clips: the total is 3.5 s (the overlap counted once).
    @Test func aHalfSecondFadeShortensTheTotalByHalfASecond() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clips = try Self.deliveries([48, 48], in: dir, width: 320, height: 180)
        let output = dir.appendingPathComponent("faded.mp4").path
        var options = ConcatOptions()
        options.transition = .fade(0.5)
        _ = try concatenate(clips, to: output, options: options)
        let info = try probe(output)
        #expect(info.video?.frameCount == 84)
        #expect(abs(try #require(info.video?.duration) - 3.5) < 1e-6)
        #expect(abs(try #require(info.audio?.duration) - 3.5) <= 1024.0 / 44_100)
    }
}
