import CFFmpeg
import Foundation
@testable import Media
import Testing
import TestSupport

/// Normalize mode on mismatched frame-index clips: one size, rate and audio format, frames in order, in sync.
@Suite struct ConcatNormalizeTests {
    static func clip(_ name: String) -> String { FixturePaths.fixture("concat/\(name).mp4") }

    @Test func mismatchedClipsAreNormalizedFrameExact() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("joined.mp4").path
        // Other aspect (480x240), mono 44.1 kHz audio, no audio at all.
        let inputs = ["index-a", "index-wide", "index-44k-mono", "index-noaudio"].map(Self.clip)

        let (summary, muxWarnings) = try FFmpegLog.capturingWarnings(.callingThread) { try concatenate(inputs, to: output) }
        #expect(muxWarnings.isEmpty, "warnings: \(muxWarnings)")
        #expect(summary.strategy == .normalize)
        #expect(summary.reason.contains("video size differs"))

        let (decoded, decodeWarnings) = try FFmpegLog.capturingWarnings(.callingThread) { try ConcatDecoding.decode(output) }
        #expect(decodeWarnings.isEmpty, "decoder warnings: \(decodeWarnings)")
        // index-wide holds N 12...23, index-44k-mono 24...35, index-noaudio 36...47.
        #expect(decoded.frameIndices == Array(0..<48))
        #expect(decoded.width == 320 && decoded.height == 240)
        // The 2:1 clip is letterboxed (320x160 with bars above and below), not pillarboxed: its left edge is grey.
        #expect(decoded.leftEdgeLuma[12..<24].allSatisfy { $0 > 20 })
        #expect(decoded.sampleRate == 48_000 && decoded.channels == 2)

        let info = try probe(output)
        let video = try #require(info.video), audio = try #require(info.audio)
        #expect(video.frameCount == 48)
        #expect(abs(try #require(info.duration) - 2.0) <= 3.0 / 24)
        #expect(abs(try #require(video.duration) - (try #require(audio.duration))) <= 1024.0 / 48_000)
        #expect(info.faststart == true)
        // The clip without audio became silence; the others kept their tone.
        let samples = decoded.audio
        let rate = 48_000
        let silentPart = samples[Int(1.6 * Double(rate))..<Int(1.9 * Double(rate))]
        #expect(silentPart.allSatisfy { abs($0) < 1e-3 })
        let tonePart = samples[Int(0.1 * Double(rate))..<Int(0.4 * Double(rate))]
        #expect((tonePart.map { abs($0) }.max() ?? 0) > 0.05)
        let monoPart = samples[Int(1.1 * Double(rate))..<Int(1.4 * Double(rate))]
        #expect((monoPart.map { abs($0) }.max() ?? 0) > 0.05)
    }

    @Test func otherFrameRateIsConvertedInOrder() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("joined.mp4").path
        let summary = try concatenate([Self.clip("index-a"), Self.clip("index-fps30")], to: output)
        #expect(summary.reason.contains("video frame rate differs"))
        let decoded = try ConcatDecoding.decode(output)
        // 0.5 s of 30 fps becomes 12 frames at 24 fps: frames of the second clip, each at most once, in order.
        #expect(decoded.frameIndices.count == 24)
        #expect(Array(decoded.frameIndices.prefix(12)) == Array(0..<12))
        let converted = Array(decoded.frameIndices.dropFirst(12))
        #expect(converted.first == 12 && converted.allSatisfy { (12...26).contains($0) })
        #expect(zip(converted, converted.dropFirst()).allSatisfy { $0 < $1 })
        let info = try probe(output)
        #expect(info.video?.frameRate == Rational(24, 1))
        #expect(abs((info.video?.duration ?? 0) - (info.audio?.duration ?? 0)) <= 1024.0 / 48_000)
    }

    @Test func rotatedClipIsTurnedUprightAndPadded() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("joined.mp4").path
        let summary = try concatenate([FixturePaths.fixture("probe/frame-index.mp4"),
                                       FixturePaths.fixture("probe/frame-index-rot90.mp4")], to: output)
        #expect(summary.strategy == .normalize)
        #expect(summary.reason.contains("video rotation differs"))
        let decoded = try ConcatDecoding.decode(output)
        #expect(decoded.frameIndices == Array(0..<48) + Array(0..<48))
        // Upright 240x320 in a 320x240 frame: 180x240 in the middle, black bars at the sides.
        let edges = decoded.leftEdgeLuma, centres = decoded.centreLuma
        #expect((0..<48).allSatisfy { abs(edges[$0] - centres[$0]) <= 3 })
        #expect((48..<96).allSatisfy { edges[$0] <= 18 })
        let info = try probe(output)
        #expect(info.video?.rotation == 0)
        // frame-index.mp4's audio is shorter than its video: concat pads it, so audio stays in sync.
        #expect(abs((info.video?.duration ?? 0) - 4.0) <= 1.0 / 24)
        #expect(abs((info.video?.duration ?? 0) - (info.audio?.duration ?? 0)) <= 1024.0 / 48_000)
    }

    @Test func explicitTargetSizeAndRate() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("joined.mp4").path
        var options = ConcatOptions(mode: .normalize)
        options.width = 160
        options.height = 160
        options.frameRate = Rational(12, 1)
        options.sampleRate = 44_100
        options.channels = 1
        let summary = try concatenate([Self.clip("index-a"), Self.clip("index-b")], to: output, options: options)
        #expect(summary.reason == "normalize was asked for")
        let info = try probe(output)
        #expect(info.video?.width == 160 && info.video?.height == 160)
        #expect(info.video?.frameRate == Rational(12, 1))
        #expect(info.video?.frameCount == 12)
        #expect(info.audio?.sampleRate == 44_100 && info.audio?.channels == 1)
        let indices = try ConcatDecoding.decode(output).frameIndices
        #expect(indices == Array(stride(from: 0, to: 24, by: 2)))
    }
}
