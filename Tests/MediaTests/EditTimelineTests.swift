import Foundation
@testable import Media
import Testing
import TestSupport

/// The sequence written for editing software reads back with OpenTimelineIO's own adapters (otio_json, fcpx_xml,
/// fcp_xml, cmx_3600): the clips in order, each whole (from frame 0 for its length), at 24 fps, pointing at its file.
@Suite(.enabled(if: try TestConditions.otio, "needs OpenTimelineIO: scripts/install-test-tools.sh"))
struct EditTimelineTests {
    struct Track: Decodable {
        struct Clip: Decodable { let name: String; let start: Double; let duration: Double; let rate: Double; let url: String? }
        let kind: String
        let clips: [Clip]
    }

    static func readBack(_ path: String) throws -> [Track] {
        let python = try #require(TestConditions.otioPython)
        let script = FixturePaths.packageRoot.appendingPathComponent("scripts/read-timeline.py").path
        let result = try run(python, [script, path])
        try #require(result.status == 0, "\(result.stderr)")
        return try JSONDecoder().decode([Track].self, from: Data(result.stdout.utf8))
    }

    @Test(arguments: ["otio", "fcpxml", "xml", "edl"])
    func eachFormatReadsBackWithItsAdapter(_ format: String) throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let frames = [72, 48, 72]
        let clips = try frames.enumerated().map { index, count -> String in
            let path = dir.appendingPathComponent("shot \(index + 1).mp4").path   // a space: URLs must be encoded
            try renderSyntheticClip(SyntheticClipSpec(width: 320, height: 180, frameCount: count,
                                                      variant: UInt64(index)), to: path)
            return path
        }
        let file = dir.appendingPathComponent("edit.\(format)").path
        try EditTimeline(name: "edit", probing: clips).write(to: file)
        let tracks = try Self.readBack(file)
        let video = try #require(tracks.first { $0.kind == "Video" })
        #expect(video.clips.map(\.name) == ["shot 1.mp4", "shot 2.mp4", "shot 3.mp4"])
        #expect(video.clips.map(\.duration) == frames.map(Double.init))
        #expect(video.clips.allSatisfy { $0.start == 0 && $0.rate == 24 })
        if format != "edl" {
            #expect(video.clips.map(\.url) == clips.map { URL(fileURLWithPath: $0).absoluteString })
        }
        if format == "otio" || format == "xml" {
            let audio = try #require(tracks.first { $0.kind == "Audio" })
            #expect(audio.clips.map(\.duration) == frames.map(Double.init))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }.isEmpty)
    }

    @Test func anUnknownFormatIsRefused() throws {
        let timeline = EditTimeline(name: "edit", clips: [])
        let error = #expect(throws: MediaError.self) { try timeline.write(to: "/tmp/edit.aaf") }
        #expect(error?.reason.contains("a timeline is .otio, .fcpxml, .xml") == true)
    }
}
