import Foundation
import Media
import Testing
import TestSupport

/// `seedance verify CLIP --starts-from IMAGE`: the continuity check from the command line.
@Suite struct VerifyStartsFromTests {
    @Test func aClipThatContinuesPassesAndOneThatStartsElsewhereExitsOne() throws {
        let dir = try FixturePaths.temporaryDirectory("verify-starts-from")
        defer { try? FileManager.default.removeItem(at: dir) }
        func clip(_ name: String, from image: String) throws -> (clip: String, last: String) {
            let spec = SyntheticClipSpec(width: 864, height: 496, frameCount: 49, sound: .speech, variant: 5,
                                         delivery: .seedance20(fast: false),
                                         firstImage: StillImage(path: image, digest: name))
            let clip = dir.appendingPathComponent("\(name).mp4").path
            let last = dir.appendingPathComponent("\(name)-last.png").path
            try renderSyntheticClip(spec, to: clip, lastFramePNG: last)
            return (clip, last)
        }
        let first = try clip("first", from: FixturePaths.fixture("demo/party-room.png"))
        let next = try clip("next", from: first.last)
        let elsewhere = try clip("elsewhere", from: FixturePaths.fixture("demo/garden.png"))
        let asked = ["--resolution", "480p", "--ratio", "16:9", "--duration", "2", "--starts-from", first.last]

        let good = try runSeedance(["verify", next.clip, "--json"] + asked)
        #expect(good.status == 0, "\(good.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(good.stdout.utf8)) as? [String: Any])
        let checks = try #require(report["checks"] as? [[String: Any]])
        #expect(checks.last?["name"] as? String == "continuity" && checks.last?["passed"] as? Bool == true)

        let bad = try runSeedance(["verify", elsewhere.clip] + asked)
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("continuity"), "\(bad.stdout)")

        // The threshold is named, so --threshold moves it.
        let lenient = try runSeedance(["verify", elsewhere.clip, "--threshold", "continuity=1"] + asked)
        #expect(lenient.status == 0, "\(lenient.stdout)\(lenient.stderr)")

        let missing = try runSeedance(["verify", next.clip] + asked.dropLast() + [dir.appendingPathComponent("nope.png").path])
        #expect(missing.status == 2 && missing.stderr.hasPrefix("seedance: "), "\(missing.stderr)")
    }
}
