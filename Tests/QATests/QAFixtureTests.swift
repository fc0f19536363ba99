import Foundation
import Media
import QA
import struct QA.Expectation
import SeedanceAPI
import Testing
import TestSupport

/// Every check against a clip made to trip it (and nothing else) and against good clips that pass everything.
@Suite struct QAFixtureTests {
    /// 720p 16:9, 2 s (49 frames), audio, the default 2.x model: what the qa fixtures were made as.
    static let asked = try! Expectation.fromFlags(model: nil, resolution: "720p", ratio: "16:9", duration: 2,
                                                   generateAudio: true)

    static func check(_ name: String, _ expectation: Expectation = asked) throws -> QAReport {
        try QA.check(FixturePaths.fixture("qa/\(name)"), against: expectation)
    }

    @Test func goodClipPassesEveryCheck() throws {
        let report = try Self.check("good-720p.mp4")
        #expect(report.checks.map(\.name) == QA.checkNames)
        #expect(report.checks.allSatisfy { $0.verdict == .pass }, "\(report.checks.filter { $0.verdict != .pass })")
        #expect(report.passed)
        #expect(report["duration"]?.actual == "2.042 s (49 frames at 24 fps)")
        #expect(report["geometry"]?.actual == "1280x720")
        #expect(report.notes.contains { $0.contains("doubao-seedance-2-0-260128") })
    }

    @Test func goodFiveSecondClipPassesTheDefaults() throws {
        let expectation = try Expectation.fromFlags(model: "dreamina-seedance-2-0-260128", resolution: "720p",
                                                    ratio: "16:9", duration: 5, generateAudio: true)
        let report = try Self.check("good-720p-5s.mp4", expectation)
        #expect(report.checks.allSatisfy { $0.verdict == .pass }, "\(report.failures)")
        #expect(report["duration"]?.message == "121 frames (5.042 s), as asked")
    }

    /// (fixture, the one check it must fail, words the message must contain)
    static let broken: [(String, String, String)] = [
        ("wrong-size.mp4", "geometry", "1024x576 is not a size Seedance makes"),
        ("v1-size.mp4", "geometry", "1248x704 is the Seedance 1.0 720p 16:9 size"),
        ("too-short.mp4", "duration", "12 frames (0.500 s) too short"),
        ("wrong-fps.mp4", "frame_rate", "30 fps on average where Seedance makes exactly 24"),
        ("no-audio.mp4", "audio", "no audio track"),
        ("silent-audio.mp4", "audio", "silent (RMS -inf dBFS, peak -inf dBFS)"),
        ("short-audio.mp4", "track_durations", "the audio is 0.792 s shorter"),
        ("audio-dropout.mp4", "silence", "the sound is missing for most of the clip: 1.212 s"),
        ("mostly-silent.mp4", "silence", "silent (63%)"),
        ("grid-60.mp4", "frame_rate", "the timestamps sit on a 1/60 s grid (r_frame_rate 60)"),
        ("black-start.mp4", "black", "starts with 0.500 s of black"),
        ("black-end.mp4", "black", "ends with 0.458 s of black"),
        ("vp9.mp4", "video_codec", "vp9 is not H.264 or H.265"),
        ("frozen-end.mp4", "frozen", "does not change for 1.542 s"),
        ("yuv444p.mp4", "pixel_format", "yuv444p where yuv420p"),
        ("good-720p.mkv", "container", "matroska"),
    ]

    @Test(arguments: broken)
    func eachBrokenClipFailsExactlyItsCheck(_ fixture: String, _ check: String, _ words: String) throws {
        let report = try Self.check(fixture)
        #expect(!report.passed)
        #expect(report.failures.map(\.name) == [check])
        let message = try #require(report[check]?.message)
        #expect(message.contains(words), "\(message)")
    }

    @Test func missingFaststartIsOnlyAWarning() throws {
        let report = try Self.check("no-faststart.mp4")
        #expect(report.passed)
        #expect(report.checks.filter { $0.verdict != .pass }.map(\.name) == ["faststart"])
        #expect(report["faststart"]?.verdict == .warn)
    }

    @Test func the2xTallerTenEightyIsAcceptedWithANote() throws {
        let expectation = try Expectation.fromFlags(model: nil, resolution: "1080p", ratio: "16:9", duration: 2,
                                                    generateAudio: true)
        let report = try Self.check("good-1080p-1088.mp4", expectation)
        #expect(report.passed)
        let geometry = try #require(report["geometry"])
        #expect(geometry.verdict == .pass)
        #expect(geometry.message.contains("1920x1088"))
        #expect(geometry.message.contains("accepted"))
        // The 1.0 family's 1080p 16:9 size is 1920x1088 in its own table.
        let v1 = try Expectation.fromFlags(model: "doubao-seedance-1-0-pro-250528", resolution: "1080p", ratio: "16:9",
                                           duration: 2, generateAudio: true)
        #expect(try Self.check("good-1080p-1088.mp4", v1)["geometry"]?.verdict == .pass)
    }

    @Test func rotationIsTakenIntoAccount() throws {
        let portrait = try Expectation.fromFlags(model: nil, resolution: "720p", ratio: "9:16", duration: 2,
                                                 generateAudio: true)
        let report = try Self.check("rotated-9x16.mp4", portrait)
        #expect(report.checks.allSatisfy { $0.verdict == .pass }, "\(report.failures)")
        #expect(report["geometry"]?.actual == "720x1280 (coded 1280x720, rotation 90)")
        // Asked for 16:9, the same file is shown portrait: its coded size matches but the picture does not.
        let landscape = try Self.check("rotated-9x16.mp4")
        #expect(landscape.failures.map(\.name) == ["geometry"])
        #expect(landscape["geometry"]?.message.contains("rotation 90 shows it as 720x1280") == true)
    }

