import Foundation
import SeedanceAPI
import Simulator
import Testing
import TestSupport

/// Faults that behave like the network, and a client that sends strict JSON, says what it sends and checks local
/// images before any request.
@Suite struct WireFidelityTests {
    @Test func truncatedDownloadResumesWithRangeAndEndsByteIdentical() async throws {
        let data = try FixturePaths.temporaryDirectory("wire-truncate")
        defer { try? FileManager.default.removeItem(at: data) }
        try await ClientHarness.with({ c in
            c.faults = try! FaultPlan(spec: "truncate=1")
            c.dataDirectory = data
        }) { h in
            let created = try await h.client.create(smallRequest())
            let task = try await h.client.wait(for: created.id, timeout: 60)
            let out = h.directory.appendingPathComponent("resumed.mp4")
            let result = try await h.client.download(created.id, .video, to: out, task: task)
            #expect(result.resumes >= 1)
            // The file served: the task's signed copy of the render (its C2PA manifest names the task).
            let rendered = try #require(FileManager.default.enumerator(atPath: data.path)?
                .compactMap { $0 as? String }.filter { $0.hasSuffix("/\(created.id).mp4") })
            try #require(rendered.count == 1)
            let original = try #require(FileManager.default.contents(atPath: data.appendingPathComponent(rendered[0]).path))
            #expect(try Data(contentsOf: out) == original)
            #expect(try await h.simulator.stats().faults["truncate"] ?? 0 >= 1)
        }
    }

    /// A seed whose drops fall exactly on the delete (ordinal 1 after the create at 0), not on its retry or re-read.
    static let deleteDropSeed: Int = (0..<10_000).first { s in
        let plan = try! FaultPlan(spec: "seed=\(s),drop=0.5")
        return !plan.strikes(.drop, ordinal: 0) && plan.strikes(.drop, ordinal: 1)
            && !(2...6).contains { plan.strikes(.drop, ordinal: $0) }
    } ?? -1

    @Test func cancelRetriedAfterALostAnswerIsASuccess() async throws {
        try await ClientHarness.with({ c in
            c.faults = try! FaultPlan(spec: "seed=\(Self.deleteDropSeed),drop=0.5")
            c.queueSeconds = 1_000_000
        }) { h in
            let created = try await h.client.create(smallRequest())
            let outcome = try await h.client.delete(created.id)
            #expect(outcome == .alreadyCancelled)
            #expect(try await h.client.task(created.id).status == .cancelled)
            #expect(try await h.simulator.stats().faults["drop"] == 1)
        }
    }

    @Test func cancelCommandExitsZeroWithANoteAfterALostAnswer() async throws {
        try await ClientHarness.with({ c in
            c.faults = try! FaultPlan(spec: "seed=\(Self.deleteDropSeed),drop=0.5")
            c.queueSeconds = 1_000_000
        }) { h in
            let created = try await h.client.create(smallRequest())
            let cancel = try runSeedance(["cancel", created.id], environment: APICommandTests.env(h.simulator.baseURL))
            #expect(cancel.status == 0, "\(cancel.stderr)")
            #expect(cancel.stderr.contains("note: the first answer was lost") && cancel.stderr.contains("cancelled"))
            #expect(cancel.stdout.contains(created.id))
        }
    }

    @Test func theOnePageExampleIsSentAsStrictJSON() throws {
        let path = FixturePaths.fixture("api/one-page-example.json")
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: StrictJSON.Problem.self) { try StrictJSON.check(original) }
        let result = try runSeedance(["submit", "--body", path, "--dry-run"], environment: APICommandTests.env(key: nil))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("note: --body \(path): dropped the trailing commas on lines 13, 20"))
        let sent = Data(result.stdout.dropLast().utf8)
        try StrictJSON.check(sent)
        // Sent as written otherwise: the same bytes less the two commas.
        #expect(sent == StrictJSON.removingTrailingCommas(original).data)
    }

    @Test func otherInvalidBodiesAreRefusedNamingTheLine() throws {
        let dir = try FixturePaths.temporaryDirectory("wire-body")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.json")
        try Data("{\n  \"model\": \"doubao-seedance-2-0-260128\"\n  \"content\": []\n}\n".utf8).write(to: file)
        let result = try runSeedance(["submit", "--body", file.path, "--dry-run"], environment: APICommandTests.env(key: nil))
        #expect(result.status == 2)
        #expect(result.stderr == "seedance: --body \(file.path): not valid JSON: line 3: expected ',' or '}', found '\"'\n")
    }

    @Test func submitSendsExplicitValuesAndEstimatesWhatItSends() throws {
        func dryRun(_ arguments: [String]) throws -> [String: Any] {
            let result = try runSeedance(["submit", "--dry-run", "--json"] + arguments,
                                         environment: APICommandTests.env(key: nil))
            #expect(result.status == 0, "\(result.stderr)")
            return try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        }
        let text = try dryRun(["--prompt", "a kite"])
        let body = try #require(text["body"] as? [String: Any])
        #expect(body["generate_audio"] as? Bool == true && body["resolution"] as? String == "720p")
        #expect(body["ratio"] as? String == "16:9" && body["duration"] as? Int == 5 && body["seed"] as? Int == -1)
        #expect(body["camera_fixed"] as? Bool == false && body["watermark"] as? Bool == false)
        #expect(body["service_tier"] == nil && body["execution_expires_after"] as? Int == 172_800)
        #expect((text["estimate"] as? [String: Any])?["tokens"] as? Int == 108_900)

        let small = try dryRun(["--prompt", "a kite", "--resolution", "480p", "--duration", "4"])
        #expect((small["estimate"] as? [String: Any])?["tokens"] as? Int == 864 * 496 * 97 / 1024)
        let draft = try dryRun(["--prompt", "a kite", "--draft"])
        #expect((draft["body"] as? [String: Any])?["resolution"] as? String == "480p")
        let reference = try dryRun(["--prompt", "a", "--image", "https://e.com/a.png:reference_image"])
        #expect((reference["body"] as? [String: Any])?["camera_fixed"] == nil)
        let older = try dryRun(["--prompt", "a", "--model", "doubao-seedance-1-5-pro-251215"])
        #expect((older["body"] as? [String: Any])?["service_tier"] as? String == "default")
        let negative = try dryRun(["--prompt", "a", "--seed", "-1", "--duration", "-1"])
        let negativeBody = try #require(negative["body"] as? [String: Any])
        #expect(negativeBody["seed"] as? Int == -1 && negativeBody["duration"] as? Int == -1)
    }

    @Test func localImagesAreCheckedBeforeAnyRequestIsSent() async throws {
        try await ClientHarness.with { h in
            let env = APICommandTests.env(h.simulator.baseURL)
            let tiny = h.directory.appendingPathComponent("tiny.png")
            try pngBytes(width: 100, height: 100).write(to: tiny)
            let refused = try runSeedance(["submit", "--prompt", "a", "--image", tiny.path + ":first_frame"],
                                          environment: env)
            #expect(refused.status == 2)
            #expect(refused.stderr == "seedance: --image \(tiny.path): 100x100: each side must be 300...6000 px\n")
            let wide = h.directory.appendingPathComponent("wide.png")
            try pngBytes(width: 3000, height: 1000).write(to: wide)
            let tooWide = try runSeedance(["submit", "--prompt", "a", "--image", wide.path], environment: env)
            #expect(tooWide.status == 2 && tooWide.stderr.contains("width/height 3.00 must be within 0.4...2.5"))
            let text = h.directory.appendingPathComponent("notes.png")
            try Data("not an image at all".utf8).write(to: text)
            let notImage = try runSeedance(["submit", "--prompt", "a", "--image", text.path], environment: env)
            #expect(notImage.status == 2 && notImage.stderr.contains("notes.png: not a JPEG, PNG"))
            let ok = h.directory.appendingPathComponent("ok.png")
            try pngBytes(width: 640, height: 360).write(to: ok)
            let bogus = try runSeedance(["submit", "--prompt", "a", "--image", ok.path + ":bogus_role"], environment: env)
            #expect(bogus.status == 2 && bogus.stderr.contains("unknown role bogus_role"), "\(bogus.stderr)")
            let stats = try await h.simulator.stats()
            #expect(stats.createsAccepted + stats.createsRefused == 0, "nothing reached the service")

            // The format comes from the bytes: a PNG named .jpg is labelled image/png.
            let named = h.directory.appendingPathComponent("really-png.jpg")
            try pngBytes(width: 640, height: 360).write(to: named)
            let labelled = try runSeedance(["submit", "--dry-run", "--prompt", "a", "--image", named.path + ":first_frame"],
                                           environment: env)
            #expect(labelled.status == 0 && labelled.stdout.contains("\"url\":\"data:image/png;base64,"))
            // The adaptive ratio is estimated from the image's own size (16:9 here), not guessed.
            #expect(labelled.stderr.contains("864x496") || labelled.stderr.contains("1280x720"))
            #expect(!labelled.stderr.contains("about "))
        }
    }
}

/// A PNG header with the given size (what the checks read; the service would decode the rest).
func pngBytes(width: Int, height: Int) -> Data {
    var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]
    for value in [width, height] { bytes += [24, 16, 8, 0].map { UInt8((value >> $0) & 0xFF) } }
    bytes += [8, 2, 0, 0, 0, 0, 0, 0, 0]
    return Data(bytes)
}
