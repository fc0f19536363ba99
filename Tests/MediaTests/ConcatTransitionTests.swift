import Foundation
@testable import Media
import Testing
import TestSupport

/// `fade:SECONDS` transitions: clips overlap by the fade, frames outside the fades are untouched and in order.
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
        #expect(ConcatTransition(parsing: "fade:0.5") == .fade(0.5))
        #expect(ConcatTransition(parsing: "wipe:1") == nil && ConcatTransition(parsing: "fade:-1") == nil)
    }
}