    @Test func adaptiveAcceptsAnySizeOfTheResolution() throws {
        let adaptive = try Expectation.fromFlags(model: nil, resolution: "720p", ratio: "adaptive", duration: 2,
                                                 generateAudio: true)
        #expect(try Self.check("good-720p.mp4", adaptive).passed)
        #expect(try Self.check("rotated-9x16.mp4", adaptive).passed)
        let wrong = try Self.check("wrong-size.mp4", adaptive)
        #expect(wrong.failures.map(\.name) == ["geometry"])
    }

    @Test func noAudioAskedAcceptsNoTrackOrSilenceAndRejectsSound() throws {
        let silentAsked = try Expectation.fromFlags(model: nil, resolution: "720p", ratio: "16:9", duration: 2,
                                                    generateAudio: false)
        #expect(try Self.check("no-audio.mp4", silentAsked).passed)
        #expect(try Self.check("silent-audio.mp4", silentAsked).passed)
        let loud = try Self.check("good-720p.mp4", silentAsked)
        #expect(loud.failures.map(\.name) == ["audio"])
        #expect(loud["audio"]?.message.contains("RMS -23.5 dBFS") == true)
    }

    @Test func frameToleranceIsConfigurable() throws {
        var strict = QAThresholds()
        strict.frameTolerance = 0
        var loose = QAThresholds()
        loose.frameTolerance = 12
        let path = FixturePaths.fixture("qa/too-short.mp4")
        #expect(try QA.check(path, against: Self.asked, thresholds: loose)["duration"]?.verdict == .pass)
        #expect(try QA.check(path, against: Self.asked, thresholds: strict)["duration"]?.verdict == .fail)
        #expect(try QA.check(FixturePaths.fixture("qa/good-720p.mp4"), against: Self.asked, thresholds: strict).passed)
    }

    @Test func fourKAsDeliveredPasses() throws {
        let fourK = try Expectation.fromFlags(model: nil, resolution: "4k", ratio: "16:9", duration: 2,
                                              generateAudio: true)
        let report = try Self.check("good-4k-hevc10.mp4", fourK)
        #expect(report.checks.allSatisfy { $0.verdict == .pass }, "\(report.failures)")
        #expect(report["video_codec"]?.actual == "hevc (Main 10)")
        #expect(report["pixel_format"]?.actual == "yuv420p10le")
        // Seedance 1.0 makes no 4k at all.
        let v1 = try Expectation.fromFlags(model: "doubao-seedance-1-0-pro-250528", resolution: "4k", ratio: "16:9",
                                           duration: 2, generateAudio: true)
        let old = try Self.check("good-4k-hevc10.mp4", v1)
        #expect(old.failures.map(\.name) == ["geometry"])
        #expect(old["geometry"]?.message == "Seedance 1.0 does not make 4k output")
    }

    /// The foundation's 5 s fixture: everything as Seedance makes it, except that its AAC track ends 0.54 s before
    /// the video (made with `-frames:v 121 -t 5.04` on the output, which stops the audio early). QA must say so
    /// and nothing else; the verdict follows the file's real track durations, so a regenerated fixture passes.
    @Test func fiveSecondProbeFixture() throws {
        let path = FixturePaths.fixture("probe/seedance-720p.mp4")
        let expectation = try Expectation.fromFlags(model: nil, resolution: "720p", ratio: "16:9", duration: 5,
                                                    generateAudio: true)
        let report = try QA.check(path, against: expectation)
        let info = try probe(path)
        let gap = abs((info.audio?.duration ?? 0) - (info.video?.duration ?? 0))
        #expect(report.failures.map(\.name) == (gap > 0.1 ? ["track_durations"] : []))
        #expect(report.checks.filter { $0.name != "track_durations" }.allSatisfy { $0.verdict == .pass })
        #expect(report["duration"]?.message == "121 frames (5.042 s), as asked")
    }

    @Test func fourKWantsTenBitHEVC() throws {
        let fourK = try Expectation.fromFlags(model: nil, resolution: "4k", ratio: "16:9", duration: 2,
                                              generateAudio: true)
        let report = try Self.check("good-720p.mp4", fourK)
        #expect(Set(report.failures.map(\.name)) == ["video_codec", "pixel_format", "geometry"])
        #expect(report["video_codec"]?.expected == "hevc (10-bit)")
    }

    @Test func unreadableFilesThrow() {
        #expect(throws: MediaError.self) { try QA.check(FixturePaths.fixture("probe/html-error-page.mp4"), against: Self.asked) }
    }

    @Test func reportEncodesToTheDesignJSON() throws {
        let report = try Self.check("too-short.mp4")
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any])
        #expect(object["file"] as? String == FixturePaths.fixture("qa/too-short.mp4"))
        #expect(object["passed"] as? Bool == false)
        let checks = try #require(object["checks"] as? [[String: Any]])
        #expect(checks.count == QA.checkNames.count)
        let duration = try #require(checks.first { $0["name"] as? String == "duration" })
        #expect(Set(duration.keys) == ["name", "passed", "verdict", "expected", "actual", "message"])
        #expect(duration["passed"] as? Bool == false)
        #expect(duration["verdict"] as? String == "fail")
        #expect(duration["expected"] as? String == "49 frames (2.042 s) within 3 frames")
        #expect(duration["actual"] as? String == "1.542 s (37 frames at 24 fps)")
        // Round trip.
        #expect(try JSONDecoder().decode(QAReport.self, from: JSONEncoder().encode(report)) == report)
    }
}
