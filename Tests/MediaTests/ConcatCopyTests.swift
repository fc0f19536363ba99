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

    /// index-short-audio.mp4's audio (1.45 s) is shorter than its video (2 s): copy fills the hole with coded silence so
    /// the second clip's sound starts with its first frame, and the output's streams end together.
    @Test func shortAudioIsFilledWithSilenceAndStaysInSync() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("joined.mp4").path
        let clip = FixturePaths.fixture("concat/index-short-audio.mp4")
        let (summary, muxWarnings) = try FFmpegLog.capturingWarnings(.callingThread) {
            try concatenate([clip, clip], to: output, options: ConcatOptions(mode: .copy))
        }
        #expect(muxWarnings.isEmpty, "\(muxWarnings)")
        #expect(summary.silenceFilled > 1.0)
        let (decoded, warnings) = try FFmpegLog.capturingWarnings(.callingThread) { try ConcatDecoding.decode(output) }
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(decoded.frameIndices == Array(0..<48) + Array(0..<48))

        let info = try probe(output)
        let video = try #require(info.video?.duration), audio = try #require(info.audio?.duration)
        #expect(abs(video - audio) <= 1024.0 / 48_000)
        #expect(abs(video - 4.0) <= 1.0 / 24)

        // The second clip's sound starts exactly where its first frame is shown.
        let original = try ConcatDecoding.decode(clip).audio
        let secondStart = try #require(decoded.frameTimes.dropFirst(48).first)
        let videoPosition = Int((secondStart * 48_000).rounded())
        let first = Array(decoded.audio.prefix(original.count))
        #expect(zip(first, original).map { abs($0 - $1) }.max() ?? 1 < 2e-3)
        // Where the second clip's audio really is: the best match within 8 samples of its first frame.
        // The clip's last AAC frame (its tone is cut off mid-wave) decodes within 6e-3 of the original, not 2e-3;
        // it is left out of the comparison. A one-sample shift would differ by about 3e-2 everywhere.
        let compared = original.count - 1024
        func mismatch(at start: Int) -> Float {
            let segment = decoded.audio[min(decoded.audio.count, start)...].prefix(compared)
            guard segment.count == compared else { return .infinity }
            return zip(segment, original).map { abs($0 - $1) }.max() ?? .infinity
        }
        let candidates = (videoPosition - 8)...(videoPosition + 8)
        let position = try #require(candidates.min { mismatch(at: $0) < mismatch(at: $1) })
        #expect(mismatch(at: position) < 2e-3, "the second clip's audio was not found intact")
        // In sync with its first frame to within one video tick (1/12288 s = 4 samples).
        #expect(abs(position - videoPosition) <= 4, "audio at sample \(position), video at \(videoPosition)")
        // Between them: silence. The fillers decode to zeros, except the first, which also carries the overlap
        // tail of the first clip's last frame (its tone was cut mid-wave), and the second clip's priming frame.
        let inner = decoded.audio[(original.count + 1024)..<(position - 1024)]
        #expect((inner.map { abs($0) }.max() ?? 1) < 1e-4)
        let edges = decoded.audio[original.count..<(original.count + 1024)] + decoded.audio[(position - 1024)..<position]
        #expect((edges.map { abs($0) }.max() ?? 1) < 0.05)
    }
}
