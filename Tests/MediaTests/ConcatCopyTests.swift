import CFFmpeg
import Foundation
@testable import Media
import Testing
import TestSupport

/// Copy mode on matched frame-index clips: every frame once and in order, audio intact, durations in sync.
@Suite struct ConcatCopyTests {
    static let a = FixturePaths.fixture("concat/index-a.mp4")
    static let b = FixturePaths.fixture("concat/index-b.mp4")
    static let c = FixturePaths.fixture("concat/index-c.mp4")

    @Test func matchedClipsAreCopiedFrameExactAndInSync() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("joined.mp4").path

        let (summary, muxWarnings) = try FFmpegLog.capturingWarnings(.callingThread) {
            try concatenate([Self.a, Self.b, Self.c], to: output, options: ConcatOptions(mode: .copy))
        }
        #expect(muxWarnings.isEmpty, "muxer warnings: \(muxWarnings)")
        #expect(summary.strategy == .copy)
        #expect(summary.reason.contains("stream copy"))

        let (decoded, decodeWarnings) = try FFmpegLog.capturingWarnings(.callingThread) { try ConcatDecoding.decode(output) }
        #expect(decodeWarnings.isEmpty, "decoder warnings: \(decodeWarnings)")
        // Every frame of every clip, exactly once, in order.
        #expect(decoded.frameIndices == Array(0..<36))
        // Presentation times strictly increase (no two frames at one instant, nothing out of order).
        #expect(zip(decoded.frameTimes, decoded.frameTimes.dropFirst()).allSatisfy { $0 < $1 })

        let info = try probe(output)
        let video = try #require(info.video), audio = try #require(info.audio)
        let frame = 1.0 / 24
        // The sum of the clips within one frame per join.
        #expect(abs(try #require(info.duration) - 1.5) <= 2 * frame)
        // Audio and video agree within one AAC frame.
        #expect(abs(try #require(video.duration) - (try #require(audio.duration))) <= 1024.0 / 48_000)
        #expect(video.frameCount == 36)
        #expect(info.faststart == true)
        #expect(summary.joinPadding.count == 2)
        #expect(summary.joinPadding.allSatisfy { $0 >= 0 && $0 < frame })
    }

    /// The decoded audio of the output is the clips' decoded audio end to end, separated only by the next clip's
    /// coded priming frame (1024 samples of silence): nothing dropped or doubled, and not one sample out of place.
    /// Not bit-identical: FFmpeg's AAC encoder uses perceptual noise substitution, whose decoder-side noise generator
    /// carries its state across the join (with `-aac_pns 0` clips the samples are bit-identical). The tolerance is
    /// well below what a one-sample shift of the 440 Hz tone would give (about 7e-3).
    @Test func audioOfEveryClipSurvivesTheJoins() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("joined.mp4").path
        _ = try concatenate([Self.a, Self.b, Self.c], to: output, options: ConcatOptions(mode: .copy))

        let joined = try ConcatDecoding.decode(output).audio
        let clips = try [Self.a, Self.b, Self.c].map { try ConcatDecoding.decode($0).audio }
        #expect(joined.count == clips.map(\.count).reduce(0, +) + 2 * 1024)
        var position = 0
        for (index, clip) in clips.enumerated() {
            if index > 0 {
                let priming = joined[position..<min(joined.count, position + 1024)]
                #expect(priming.allSatisfy { abs($0) < 0.01 }, "join \(index): the priming frame is not silent")
                position += 1024
            }
            let segment = Array(joined[min(joined.count, position)..<min(joined.count, position + clip.count)])
            let worst = zip(segment, clip).map { abs($0 - $1) }.max() ?? 1
            #expect(segment.count == clip.count && worst < 2e-3, "clip \(index): max difference \(worst)")
            position += clip.count
        }
    }

    @Test func moovAtEndAndBFramesCopy() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("joined.mp4").path
        let summary = try concatenate([FixturePaths.fixture("concat/index-b-moov-end.mp4"), Self.c], to: output)
        #expect(summary.strategy == .copy)
        #expect(try ConcatDecoding.decode(output).frameIndices == Array(12..<36))
        #expect(try probe(output).faststart == true)
    }

    @Test func rotatedClipsKeepTheirRotationWhenCopied() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("joined.mp4").path
        let rotated = FixturePaths.fixture("probe/frame-index-rot90.mp4")
        let summary = try concatenate([rotated, rotated], to: output)
        #expect(summary.strategy == .copy)
        let info = try probe(output)
        #expect(info.video?.rotation == (try probe(rotated)).video?.rotation)
        #expect(info.video?.frameCount == 96)
        #expect(try ConcatDecoding.decode(output).frameIndices == Array(0..<48) + Array(0..<48))
    }

    @Test func seedanceClipWithMoovAtEndIsCopied() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("joined.mp4").path
        let summary = try concatenate([FixturePaths.fixture("probe/seedance-720p.mp4"),
                                       FixturePaths.fixture("probe/moov-at-end.mp4")], to: output)
        #expect(summary.strategy == .copy)
        let info = try probe(output)
        #expect(info.video?.frameCount == 242)
        let total = 2 * (try #require(try probe(FixturePaths.fixture("probe/seedance-720p.mp4")).duration))
        #expect(abs(try #require(info.duration) - total) <= 1.0 / 24)
    }
}
