import Foundation
@testable import Media
import Testing
import TestSupport

/// The real-world files in `fixtures/realworld/` (phones, cameras, screen recordings, broken downloads) against the
/// ffmpeg CLI: the same frame, turned the same way, to the pixel. The comparison is reported as skipped when the
/// ffmpeg CLI is absent (failed instead under `SEEDANCE_REQUIRE_ALL_TESTS=1`).
@Suite struct ThumbnailRealWorldTests {
    /// The corpus holds media (the parameterized test below would otherwise run no case at all).
    @Test func theCorpusIsThere() {
        #expect(FixturePaths.realworldFiles.count >= 19, "media in \(FixturePaths.realworld.path)")
    }

    @Test(.enabled(if: try TestConditions.ffmpeg, "needs the ffmpeg CLI"), arguments: FixturePaths.realworldFiles)
    func sameImageAsTheFFmpegCLI(file: String) throws {
        let ffmpeg = try #require(TestConditions.ffmpegPath, "the ffmpeg CLI")
        let name = (file as NSString).lastPathComponent
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ours = dir.appendingPathComponent("ours.png").path
        let theirs = dir.appendingPathComponent("theirs.rgb").path

        guard let info = try? probe(file), let video = info.video, let duration = video.duration ?? info.duration else {
            // Not a clip with a picture (audio only, a broken download, a bare DASH segment): a clean refusal.
            let error = try #require(throws: MediaError.self) {
                try writeThumbnail(of: file, at: .seconds(0), to: ours)
            }
            #expect(!error.description.isEmpty, "\(name)")
            #expect(!FileManager.default.fileExists(atPath: ours))
            return
        }
        // Times within the video stream (a clip's audio may run on past its last frame). Compared in memory as raw
        // RGB (ffmpeg's `-f rawvideo`): PNG-encoding 4K frames would dominate the run time.
        for fraction in [0.0, 0.37] {
            let time = String(format: "%.3f", duration * fraction)
            let ours: VideoImage
            do {
                ours = try extractFrame(from: file, at: .seconds(Double(time)!))
            } catch let error as MediaError where error.kind == .decodeFailed {
                // A clip whose video holds no decodable frame (a DASH init segment): ffmpeg writes nothing either.
                let run = try TestSupport.run(ffmpeg, ["-v", "error", "-y", "-ss", time, "-i", file, "-frames:v", "1",
                                                       "-f", "image2", "-c:v", "rawvideo", theirs])
                let size = (try? FileManager.default.attributesOfItem(atPath: theirs)[.size] as? Int) ?? 0
                #expect(run.status != 0 || size == 0, "\(name)")
                return
            }
            let theirPixels = try ffmpegFrame(ffmpeg, ["-ss", time, "-i", file, "-frames:v", "1"], to: theirs)
            #expect(theirPixels.count == ours.rgb.count, "\(name) at \(time): size differs from the ffmpeg CLI's")
            #expect(theirPixels == Data(ours.rgb), "\(name) at \(time): the pixels differ from the ffmpeg CLI's")
        }
        // The last frame: the ffmpeg CLI decoding the tail (from a little before our last frame's time, so that any
        // later frame would show up) and keeping the final image (`-update 1`).
        let last = try lastFrame(of: file)
        let fileDuration = info.duration ?? duration
        let tail = String(format: "%.3f", min(fileDuration, fileDuration - (last.time ?? 0) + 0.25))
        let theirLast = try ffmpegFrame(ffmpeg, ["-sseof", "-\(tail)", "-i", file, "-map", "0:\(video.index)",
                                                 "-update", "1"], to: theirs)
        #expect(theirLast == Data(last.rgb), "\(name): the last frame differs from the ffmpeg CLI's")
    }

    /// The RGB pixels of the one image the ffmpeg CLI writes with `arguments`: raw RGB through the image2 muxer,
    /// so `-update 1` keeps only the final frame.
    private func ffmpegFrame(_ ffmpeg: String, _ arguments: [String], to path: String) throws -> Data {
        try? FileManager.default.removeItem(atPath: path)
        let run = try TestSupport.run(ffmpeg, ["-v", "error", "-y"] + arguments
                                          + ["-f", "image2", "-c:v", "rawvideo", "-pix_fmt", "rgb24", path])
        try #require(run.status == 0, "\(run.stderr)")
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    @Test func brokenDownloadWithoutSampleDataFailsGracefully() throws {
        let file = FixturePaths.realworldFile("broken-mod-h264-streaming-no-mdat.mp4")
        try #require(FileManager.default.fileExists(atPath: file), "\(file) in fixtures/realworld")
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for position in [FramePosition.seconds(1), .last] {
            let error = try #require(throws: MediaError.self) {
                try writeThumbnail(of: file, at: position, to: dir.appendingPathComponent("x.jpg").path)
            }
            #expect(error.kind == .truncated)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
