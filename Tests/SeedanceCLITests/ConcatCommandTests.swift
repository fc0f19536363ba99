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
}
