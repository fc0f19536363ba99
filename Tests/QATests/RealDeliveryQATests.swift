import Foundation
import Media
import QA
import struct QA.Expectation
import Testing
import TestSupport

/// Clips made with every trait of real Seedance 2.0 deliveries (Media's delivery writer: moov at the end after a
/// uuid box, 44.1 or 32 kHz audio 30 ms longer than the video, B-frames, time base 1/12288, speech with pauses of
/// digital silence) pass `verify`, with a warning only where a trait calls for one: the moov at the end, and a
/// pause of a second or more.
@Suite struct RealDeliveryQATests {
    /// Renders a delivery-shaped clip and checks it against what it was made as.
    static func check(model: String, width: Int, height: Int, ratio: String, seconds: Int,
                      delivery: DeliveryTraits, sound: SyntheticClipSpec.Sound = .speech,
                      variant: UInt64 = 7) throws -> (QAReport, SyntheticClipSpec) {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = SyntheticClipSpec(width: width, height: height, frameCount: 24 * seconds + 1, sound: sound,
                                     variant: variant, delivery: delivery)
        let path = dir.appendingPathComponent("delivery.mp4").path
        try renderSyntheticClip(spec, to: path)
        let asked = try Expectation.fromFlags(model: model, resolution: "720p", ratio: ratio, duration: seconds,
                                              generateAudio: true)
        return (try QA.check(path, against: asked), spec)
    }

    /// The non-pass verdicts by check name.
    static func findings(_ report: QAReport) -> [String: Verdict] {
        Dictionary(uniqueKeysWithValues: report.checks.filter { $0.verdict != .pass }.map { ($0.name, $0.verdict) })
    }

    /// What the traits call for: moov at the end always; a pause warning when a pause reaches a second.
    static func expectedWarnings(_ spec: SyntheticClipSpec) -> [String: Verdict] {
        var warnings: [String: Verdict] = spec.delivery.faststart ? [:] : ["faststart": .warn]
        let pauses = SyntheticClipSpec.speechPauses(variant: spec.variant, duration: spec.audioDuration)
        if spec.sound == .speech, pauses.contains(where: { $0.upperBound - $0.lowerBound >= 1.0 }) {
            warnings["silence"] = .warn
        }
        return warnings
    }

    @Test func a720pSixteenByNineDeliveryOfTwoPointZero() throws {
        let (report, spec) = try Self.check(model: "doubao-seedance-2-0-260128", width: 1280, height: 720,
                                            ratio: "16:9", seconds: 5, delivery: .seedance20(fast: false))
        #expect(report.passed, "\(report.failures)")
        #expect(Self.findings(report) == Self.expectedWarnings(spec))
        #expect(report["audio"]?.actual.hasPrefix("aac 44100 Hz stereo") == true, "\(report["audio"]?.actual ?? "")")
        #expect(report["time_base"]?.actual == "1/12288")
        #expect(report["duration"]?.message == "121 frames (5.042 s), as asked")
        #expect(report["track_durations"]?.verdict == .pass)
    }

    @Test func a13SecondNineBySixteenDeliveryOfTwoPointZeroFast() throws {
        let (report, spec) = try Self.check(model: "doubao-seedance-2-0-fast-260128", width: 720, height: 1280,
                                            ratio: "9:16", seconds: 13, delivery: .seedance20(fast: true))
        #expect(report.passed, "\(report.failures)")
        #expect(Self.findings(report) == Self.expectedWarnings(spec))
        #expect(report["audio"]?.actual.hasPrefix("aac 32000 Hz") == true)
        #expect(report["duration"]?.message == "313 frames (13.042 s), as asked")
        #expect(report["geometry"]?.actual == "720x1280")
    }

    @Test func anOlderDeliveryWithoutAManifestAndWithATone() throws {
        let (report, _) = try Self.check(model: "doubao-seedance-2-0-260128", width: 1280, height: 720,
                                         ratio: "16:9", seconds: 4, delivery: .seedance20Legacy, sound: .tone)
        #expect(Self.findings(report) == ["faststart": .warn])
    }

    @Test func speechWithPausesOfOneToTwoSecondsPassesWithAWarning() throws {
        // The first variant whose 8 s of speech has a pause between 1 and 2 s.
        let duration = 8.0 + 1.0 / 24 + DeliveryTraits.seedance20(fast: false).audioOverhang
        let variant = try #require((0..<200).first { (v: UInt64) in
            SyntheticClipSpec.speechPauses(variant: v, duration: duration)
                .contains { (1.0...2.0).contains($0.upperBound - $0.lowerBound) }
        })
        let (report, spec) = try Self.check(model: "doubao-seedance-2-0-260128", width: 1280, height: 720,
                                            ratio: "16:9", seconds: 8, delivery: .seedance20(fast: false),
                                            variant: variant)
        #expect(report.passed, "\(report.failures)")
        let silence = try #require(report["silence"])
        #expect(silence.verdict == .warn, "\(silence.message)")
        #expect(silence.message.contains("pauses between lines are normal in dialogue"))
        // Every pause of a second or more is listed with its length, within 50 ms of the planned one.
        let long = SyntheticClipSpec.speechPauses(variant: spec.variant, duration: spec.audioDuration)
            .filter { $0.upperBound - $0.lowerBound >= 1 }
        #expect(silence.message.contains(long.count == 1 ? "a pause of silence" : "\(long.count) pauses of silence"))
        for pause in long {
            let planned = pause.upperBound - pause.lowerBound
            let listed = [-0.05, -0.025, 0, 0.025, 0.05].map { String(format: "%.2f", planned + $0) }
            #expect(listed.contains { silence.message.contains($0) }, "\(planned) in \(silence.message)")
        }
        #expect(report["audio"]?.verdict == .pass)
    }
}
