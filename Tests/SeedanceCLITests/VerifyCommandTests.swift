import Foundation
import Testing
import TestSupport

/// `seedance verify` as users and scripts run it: exit statuses, the readable report and the JSON.
@Suite struct VerifyCommandTests {
    private let asked = ["--resolution", "720p", "--ratio", "16:9", "--duration", "2"]

    private func qa(_ name: String) -> String { FixturePaths.fixture("qa/\(name)") }

    @Test func goodClipExitsZero() throws {
        let result = try runSeedance(["verify", qa("good-720p.mp4")] + asked)
        #expect(result.status == 0)
        #expect(result.stdout.contains("good-720p.mp4: PASS"))
        #expect(result.stdout.contains("note: no model given: assuming doubao-seedance-2-0-260128"))
        #expect(result.stderr.isEmpty)
    }

    @Test func badClipExitsOneAndSaysWhy() throws {
        let result = try runSeedance(["verify", qa("v1-size.mp4")] + asked)
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAIL  geometry"))
        #expect(result.stdout.contains("1248x704 is the Seedance 1.0 720p 16:9 size"))
    }

    @Test func jsonForSeveralFilesIsAnArrayInOrder() throws {
        let files = [qa("good-720p.mp4"), qa("too-short.mp4"), qa("no-faststart.mp4")]
        let result = try runSeedance(["verify", "--json"] + files + asked)
        #expect(result.status == 1)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(array.map { $0["file"] as? String } == files)
        #expect(array.map { $0["passed"] as? Bool } == [true, false, true])
        let checks = try #require(array[1]["checks"] as? [[String: Any]])
        let failed = checks.filter { $0["passed"] as? Bool == false }.compactMap { $0["name"] as? String }
        #expect(failed == ["duration"])
        let faststart = (array[2]["checks"] as? [[String: Any]])?.first { $0["name"] as? String == "faststart" }
        #expect(faststart?["verdict"] as? String == "warn")
    }

    @Test func requestAndTaskFiles() throws {
        let request = try runSeedance(["verify", qa("good-720p.mp4"), "--request", qa("request-2s.json"), "--json"])
        #expect(request.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(request.stdout.utf8)) as? [String: Any])
        #expect(object["passed"] as? Bool == true)
        // The seed body asks for 5 s: a 2 s clip is 72 frames short.
        let seed = try runSeedance(["verify", qa("good-720p.mp4"), "--request", qa("request-seed.json")])
        #expect(seed.status == 1)
        #expect(seed.stdout.contains("72 frames (3.000 s) too short"))
        let task = try runSeedance(["verify", qa("good-720p.mp4"), "--task", qa("task-2s.json")])
        #expect(task.status == 0)
    }

    @Test func badInputExitsTwoWithOneLineNamingTheProblem() throws {
        let field = try runSeedance(["verify", qa("good-720p.mp4"), "--request", qa("request-bad-duration.json")])
        #expect(field.status == 2)
        #expect(field.stderr == "seedance: verify: \(qa("request-bad-duration.json")): field duration: expected a whole number\n")
        #expect(field.stdout.isEmpty)

        let missing = try runSeedance(["verify", qa("missing.mp4")] + asked)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("missing.mp4: no such file"))

        let notMedia = try runSeedance(["verify", FixturePaths.fixture("probe/html-error-page.mp4")] + asked + ["--json"])
        #expect(notMedia.status == 2)
        let object = try JSONSerialization.jsonObject(with: Data(notMedia.stdout.utf8)) as? [String: Any]
        #expect(object?["error"] is String)

        let nothingAsked = try runSeedance(["verify", qa("good-720p.mp4")])
        #expect(nothingAsked.status == 2)
        let both = try runSeedance(["verify", qa("good-720p.mp4"), "--request", qa("request-2s.json")] + asked)
        #expect(both.status == 2)
        let badFlag = try runSeedance(["verify", qa("good-720p.mp4"), "--resolution", "900p", "--ratio", "16:9",
                                       "--duration", "2"])
        #expect(badFlag.status == 2)
        #expect(badFlag.stderr.contains("field --resolution: \"900p\" is not a resolution"))
    }

    @Test func frameToleranceFlag() throws {
        let loose = try runSeedance(["verify", qa("too-short.mp4"), "--frame-tolerance", "12"] + asked)
        #expect(loose.status == 0)
        let noAudio = try runSeedance(["verify", qa("no-audio.mp4"), "--no-audio"] + asked)
        #expect(noAudio.status == 0)
    }
}
