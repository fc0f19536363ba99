import Foundation
@testable import Media
import Testing
import TestSupport

/// `--loudness LUFS`: clips at very different levels are each brought to the target, so the joined sound keeps one
/// level; the output's integrated loudness lands within 1 LU of the target, in copy and in normalize mode.
@Suite struct ConcatLoudnessTests {
    /// A 2 s 320x240 clip with a 440 Hz tone of `amplitude` (0...1).
    static func clip(amplitude: Float, in dir: URL, name: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        let writer = try ClipWriter(path: path, settings: ClipSettings(width: 320, height: 240, frameRate: 24,
                                                                      audio: AudioSettings(sampleRate: 48_000, channels: 2)))
        for index in 0..<48 { try writer.appendVideoFrame { $0.fill(y: UInt8(16 + 4 * index)) } }
        let samples = (0..<96_000).flatMap { i -> [Float] in
            let value = amplitude * Float(sin(2 * Double.pi * 440 * Double(i) / 48_000))
            return [value, value]
        }
        try writer.appendAudio(interleaved: samples)
        try writer.finish()
        return path
    }

    @Test(arguments: [ConcatMode.auto, .normalize])
    func clipsAreBroughtToTheTarget(mode: ConcatMode) throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let quiet = try Self.clip(amplitude: 0.01, in: dir, name: "quiet.mp4")
        let loud = try Self.clip(amplitude: 0.7, in: dir, name: "loud.mp4")
        let output = dir.appendingPathComponent("even.mp4").path
        var options = ConcatOptions(mode: mode)
        options.loudness = -16
        let summary = try concatenate([quiet, loud, quiet], to: output, options: options)
        #expect(summary.strategy == (mode == .auto ? .copy : .normalize))
        let loudness = try #require(summary.loudness)
        let levels = loudness.inputs.compactMap { $0 }
        #expect(levels.count == 3 && levels[1] - levels[0] > 30, "\(loudness.inputs)")
        #expect(zip(loudness.gains, levels).allSatisfy { abs($0 + $1 + 16) < 0.01 })
        let measured = try #require(loudness.output)
        #expect(abs(measured + 16) <= 1, "output \(measured) LUFS")
        // The loud middle clip was turned down as far as the quiet ones were turned up: one level throughout, so the
        // output's peak stays under the limiter's -1 dBFS.
        #expect(loudness.gains[1] < -10 && loudness.gains[0] > 20)
        var analysis = ContentAnalysisOptions()
        analysis.video = false
        let peak = try #require(try analyzeContent(output, options: analysis).audio?.peakLevel)
        #expect(peak < -0.5, "peak \(peak) dBFS")
        #expect(try probe(output).video?.frameCount == 144)
    }

    @Test(.enabled(if: try TestConditions.ffmpeg, "needs the ffmpeg CLI as the oracle"))
    func theMeasurementAgreesWithFFmpeg() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clip = try Self.clip(amplitude: 0.05, in: dir, name: "tone.mp4")
        let result = try run("/usr/bin/env", ["ffmpeg", "-nostats", "-i", clip, "-af", "ebur128", "-f", "null", "-"])
        let line = try #require(result.stderr.split(separator: "\n").last { $0.contains("I:") && $0.contains("LUFS") })
        let ffmpeg = try #require(Double(line.split(separator: " ").dropFirst().first { Double($0) != nil } ?? ""))
        let ours = try #require(try measureLoudness(clip))
        #expect(abs(ours - ffmpeg) < 0.11, "ours \(ours), ffmpeg \(ffmpeg)")
    }

    @Test func aTargetOutOfRangeIsRefused() throws {
        var options = ConcatOptions()
        options.loudness = 3
        let error = #expect(throws: MediaError.self) {
            try concatenate([FixturePaths.fixture("concat/index-a.mp4")], to: "/tmp/never.mp4", options: options)
        }
        #expect(error?.reason.contains("out of range") == true)
    }
}
