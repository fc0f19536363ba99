import Foundation
import Media
import Testing
import TestSupport

/// `seedance concat` end to end through the built binary: JSON contract, exit codes, no partial output.
@Suite struct ConcatCommandTests {
    static func clip(_ name: String) -> String { FixturePaths.fixture("concat/\(name).mp4") }

    @Test func jsonSummarySaysCopyAndWhy() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.mp4").path
        let result = try runSeedance(["concat", Self.clip("index-a"), Self.clip("index-b"), "-o", output, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty) // not a terminal: no progress line
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["strategy"] as? String == "copy")
        #expect((object["reason"] as? String)?.contains("share codec parameters") == true)
        #expect(object["video_frames"] as? Int == 24)
        #expect(object["output"] as? String == output)
        let info = try probe(output)
        #expect(info.video?.frameCount == 24)
    }

    @Test func autoNormalizesMismatchedClipsAndSaysWhich() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.mp4").path
        let result = try runSeedance(["concat", Self.clip("index-a"), Self.clip("index-noaudio"), "-o", output])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("strategy: normalize"))
        #expect(result.stdout.contains("audio stream differs"))
        #expect(try probe(output).audio != nil)
    }

    @Test func copyOnMismatchedClipsExitsTwoNamingTheParameter() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.mp4").path
        let result = try runSeedance(["concat", Self.clip("index-a"), Self.clip("index-fps30"), "-o", output,
                                      "--mode", "copy", "--json"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("video frame rate differs"))
        #expect(result.stderr.contains("index-fps30.mp4"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func outputEqualToAnInputExitsTwoAndKeepsTheInput() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clip = dir.appendingPathComponent("a.mp4").path
        try FileManager.default.copyItem(atPath: Self.clip("index-a"), toPath: clip)
        let before = try Data(contentsOf: URL(fileURLWithPath: clip))
        let result = try runSeedance(["concat", clip, Self.clip("index-b"), "-o", clip])
        #expect(result.status == 2)
        #expect(result.stderr.contains("output is also an input"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: clip)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["a.mp4"])
    }

    @Test func unreadableClipExitsTwo() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.mp4").path
        let html = FixturePaths.fixture("probe/html-error-page.mp4")
        let result = try runSeedance(["concat", Self.clip("index-a"), html, "-o", output])
        #expect(result.status == 2)
        #expect(result.stderr.contains("html-error-page.mp4"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func badFlagsExitTwo() throws {
        let result = try runSeedance(["concat", Self.clip("index-a"), "-o", "/tmp/x.mp4", "--size", "abc"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--size"))
    }

    @Test func transitionFlagCrossfades() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.mp4").path
        let result = try runSeedance(["concat", Self.clip("index-a"), Self.clip("index-b"), "-o", output,
                                      "--transition", "fade:0.25", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["strategy"] as? String == "normalize")
        #expect(object["video_frames"] as? Int == 18)
        let bad = try runSeedance(["concat", Self.clip("index-a"), "-o", output, "--transition", "wipe"])
        #expect(bad.status == 2)
    }

    /// Each refusal is one line naming the file, exit 2, and nothing at the output or beside it.
    @Test(arguments: [
        ("out.avi", [String](), "cannot write .avi: the output is MP4 or QuickTime; name it .mp4 or .mov"),
        ("out", [String](), "the output has no extension: name it .mp4 or .mov"),
        ("missing/out.mp4", [String](), "cannot write here"),
        ("out.mp4", ["qa/request-2s.json"], "not a video: it is JSON text"),
    ])
    func refusalsAreOneLineAndLeaveNothing(output name: String, extra: [String], words: String) throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent(name).path
        let inputs = [Self.clip("index-a")] + extra.map { FixturePaths.fixture($0) }
            + (extra.isEmpty ? [Self.clip("index-b")] : [])
        let result = try runSeedance(["concat"] + inputs + ["-o", output])
        #expect(result.status == 2, "\(result.stdout)")
        #expect(result.stderr.hasPrefix("seedance: concat: "), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains(words), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func anExactCopyJoinPassesVerifyAgainstTheSumOfItsInputs() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Real-delivery-shaped clips of 3, 2 and 3 s (B-frames, audio 30 ms longer than the video).
        let clips = try [72, 48, 72].enumerated().map { index, frames -> String in
            let path = dir.appendingPathComponent("shot-\(index).mp4").path
            try renderSyntheticClip(SyntheticClipSpec(width: 1280, height: 720, frameCount: frames, sound: .tone,
                                                      variant: UInt64(index + 3), delivery: .seedance20(fast: false)),
                                    to: path)
            return path
        }
        let output = dir.appendingPathComponent("joined.mp4").path
        let joined = try runSeedance(["concat"] + clips + ["-o", output])
        #expect(joined.status == 0, "\(joined.stderr)")
        #expect(joined.stdout.contains("stream copy"))
        let verify = try runSeedance(["verify", "--verbose", output, "--resolution", "720p", "--ratio", "16:9",
                                      "--frames", "192"])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains("PASS  frame_rate       24 fps"))
        #expect(verify.stdout.contains("PASS  duration         192 frames (8.000 s), as asked"))
        // FFmpeg itself decodes it without a word.
        if let ffmpeg = TestConditions.ffmpegPath {
            let decode = try run(ffmpeg, ["-v", "warning", "-i", output, "-f", "null", "-"])
            #expect(decode.status == 0 && decode.stderr.isEmpty, "\(decode.stderr)")
        }
    }

    @Test func loudnessIsReportedAndItsRangeChecked() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.mp4").path
        let result = try runSeedance(["concat", Self.clip("index-a"), Self.clip("index-b"), "-o", output,
                                      "--loudness", "-23", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let loudness = try #require(object["loudness"] as? [String: Any])
        #expect(loudness["target"] as? Double == -23)
        #expect((loudness["inputs"] as? [Any])?.count == 2)
        let measured = try #require(loudness["output"] as? Double)
        #expect(abs(measured + 23) <= 1)
        let bad = try runSeedance(["concat", Self.clip("index-a"), "-o", output + "2.mp4", "--loudness", "6"])
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("seedance: --loudness must be between -70 and 0 LUFS"), "\(bad.stderr)")
    }

    @Test func aTimelineIsWrittenBesideTheJoinAndBadOnesAreRefused() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.mp4").path
        let edl = dir.appendingPathComponent("out.edl").path
        let result = try runSeedance(["concat", Self.clip("index-a"), Self.clip("index-b"), "-o", output,
                                      "--timeline", edl])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOfFile: edl, encoding: .utf8)
        #expect(text.contains("001  AX       AA/V  C        00:00:00:00 00:00:00:12 00:00:00:00 00:00:00:12"))
        #expect(text.contains("002  AX       AA/V  C        00:00:00:00 00:00:00:12 00:00:00:12 00:00:01:00"))
        for (flags, words) in [(["--timeline", "x.aaf"], "--timeline must end in .otio, .fcpxml, .xml or .edl"),
                               (["--timeline", "x.otio", "--transition", "fade:0.1"], "cannot be combined")] {
            let bad = try runSeedance(["concat", Self.clip("index-a"), "-o", output + ".2.mp4"] + flags)
            #expect(bad.status == 2 && bad.stderr.contains(words), "\(bad.stderr)")
        }
    }

    @Test func oneClipIsOneClip() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("one.mp4").path
        let result = try runSeedance(["concat", Self.clip("index-a"), "-o", output])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("\(output): 1 clip, 0.500 s"), "\(result.stdout)")
    }
}
