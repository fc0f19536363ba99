import Foundation
import SeedanceAPI
import Simulator
import Testing
import TestSupport

/// The API commands run as the real binary against the simulator on loopback.
@Suite struct APICommandTests {
    static func env(_ base: URL? = nil, key: String? = ClientHarness.key) -> [String: String] {
        var env: [String: String] = ["HOME": NSTemporaryDirectory()]
        if let key { env["SEEDANCE_API_KEY"] = key }
        if let base { env["SEEDANCE_BASE_URL"] = base.absoluteString }
        return env
    }

    @Test func dryRunPrintsTheSeedBodyAndTheEstimateWithoutAKey() throws {
        let result = try runSeedance([
            "submit", "--dry-run", "--json",
            "--prompt", WireAndValidationTests.seedRequest.prompt ?? "",
            "--image", "https://docs.test.maxtoken.io/dog.png:reference_image",
            "--image", "https://docs.test.maxtoken.io/happy.png:reference_image",
            "--audio", "--resolution", "720p", "--ratio", "16:9", "--duration", "5",
            "--no-camera-fixed", "--watermark",
        ], environment: Self.env(key: nil))
        #expect(result.status == 0, "\(result.stderr)")
        let output = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let seed = try #require(JSONSerialization.jsonObject(with: Data(WireAndValidationTests.seedJSON.utf8))
            as? [String: Any])
        // Every field given, as given; the rest sent explicitly (no camera_fixed default needed: it was given).
        let sent = try #require(output["body"] as? [String: Any])
        for (key, value) in seed { #expect(sent[key] as? NSObject == value as? NSObject, "\(key)") }
        let added = sent.filter { seed[$0.key] == nil }
        #expect(Set(added.keys) == ["seed", "return_last_frame", "execution_expires_after"])
        #expect(added["seed"] as? Int == -1 && added["return_last_frame"] as? Bool == false)
        #expect(added["execution_expires_after"] as? Int == 172_800)
        #expect((output["estimate"] as? [String: Any])?["tokens"] as? Int == 108_900)
    }

    @Test func badInputExitsTwoNamingTheField() throws {
        let result = try runSeedance(["submit", "--dry-run", "--prompt", "a", "--duration", "30"],
                                     environment: Self.env(key: nil))
        #expect(result.status == 2)
        #expect(result.stderr.contains("duration") && result.stderr.contains("4...15"))
        let noKey = try runSeedance(["status", "cgt-1", "--base-url", "http://127.0.0.1:9/api/v3"],
                                    environment: Self.env(key: nil))
        #expect(noKey.status == 2 && noKey.stderr.contains("SEEDANCE_API_KEY"))
        let local = try runSeedance(["submit", "--dry-run", "--prompt", "a", "--image", "/nonexistent.png"],
                                    environment: Self.env(key: nil))
        #expect(local.status == 2 && local.stderr.contains("/nonexistent.png"))
        let plain = try runSeedance(["submit", "--dry-run", "--prompt", "a", "--base-url", "http://45.32.108.182:15555/api/v3"],
                                    environment: Self.env(key: nil))
        #expect(plain.status == 0 && plain.stderr.contains("warning") && plain.stderr.contains("plain http"))
    }

    @Test func submitStatusWaitListDownloadCancelAgainstTheSimulator() async throws {
        try await ClientHarness.with { h in
            let env = Self.env(h.simulator.baseURL)
            var outputs: [RunResult] = []
            defer { for output in outputs { #expect(!(output.stdout + output.stderr).contains(ClientHarness.key)) } }
            // A local image becomes a data URL (first frame, adaptive ratio).
            let image = h.directory.appendingPathComponent("first.png")
            let make = try run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "color=c=blue:s=640x360", "-frames:v", "1",
                                          image.path])
            #expect(make.status == 0)
            let submit = try runSeedance(["submit", "--prompt", "a blue sky", "--image", image.path + ":first_frame",
                                          "--resolution", "480p", "--duration", "4", "--no-audio",
                                          "--return-last-frame", "--json"], environment: env)
            outputs.append(submit)
            #expect(submit.status == 0, "\(submit.stderr)")
            let id = try #require((try JSONSerialization.jsonObject(with: Data(submit.stdout.utf8)) as? [String: Any])?["id"] as? String)
            #expect(submit.stderr.contains("estimate:"))

            let clip = h.directory.appendingPathComponent("clip.mp4")
            let wait = try runSeedance(["wait", id, "-o", clip.path, "--timeout", "60", "--json"], environment: env)
            outputs.append(wait)
            #expect(wait.status == 0, "\(wait.stderr)")
            let waited = try #require(JSONSerialization.jsonObject(with: Data(wait.stdout.utf8)) as? [String: Any])
            #expect((waited["task"] as? [String: Any])?["status"] as? String == "succeeded")
            #expect(FileManager.default.fileExists(atPath: clip.path))

            let status = try runSeedance(["status", id], environment: env)
            outputs.append(status)
            #expect(status.status == 0 && status.stdout.contains("succeeded") && status.stdout.contains(id))

            let list = try runSeedance(["list", "--status", "succeeded", "--json"], environment: env)
            outputs.append(list)
            let listed = try #require(JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])
            #expect(listed["total"] as? Int == 1)
            // The tier filter reaches the service: the task is a default-tier one.
            for (tier, total) in [("default", 1), ("flex", 0)] {
                let byTier = try runSeedance(["list", "--service-tier", tier, "--json"], environment: env)
                outputs.append(byTier)
                let answer = try #require(JSONSerialization.jsonObject(with: Data(byTier.stdout.utf8)) as? [String: Any])
                #expect(answer["total"] as? Int == total, "--service-tier \(tier)")
            }
            let badTier = try runSeedance(["list", "--service-tier", "turbo"], environment: env)
            #expect(badTier.status == 2 && badTier.stderr.contains("--service-tier turbo"))

            let png = h.directory.appendingPathComponent("last.png")
            let download = try runSeedance(["download", id, "--last-frame", "-o", png.path], environment: env)
            outputs.append(download)
            #expect(download.status == 0, "\(download.stderr)")
            #expect(FileManager.default.contents(atPath: png.path)?.prefix(4) == Data([0x89, 0x50, 0x4e, 0x47]))

            let cancel = try runSeedance(["cancel", id], environment: env)
            outputs.append(cancel)
            #expect(cancel.status == 0)
            let gone = try runSeedance(["status", id], environment: env)
            outputs.append(gone)
            #expect(gone.status == 3 && gone.stderr.contains("ResourceNotFound"))

            let wrongKey = try runSeedance(["list"], environment: Self.env(h.simulator.baseURL, key: "sk-WRONG-9"))
            #expect(wrongKey.status == 3 && wrongKey.stderr.contains("AuthenticationError"))
            #expect(!(wrongKey.stdout + wrongKey.stderr).contains("sk-WRONG-9"))

            let submitWait = try runSeedance(["submit", "--prompt", "a kite", "--resolution", "480p", "--duration", "4",
                                              "--no-audio", "--wait", "-o",
                                              h.directory.appendingPathComponent("w.mp4").path], environment: env)
            outputs.append(submitWait)
            #expect(submitWait.status == 0, "\(submitWait.stderr)")
            #expect(submitWait.stderr.contains("billed 40594") && submitWait.stderr.contains("estimate 40594"))
        }
    }
}
