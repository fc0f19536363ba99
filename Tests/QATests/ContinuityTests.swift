import Foundation
import Media
import QA
import struct QA.Expectation
import Testing
import TestSupport

/// The `continuity` check: a clip's first frame against the image it should start from, calibrated on clips made
/// from images (the simulator's renderer, packaged like real deliveries).
@Suite struct ContinuityTests {
    static let garden = FixturePaths.fixture("demo/garden.png")
    static let room = FixturePaths.fixture("demo/party-room.png")

    /// A 480p 16:9 clip of 2 s made from `first` (the test pattern without), and its last frame as PNG.
    static func clip(from first: String?, in dir: URL, name: String, variant: UInt64 = 3) throws
        -> (clip: String, last: String)
    {
        let spec = SyntheticClipSpec(width: 864, height: 496, frameCount: 49, sound: .speech, variant: variant,
                                     delivery: .seedance20(fast: false),
                                     firstImage: first.map { StillImage(path: $0, digest: $0) })
        let clip = dir.appendingPathComponent("\(name).mp4").path, last = dir.appendingPathComponent("\(name).png").path
        try renderSyntheticClip(spec, to: clip, lastFramePNG: last)
        return (clip, last)
    }

    static func psnr(_ check: QACheck) -> Double {
        check.actual == "identical" ? .infinity : Double(check.actual.split(separator: " ")[0]) ?? -1
    }

    /// The calibration behind `QAThresholds.continuity` (20 dB): continuations score far above it, clips that start
    /// elsewhere far below.
    @Test func theThresholdSeparatesContinuationsFromOtherStarts() throws {
        let dir = try FixturePaths.temporaryDirectory("continuity")
        defer { try? FileManager.default.removeItem(at: dir) }
        let arrival = try Self.clip(from: Self.room, in: dir, name: "arrival")
        let cake = try Self.clip(from: arrival.last, in: dir, name: "cake", variant: 4)
        let garden = try Self.clip(from: Self.garden, in: dir, name: "garden")
        let pattern = try Self.clip(from: nil, in: dir, name: "pattern")

        var continuing: [Double] = [], elsewhere: [Double] = []
        for (clip, image) in [(arrival.clip, Self.room), (cake.clip, arrival.last), (garden.clip, Self.garden)] {
            continuing.append(Self.psnr(try QA.continuity(of: clip, startingFrom: image)))
        }
        for (clip, image) in [(garden.clip, arrival.last), (cake.clip, Self.garden), (pattern.clip, arrival.last),
                              (arrival.clip, Self.garden), (garden.clip, Self.room)] {
            elsewhere.append(Self.psnr(try QA.continuity(of: clip, startingFrom: image)))
        }
        let threshold = QAThresholds().continuity
        #expect(threshold == 20)
        #expect(continuing.allSatisfy { $0 >= threshold + 15 }, "continuations: \(continuing)")
        #expect(elsewhere.allSatisfy { $0 <= threshold - 5 }, "other starts: \(elsewhere)")
    }

    @Test func aReportGetsTheCheckOnlyWhenAskedAndFailsAClipThatStartsElsewhere() throws {
        let dir = try FixturePaths.temporaryDirectory("continuity-report")
        defer { try? FileManager.default.removeItem(at: dir) }
        let arrival = try Self.clip(from: Self.room, in: dir, name: "arrival")
        let cake = try Self.clip(from: arrival.last, in: dir, name: "cake")
        let garden = try Self.clip(from: Self.garden, in: dir, name: "garden")
        var asked = try Expectation.fromFlags(model: nil, resolution: "480p", ratio: "16:9", duration: 2,
                                              generateAudio: true)
        let without = try QA.check(cake.clip, against: asked)
        #expect(without[QA.continuityCheckName] == nil)

        asked.startsFrom = arrival.last
        let good = try QA.check(cake.clip, against: asked)
        let check = try #require(good.checks.last)
        #expect(check.name == "continuity" && check.verdict == .pass, "\(check)")
        #expect(good.passed, "\(good.failures)")

        let bad = try QA.check(garden.clip, against: asked)
        let failed = try #require(bad[QA.continuityCheckName])
        #expect(failed.verdict == .fail && !bad.passed)
        #expect(failed.message.contains("does not start from arrival.png"), "\(failed.message)")

        // The threshold is a named one: lowered far enough, the same pair passes.
        var lenient = QAThresholds()
        try lenient.apply("continuity=3")
        #expect(try QA.check(garden.clip, against: asked, thresholds: lenient)[QA.continuityCheckName]?.verdict == .pass)
        #expect(throws: QAThresholdError.self) { try lenient.apply("continuity=-1") }
    }
}
