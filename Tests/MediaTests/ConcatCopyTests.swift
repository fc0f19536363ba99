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

        // Exact: the frames of the three clips, 36 / 24 = 1.5 s, a constant 24 fps, no frame held at a join.
        let info = try probe(output)
        let video = try #require(info.video), audio = try #require(info.audio)
        #expect(video.frameCount == 36)
        #expect(abs(try #require(video.duration) - 1.5) < 1e-6)
        #expect(video.frameRate == Rational(24, 1))
        #expect(summary.frameRate == 24)
        // One audio track ending within one AAC frame of the video.
        #expect(abs(1.5 - (try #require(audio.duration))) <= 1024.0 / 48_000)
        #expect(info.faststart == true)
    }

    /// The decoded audio of the output is each clip's decoded audio, cut to its video's 0.5 s, end to end: no
    /// priming or padding at a join, and every clip's sound where its first frame is, to the sample. Re-encoded, so
    /// not bit-identical; the alignment is found by the least squared difference over a window of 8 samples either
    /// way (a one-sample shift of the 440 Hz tone differs by about 7e-3 a sample).
    @Test func audioOfEveryClipSurvivesTheJoins() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("joined.mp4").path
        _ = try concatenate([Self.a, Self.b, Self.c], to: output, options: ConcatOptions(mode: .copy))

        let joined = try ConcatDecoding.decode(output).audio
        let clips = try [Self.a, Self.b, Self.c].map { try ConcatDecoding.decode($0).audio }
        let clipLength = 24_000   // 0.5 s of video at 48 kHz
        #expect(joined.count >= 3 * clipLength && joined.count <= 3 * clipLength + 1024, "\(joined.count)")
        for (index, clip) in clips.enumerated() {
            let start = index * clipLength, compared = clipLength - 2048
            func error(_ shift: Int) -> Float {
                let from = start + shift
                guard from >= 0, from + compared <= joined.count else { return .infinity }
                return zip(joined[from..<(from + compared)], clip.prefix(compared)).map { ($0 - $1) * ($0 - $1) }
                    .reduce(0, +) / Float(compared)
            }
            let best = try #require((-8...8).min { error($0) < error($1) })
            #expect(best == 0, "clip \(index) found \(best) samples off")
            #expect(error(0) < 3e-4, "clip \(index): mean squared difference \(error(0))")
        }
        // No silence anywhere (the clips' tones run to their ends): no priming or padding was heard at a join.
        let window = 256
        let quiet = stride(from: 0, to: 3 * clipLength - window, by: window).filter { from in
            joined[from..<(from + window)].map { $0 * $0 }.reduce(0, +) / Float(window) < 1e-4
        }
        #expect(quiet.isEmpty, "silent windows at samples \(quiet)")
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

    /// index-short-audio.mp4's audio (1.45 s) is shorter than its video (2 s): copy pads it with silence so the
    /// second clip's sound starts with its first frame, and the output's streams end together.
    @Test func shortAudioIsFilledWithSilenceAndStaysInSync() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("joined.mp4").path
        let clip = FixturePaths.fixture("concat/index-short-audio.mp4")
        let (summary, muxWarnings) = try FFmpegLog.capturingWarnings(.callingThread) {
            try concatenate([clip, clip], to: output, options: ConcatOptions(mode: .copy))
        }
        #expect(muxWarnings.isEmpty, "\(muxWarnings)")
        #expect(abs(summary.silenceFilled - 1.1) < 0.03, "\(summary.silenceFilled)")
        let (decoded, warnings) = try FFmpegLog.capturingWarnings(.callingThread) { try ConcatDecoding.decode(output) }
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(decoded.frameIndices == Array(0..<48) + Array(0..<48))

        let info = try probe(output)
        let video = try #require(info.video?.duration), audio = try #require(info.audio?.duration)
        #expect(abs(video - 4.0) < 1e-6)
        #expect(abs(video - audio) <= 1024.0 / 48_000)

        // The second clip's sound starts exactly where its first frame is shown (2 s = sample 96,000).
        let original = try ConcatDecoding.decode(clip).audio
        let compared = 48_000
        func error(_ start: Int) -> Float {
            guard start >= 0, start + compared <= decoded.audio.count else { return .infinity }
            return zip(decoded.audio[start..<(start + compared)], original.prefix(compared))
                .map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Float(compared)
        }
        let position = try #require((96_000 - 8...96_000 + 8).min { error($0) < error($1) })
        #expect(position == 96_000, "the second clip's audio is at sample \(position)")
        #expect(error(0) < 3e-4 && error(96_000) < 3e-4, "\(error(0)) \(error(96_000))")
        // Between the first clip's sound (1.45 s) and the second clip: silence, after the coder's half-frame overlap.
        let gap = decoded.audio[(69_600 + 1024)..<96_000]
        #expect((gap.map { abs($0) }.max() ?? 1) < 1e-3)
    }
}
