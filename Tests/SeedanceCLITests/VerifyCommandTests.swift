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

    @Test func aJoinedSequenceIsCheckedAgainstTheSumOfItsInputs() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let joined = dir.appendingPathComponent("joined.mp4").path
        let concat = try runSeedance(["concat", qa("good-720p.mp4"), qa("good-720p-5s.mp4"), "-o", joined,
                                      "--mode", "normalize"])
        #expect(concat.status == 0, "\(concat.stderr)")
        // 49 + 121 frames.
        let sum = try runSeedance(["verify", joined, "--request", qa("request-2s.json"), "--frames", "170", "--json"])
        #expect(sum.status == 0, "\(sum.stdout)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(sum.stdout.utf8)) as? [String: Any])
        #expect((object["expectation"] as? String)?.contains("170 frames") == true)
        let wrong = try runSeedance(["verify", joined, "--resolution", "720p", "--ratio", "16:9", "--frames", "180"])
        #expect(wrong.status == 1)
        #expect(wrong.stdout.contains("FAIL  duration         10 frames (0.417 s) too short"))
        let zero = try runSeedance(["verify", joined, "--resolution", "720p", "--ratio", "16:9", "--frames", "0"])
        #expect(zero.status == 2 && zero.stderr == "seedance: verify: --frames must be 1 or more\n")
    }

    @Test func thresholdsChangeFromTheCommandLine() throws {
        let strict = try runSeedance(["verify", qa("audio-dropout.mp4")] + asked)
        #expect(strict.status == 1)
        let lenient = try runSeedance(["verify", qa("audio-dropout.mp4"), "--threshold", "silent-share=0.7",
                                       "--threshold", "pause=1", "--json"] + asked)
        #expect(lenient.status == 0, "\(lenient.stdout)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lenient.stdout.utf8)) as? [String: Any])
        let silence = (object["checks"] as? [[String: Any]])?.first { $0["name"] as? String == "silence" }
        #expect(silence?["verdict"] as? String == "warn" && silence?["passed"] as? Bool == true)
        let bad = try runSeedance(["verify", qa("good-720p.mp4"), "--threshold", "pause=soon"] + asked)
        #expect(bad.status == 2)
        #expect(bad.stderr == "seedance: verify: --threshold pause: expected a number, got \"soon\"\n")
        let help = try runSeedance(["verify", "--help"])
        for name in ["silent-share", "track-limit", "pause", "time_base", "Warn:", "Fail:"] {
            #expect(help.stdout.contains(name), "\(name)")
        }
    }

    @Test func aTruncatedDeliveryFailsItsChecksRatherThanBeingBadInput() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cut = dir.appendingPathComponent("cut.mp4")
        let good = try Data(contentsOf: URL(fileURLWithPath: qa("good-720p.mp4")))
        try good.prefix(good.count / 2).write(to: cut)
        let result = try runSeedance(["verify", cut.path] + asked)
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAIL  decode  truncated: the "))
        #expect(result.stderr.isEmpty)
    }
}
