import Foundation
@testable import Media
import Testing
import TestSupport

/// `fade:SECONDS` and `dip:SECONDS` transitions: clips overlap by the transition, frames outside it are untouched
/// and in order.
@Suite struct ConcatTransitionTests {
    static let clips = ["index-a", "index-b", "index-c"].map { FixturePaths.fixture("concat/\($0).mp4") }

    @Test func fadesOverlapClipsAndKeepOtherFramesExact() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("faded.mp4").path
        var options = ConcatOptions()
        options.transition = .fade(0.125) // 3 frames at 24 fps
        let (summary, warnings) = try FFmpegLog.capturingWarnings(.callingThread) {
            try concatenate(Self.clips, to: output, options: options)
        }
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(summary.strategy == .normalize)
        #expect(summary.reason.contains("fade:0.125"))

        let decoded = try ConcatDecoding.decode(output)
        // 36 frames, 3 shared at each of 2 joins.
        #expect(decoded.frameIndices.count == 30)
        let indices = decoded.frameIndices
        #expect(Array(indices[0..<10]) == Array(0..<10))      // a 0-8, then the fade starts at a 9
        #expect(Array(indices[12..<19]) == Array(15..<22))    // b after its fade-in, up to the next fade's start
        #expect(Array(indices[21..<30]) == Array(27..<36))    // c after its fade-in
        // Inside a fade: strictly between the two clips' frames being blended.
        #expect(indices[10] > 10 && indices[10] < 13 && indices[11] > 11 && indices[11] < 14)
        #expect(indices[19] > 22 - 1 && indices[19] < 25 && indices[20] > 22 && indices[20] < 26)

        let info = try probe(output)
        let video = try #require(info.video?.duration), audio = try #require(info.audio?.duration)
        #expect(abs(video - (1.5 - 2 * 0.125)) <= 1.0 / 24)
        #expect(abs(video - audio) <= 1024.0 / 48_000)
    }

    @Test func copyWithATransitionAndOverlongFadesAreRefused() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("faded.mp4").path
        var copy = ConcatOptions(mode: .copy)
        copy.transition = .fade(0.125)
        #expect(throws: MediaError.self) { try concatenate(Self.clips, to: output, options: copy) }
        var long = ConcatOptions()
        long.transition = .fade(0.3) // the middle clip (0.5 s) cannot fade in and out over 0.3 s each
        #expect(throws: MediaError.self) { try concatenate(Self.clips, to: output, options: long) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        #expect(ConcatTransition(parsing: "fade:0.5") == .fade(0.5) && ConcatTransition(parsing: "dip:0.25") == .dip(0.25))
        #expect(ConcatTransition(parsing: "wipe:1") == nil && ConcatTransition(parsing: "fade:-1") == nil)
    }

    /// A 0.25 s dip between two 0.5 s clips: 24 - 6 = 18 frames (0.75 s); the picture in the dip goes to black
    /// (xfade's fadeblack), the frames outside it are each clip's own, and the sound nearly stops in the middle.
    @Test func aDipGoesThroughBlackAndShortensByItsLength() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("dipped.mp4").path
        var options = ConcatOptions()
        options.transition = .dip(0.25)
        let (summary, warnings) = try FFmpegLog.capturingWarnings(.callingThread) {
            try concatenate(Array(Self.clips.prefix(2)), to: output, options: options)
        }
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(summary.reason.contains("dip:0.25"))
        let decoded = try ConcatDecoding.decode(output)
        #expect(decoded.frameIndices.count == 18)
        #expect(Array(decoded.frameIndices[0..<6]) == Array(0..<6))      // a before the dip
        #expect(Array(decoded.frameIndices[12..<18]) == Array(18..<24))  // b after it
        // The middle of the dip is dark; the clips' own frames are not.
        // Every clip frame is at least luma 16 (frame N is 16 + 4N); the dip goes below all of them.
        let darkest = try #require(decoded.centreLuma[6..<12].min())
        #expect(darkest < 8 && decoded.centreLuma.allSatisfy { $0 >= darkest }, "\(decoded.centreLuma)")
        let info = try probe(output)
        #expect(abs(try #require(info.video?.duration) - 0.75) <= 1.0 / 48)
        let audio = decoded.audio
        func rms(_ from: Double, _ to: Double) -> Float {
            let a = Int(from * 48_000), b = min(audio.count, Int(to * 48_000))
            return (audio[a..<b].map { $0 * $0 }.reduce(0, +) / Float(b - a)).squareRoot()
        }
        #expect(rms(0.37, 0.38) < 0.1 * rms(0.05, 0.2), "the sound dips in the middle")
    }
}
