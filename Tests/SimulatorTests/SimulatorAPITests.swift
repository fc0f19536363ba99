import Foundation
import Media
import SeedanceAPI
import Simulator
import Testing

/// Routes, auth, validation errors, list/delete rules and limits, over loopback.
@Suite struct SimulatorAPITests {
    @Test func bearerKeyIsRequired() async throws {
        try await SimulatorHarness.with({ $0.apiKey = "right" }) { h in
            let missing = try await h.send("POST", h.tasksURL, body: body(), key: nil)
            #expect(missing.status == 401 && missing.errorCode == "AuthenticationError")
            let wrong = try await h.send("GET", h.tasksURL, key: "wrong")
            #expect(wrong.status == 401 && wrong.errorCode == "AuthenticationError")
            #expect(try await h.send("GET", h.tasksURL, key: "right").status == 200)
            let stats = try await h.simulator.stats()
            #expect(stats.createsRefused == 1 && stats.createsAccepted == 0 && stats.lists == 2)
        }
    }

    /// Body, expected status, code and param.
    static let invalidBodies: [(String, Int, String, String?)] = [
        (#"{"content":[{"type":"text","text":"x"}]}"#, 400, "MissingParameter", "model"),
        (#"{"model":"doubao-seedance-2-0-260128","content":null}"#, 400, "MissingParameter", "content"),
        (#"not json"#, 400, "InvalidParameter", "body"),
        (body(#""duration":20"#), 400, "InvalidParameter", "duration"),
        (body(#""duration":"5""#), 400, "InvalidParameter", "duration"),
        (body(#""resolution":"2k""#), 400, "InvalidParameter", "resolution"),
        (body(#""ratio":"5:4""#), 400, "InvalidParameter", "ratio"),
        (body(#""frames":29"#), 400, "InvalidParameter", "frames"),
        (body(#""seed":4294967296"#), 400, "InvalidParameter", "seed"),
        (body(#""execution_expires_after":100"#), 400, "InvalidParameter", "execution_expires_after"),
        (body(#""service_tier":"flex""#), 400, "InvalidParameter", "service_tier"),
        (body(#""callback_url":"ftp://x""#), 400, "InvalidParameter", "callback_url"),
        (#"{"model":"doubao-seedance-2-0-260128","content":[{"type":"text","text":"x"},"#
            + #"{"type":"image_url","image_url":{"url":"https://example.com/a.png"},"role":"hero"}]}"#,
         400, "InvalidParameter", "content.role"),
        (#"{"model":"doubao-seedance-2-0-260128","content":[{"type":"image_url","#
            + #""image_url":{"url":"data:image/PNG;base64,iVBORw0KGgo="}}]}"#,
         400, "InvalidParameter", "content.image_url.url"),
        (#"{"model":"doubao-seedance-2-0-260128","content":[{"type":"text","text":"x"},"#
            + #"{"type":"image_url","image_url":{"url":"https://e.com/a.png"},"role":"reference_image"}],"#
            + #""camera_fixed":true}"#, 400, "InvalidParameter", "camera_fixed"),
        (#"{"model":"doubao-seedance-2-0-260128","content":[{"type":"text","text":"x"},"#
            + #"{"type":"image_url","image_url":{"url":"https://e.com/a.png"},"role":"first_frame"},"#
            + #"{"type":"image_url","image_url":{"url":"https://e.com/b.png"},"role":"reference_image"}]}"#,
         400, "InvalidParameter", "content.role"),
        (#"{"model":"doubao-seedance-1-0-pro-250528","content":[{"type":"text","text":"x"}],"generate_audio":true}"#,
         400, "InvalidParameter", "generate_audio"),
        (#"{"model":"no-such-model","content":[{"type":"text","text":"x"}]}"#,
         404, "InvalidEndpointOrModel.NotFound", "model"),
    ]

    @Test func invalidBodiesGetTheServiceCodeAndParam() async throws {
        try await SimulatorHarness.with { h in
            for (text, status, code, param) in Self.invalidBodies {
                let answer = try await h.send("POST", h.tasksURL, body: text)
                #expect(answer.status == status, "\(text)")
                #expect(answer.errorCode == code, "\(text)")
                #expect(answer.errorParam == param, "\(text)")
                let message = (answer.json["error"] as? [String: Any])?["message"] as? String ?? ""
                #expect(message.contains("Request id:"))
            }
            #expect(try await h.simulator.stats().createsRefused == Self.invalidBodies.count)
        }
    }

    @Test func tooSmallDataURLImageIsRefused() async throws {
        try await SimulatorHarness.with { h in
            let clip = h.directory.appendingPathComponent("s.mp4").path
            let png = h.directory.appendingPathComponent("small.png").path
            try renderSyntheticClip(SyntheticClipSpec(width: 100, height: 100, frameCount: 1, sound: nil),
                                    to: clip, lastFramePNG: png)
            let data = try Data(contentsOf: URL(fileURLWithPath: png)).base64EncodedString()
            let answer = try await h.send("POST", h.tasksURL, body: #"{"model":"doubao-seedance-2-0-260128","#
                + #""content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,\#(data)"}}]}"#)
            #expect(answer.status == 400 && answer.errorParam == "content.image_url.url")
            let garbage = try await h.send("POST", h.tasksURL, body: #"{"model":"doubao-seedance-2-0-260128","#
                + #""content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,aGVsbG8="}}]}"#)
            #expect(garbage.status == 400 && garbage.errorParam == "content.image_url.url")
        }
    }

    @Test func explicitNullsAndLegacyFlagsAreAccepted() async throws {
        try await SimulatorHarness.with({ $0.runSeconds = 1_000_000 }) { h in
            // What the Python SDK sends: every optional field, null.
            let nulls = body(#""generate_audio":null,"resolution":null,"ratio":null,"duration":null,"frames":null,"#
                + #""seed":null,"camera_fixed":null,"watermark":null,"return_last_frame":null,"callback_url":null,"#
                + #""service_tier":null,"execution_expires_after":null,"draft":null,"safety_identifier":null,"#
                + #""priority":null,"tools":null,"output_format":null,"unknown_future_field":1"#)
            let id = try await h.create(nulls)
            let task = try await h.task(id)
            #expect(task.resolution == "720p" && task.ratio == "16:9" && task.duration == 5)
            // Flags in the prompt are honoured; a flag with a nonsense value is ignored, not an error.
            let flagged = try await h.create(body(prompt: "a kite --rs 480p --rt 1:1 --dur 7 --seed 3 --wm banana"))
            let flaggedTask = try await h.task(flagged)
            #expect(flaggedTask.resolution == "480p" && flaggedTask.ratio == "1:1" && flaggedTask.duration == 7)
            #expect(flaggedTask.seed == 3)
            // Body fields win over flags.
            let both = try await h.task(try await h.create(body(#""duration":4"#, prompt: "x --dur 9")))
            #expect(both.duration == 4)
        }
    }

    @Test func listFiltersPagesAndTotals() async throws {
        try await SimulatorHarness.with({ c in
            c.maxRunning = 1
            c.runSeconds = 1_000_000   // the first stays running, the others queued
        }) { h in
            var ids: [String] = []
            for i in 0..<4 { ids.append(try await h.create(body(prompt: "shot \(i)"))) }
            try await h.waitFor(ids[0], .running)
            let page = try await h.send("GET", h.tasksURL + "?page_num=1&page_size=3")
            let list = try JSONDecoder().decode(TaskList.self, from: page.body)
            #expect(list.total == 4 && list.items.count == 3)
            #expect(list.items.first?.id == ids[3])   // newest first
            let second = try JSONDecoder().decode(TaskList.self, from: try await h.send(
                "GET", h.tasksURL + "?page_num=2&page_size=3").body)
            #expect(second.items.map(\.id) == [ids[0]])
            let some = try JSONDecoder().decode(TaskList.self, from: try await h.send(
                "GET", h.tasksURL + "?filter.task_ids=\(ids[0])&filter.task_ids=\(ids[2])").body)
            #expect(some.total == 2 && Set(some.items.map(\.id)) == [ids[0], ids[2]])
            let running = try JSONDecoder().decode(TaskList.self, from: try await h.send(
                "GET", h.tasksURL + "?filter.status=running").body)
            #expect(running.items.map(\.id) == [ids[0]])
            let queued = try JSONDecoder().decode(TaskList.self, from: try await h.send(
                "GET", h.tasksURL + "?filter.status=queued&filter.model=doubao-seedance-2-0-260128").body)
            #expect(queued.total == 3)
            let none = try JSONDecoder().decode(TaskList.self, from: try await h.send(
                "GET", h.tasksURL + "?filter.model=other").body)
            #expect(none.total == 0 && none.items.isEmpty)
            let bad = try await h.send("GET", h.tasksURL + "?page_size=501")
            #expect(bad.status == 400 && bad.errorParam == "page_size")
            let badStatus = try await h.send("GET", h.tasksURL + "?filter.status=sleeping")
            #expect(badStatus.status == 400 && badStatus.errorParam == "filter.status")
        }
    }

    @Test func deleteFollowsThePerStatusRules() async throws {
        try await SimulatorHarness.with({ c in
            c.maxRunning = 1
            c.runSeconds = 1_000_000
        }) { h in
            let running = try await h.create(body(prompt: "one"))
            let queued = try await h.create(body(prompt: "two"))
            try await h.waitFor(running, .running)
            #expect(try await h.task(running).status == .running)
            let refused = try await h.send("DELETE", "\(h.tasksURL)/\(running)")
            #expect(refused.status == 400)
            #expect(try await h.send("DELETE", "\(h.tasksURL)/\(queued)").status == 200)
            #expect(try await h.task(queued).status == .cancelled)
            #expect(try await h.send("DELETE", "\(h.tasksURL)/\(queued)").status == 400)
            let unknownRoute = try await h.send("GET", h.simulator.baseURL.absoluteString + "/nope")
            #expect(unknownRoute.status == 404 && unknownRoute.errorCode == "NotFound")
            let missing = try await h.send("GET", "\(h.tasksURL)/cgt-nope")
            #expect(missing.status == 404 && missing.errorCode == "ResourceNotFound")
            #expect(try await h.send("DELETE", "\(h.tasksURL)/cgt-nope").status == 404)
        }
        try await SimulatorHarness.with { h in
            let id = try await h.create(body(#""resolution":"480p","duration":4"#))
            #expect(try await h.waitUntilDone(id).status == .succeeded)
            #expect(try await h.send("DELETE", "\(h.tasksURL)/\(id)").status == 200)
            #expect(try await h.send("GET", "\(h.tasksURL)/\(id)").status == 404)
            #expect(try await h.simulator.stats().deletes == 1)
        }
    }

    @Test func limitsAreAnsweredLikeTheService() async throws {
        try await SimulatorHarness.with({ c in
            c.requestsPerMinute = 2
            c.runSeconds = 1_000_000
        }) { h in
            _ = try await h.create(body(prompt: "a"))
            _ = try await h.create(body(prompt: "b"))
            let third = try await h.send("POST", h.tasksURL, body: body(prompt: "c"))
            #expect(third.status == 429 && third.errorCode == "ModelAccountRpmRateLimitExceeded")
            // The limit is per model.
            _ = try await h.create(#"{"model":"doubao-seedance-1-5-pro-251215","content":[{"type":"text","text":"d"}]}"#)
            let stats = try await h.simulator.stats()
            #expect(stats.createsAccepted == 3 && stats.createsRefused == 1)
        }
        try await SimulatorHarness.with({ c in
            c.maxRunning = 1
            c.queueCapacity = 2
            c.runSeconds = 1_000_000
        }) { h in
            try await h.waitFor(try await h.create(body(prompt: "q0")), .running)
            for i in 1..<3 { _ = try await h.create(body(prompt: "q\(i)")) }   // two queued
            let refused = try await h.send("POST", h.tasksURL, body: body(prompt: "q3"))
            #expect(refused.status == 429 && refused.errorCode == "QuotaExceeded")
            let list = try JSONDecoder().decode(TaskList.self, from: try await h.send(
                "GET", h.tasksURL + "?filter.status=queued").body)
            #expect(list.total == 2)
        }
    }
}
