import Foundation
import Media
import QA
import struct QA.Expectation
import Testing
import TestSupport

/// Failures are what a paying user would send back; warnings are worth knowing but not worth money. Each finding
/// that should only warn does, and its failing counterpart (past the threshold) fails.
@Suite struct QACalibrationTests {
    static let asked = QAFixtureTests.asked

    static func check(_ name: String, _ thresholds: QAThresholds = QAThresholds()) throws -> QAReport {
        try QA.check(FixturePaths.fixture("qa/\(name)"), against: asked, thresholds: thresholds)
    }

    /// The verdicts that are not `pass`, by check name.
    static func findings(_ report: QAReport) -> [String: Verdict] {
        Dictionary(uniqueKeysWithValues: report.checks.filter { $0.verdict != .pass }.map { ($0.name, $0.verdict) })
    }

    /// (fixture, the one check that warns, words of its message)
    static let warnings: [(String, String, String)] = [
        ("no-faststart.mp4", "faststart", "moov is at the end"),
        ("long-audio.mp4", "track_durations", "the audio is 0.249 s longer than the video (6 frames)"),
        ("fade-in.mp4", "black", "short black stretch(es) 0-0.125 s"),
    ]

    @Test(arguments: warnings)
    func warningsPassAndSayWhy(_ fixture: String, _ check: String, _ words: String) throws {
        let report = try Self.check(fixture)
        #expect(report.passed)
        #expect(report.verdict == .warn)
        #expect(Self.findings(report) == [check: .warn])
        #expect(report[check]?.message.contains(words) == true, "\(report[check]?.message ?? "")")
    }

    @Test func aTrackDifferencePastTheLimitFails() throws {
        var tight = QAThresholds()
        try tight.set(.trackLimit, to: 0.2)
        #expect(Self.findings(try Self.check("long-audio.mp4", tight)) == ["track_durations": .fail])
        var loose = QAThresholds()
        try loose.set(.trackTolerance, to: 0.3)
        #expect(Self.findings(try Self.check("long-audio.mp4", loose)).isEmpty)
    }

    @Test func aTimeGridThatCannotHoldTheFrameRateWarnsBesideTheFailure() throws {
        let report = try Self.check("grid-60.mp4")
        #expect(Self.findings(report) == ["frame_rate": .fail, "time_base": .warn])
        #expect(report["time_base"]?.actual == "1/60")
        #expect(report["frame_rate"]?.actual.contains("r_frame_rate 60") == true)
        // The good clip's grid is the one real deliveries have.
        #expect(try Self.check("good-720p.mp4")["time_base"]?.actual == "1/12288")
    }

    @Test func silenceIsJudgedByItsShareAndPausesOnlyWarn() throws {
        // 59% silent in one stretch: fails at the default share (50%), a pause when the share is raised.
        var lenient = QAThresholds()
        try lenient.apply("silent-share=0.7")
        let dropout = try Self.check("audio-dropout.mp4", lenient)
        #expect(Self.findings(dropout) == ["silence": .warn])
        #expect(dropout["silence"]?.message.contains("a pause of silence (1.212 s at") == true)
        // ... and nothing to report when pauses are counted only from 1.5 s.
        try lenient.apply("pause=1.5")
        #expect(Self.findings(try Self.check("audio-dropout.mp4", lenient)).isEmpty)
        #expect(Self.findings(try Self.check("mostly-silent.mp4")) == ["silence": .fail])
    }

    @Test func thresholdsAreNamedAndCheckedInOnePlace() throws {
        var thresholds = QAThresholds()
        try thresholds.apply("silent_share=0.6")
        try thresholds.apply("frameTolerance=5")
        try thresholds.apply(" pause = 2 ")
        #expect(thresholds.silentShare == 0.6 && thresholds.frameTolerance == 5 && thresholds.pause == 2)
        #expect(thresholds.changes == ["frame-tolerance=5", "pause=2", "silent-share=0.6"])
        for name in QAThresholds.Name.allCases {
            #expect(QAThresholds.Name(loosely: name.rawValue) == name)
            #expect(!name.help.isEmpty)
        }
        let refused = ["pause", "pause=", "pause=soon", "loudness=3", "silent-share=1.5", "silent-share=0",
                       "frame-tolerance=2.5", "pause=-1", "silence-noise=3"]
        for bad in refused {
            var copy = QAThresholds()
            let error = #expect(throws: QAThresholdError.self, "\(bad)") { try copy.apply(bad) }
            #expect(error?.description.hasPrefix("threshold ") == true)
        }
        var copy = QAThresholds()
        let unknown = #expect(throws: QAThresholdError.self) { try copy.apply("loudness=3") }
        #expect(unknown?.description.contains("known: frame-tolerance, ") == true)
    }

    @Test func aDamagedFileFailsTheDecodeCheckInsteadOfBeingUnreadable() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = try Data(contentsOf: URL(fileURLWithPath: FixturePaths.fixture("qa/good-720p.mp4")))
        // Cut short: the container says where the samples end.
        let cut = dir.appendingPathComponent("cut.mp4")
        try good.prefix(good.count * 2 / 3).write(to: cut)
        let truncated = try QA.check(cut.path, against: Self.asked)
        #expect(truncated.failures.map(\.name) == ["decode"])
        #expect(truncated["decode"]?.actual == "truncated")
        // Bytes damaged in the middle of the samples: the container is fine, a packet does not decode.
        var damaged = good
        let mdat = try #require(good.range(of: Data("mdat".utf8)))
        for i in (mdat.upperBound + 4000)..<(mdat.upperBound + 9000) { damaged[i] = 0x55 }
        let broken = dir.appendingPathComponent("broken.mp4")
        try damaged.write(to: broken)
        let report = try QA.check(broken.path, against: Self.asked)
        #expect(report.failures.map(\.name) == ["decode"])
        #expect(report["geometry"]?.verdict == .pass)
        #expect(report["black"] == nil, "content checks need a decodable file")
        #expect(report.notes.contains { $0.contains("not run") })
        // A file that is not media at all stays unreadable input.
        let text = dir.appendingPathComponent("notes.mp4")
        try Data("not a video".utf8).write(to: text)
        #expect(throws: MediaError.self) { try QA.check(text.path, against: Self.asked) }
    }
}
