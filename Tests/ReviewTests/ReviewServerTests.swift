import AsyncHTTPClient
import Foundation
import NIOCore
import Pipeline
import Review
import Testing
import TestSupport

/// The review server over HTTP on loopback: what each endpoint answers, who may ask (token, origin, host), which files
/// it serves, and that a regeneration asked for twice is made once. Every server is stopped before its test ends.
@Suite(.serialized) struct ReviewServerTests {
    @Test func thePageAndEveryReadNeedTheToken() async throws {
        try await ReviewHarness.with { harness in
            let folder = try await harness.makeRun()
            try await harness.reviewing(folder) { address in
                #expect(address.full.hasPrefix("http://127.0.0.1:"))
                #expect(address.token.count == 64)

                let bare = try await Exchange.send(address.origin + "/")
                #expect(bare.status == 403 && !bare.text.contains(address.token))
                let wrong = try await Exchange.send(address.origin + "/?token=" + String(repeating: "0", count: 64))
                #expect(wrong.status == 403)

                let page = try await Exchange.send(address.full)
                #expect(page.status == 200)
                #expect(page.text.contains("<script src=\"/review.js\"></script>"))
                let cookie = try #require(page.headers.first(name: "Set-Cookie"))
                #expect(cookie.hasPrefix(address.cookie) && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
                let policy = try #require(page.headers.first(name: "Content-Security-Policy"))
                #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'self'") && !policy.contains("unsafe"))
                #expect(page.headers.first(name: "Cache-Control") == "no-store")
                // The cookie alone opens the page again (a reload without the query).
                #expect(try await Exchange.send(address.origin + "/", headers: [("Cookie", address.cookie)]).status == 200)

                let script = try await Exchange.send(address.origin + "/review.js")
                #expect(script.status == 200 && script.text.contains("EventSource(base + 'api/events')"))
                #expect(script.headers.first(name: "Content-Type")?.hasPrefix("text/javascript") == true)
                #expect(try await Exchange.send(address.origin + "/review.css").status == 200)

                #expect(try await Exchange.send(address.origin + "/api/state").status == 403)
                let stateResponse = try await Exchange.send(address.origin + "/api/state", headers: [("Cookie", address.cookie)])
                #expect(stateResponse.status == 200 && stateResponse.headers.first(name: "Cache-Control") == "no-store")
                #expect(!stateResponse.text.contains(ReviewHarness.apiKey), "the API key never reaches the page")
                let document = try #require(stateResponse.json)
                #expect(document.run["edit_order"] as? [String] == ["opening", "chained", "garden"])
                #expect(document["can_generate"] as? Bool == true)
                let garden = try #require(document.shot("garden"))
                #expect(garden["clip"] as? String == "clips/garden.mp4")
                #expect((garden["cost"] as? [String: Any])?["currency"] as? String == "USD")
                let parameters = try #require((document["parameters"] as? [String: [String: String]])?["garden"])
                #expect(parameters["resolution"] == "480p" && parameters["duration"] == "4" && parameters["ratio"] == "16:9")
                #expect(parameters["content"] == nil)
            }
        }
    }

    @Test func actionsWithoutTheTokenOrFromAnotherOriginChangeNothing() async throws {
        try await ReviewHarness.with { harness in
            let folder = try await harness.makeRun()
            let before = try await Self.decisions(folder)
            try await harness.reviewing(folder) { address in
                let approve = "/api/shots/opening/approve"
                let refused: [(String, [(String, String)])] = [
                    ("missing token", [("Content-Type", "application/json"), ("Origin", address.origin)]),
                    ("wrong token", [("Content-Type", "application/json"), ("Origin", address.origin),
                                     ("X-Seedance-Token", String(address.token.reversed()))]),
                    ("token in the cookie only", [("Content-Type", "application/json"), ("Origin", address.origin),
                                                  ("Cookie", address.cookie)]),
                    ("foreign origin", [("Content-Type", "application/json"), ("Origin", "http://evil.example"),
                                        ("X-Seedance-Token", address.token)]),
                    ("another port's origin", [("Content-Type", "application/json"), ("Origin", "http://127.0.0.1:1"),
                                               ("X-Seedance-Token", address.token)]),
                    ("foreign referer", [("Content-Type", "application/json"), ("Referer", "http://evil.example/x"),
                                         ("X-Seedance-Token", address.token)]),
                    ("no origin nor referer", [("Content-Type", "application/json"), ("X-Seedance-Token", address.token)]),
                    ("a form post", [("Content-Type", "application/x-www-form-urlencoded"), ("Origin", address.origin),
                                     ("X-Seedance-Token", address.token)]),
                    ("a rebinding host", [("Content-Type", "application/json"), ("Origin", address.origin),
                                          ("X-Seedance-Token", address.token), ("Host", "evil.example:\(address.port)")]),
                ]
                for (name, headers) in refused {
                    for path in [approve, "/api/shots/opening/reject", "/api/shots/opening/drop", "/api/order",
                                 "/api/shots/opening/regenerate", "/api/join"] {
                        let answer = try await Exchange.send(address.origin + path, method: .POST, headers: headers + [("Idempotency-Key", UUID().uuidString)],
                                                             body: #"{"reason":"x","order":["garden"],"dropped":true}"#)
                        #expect([403, 415, 421].contains(answer.status), "\(name) \(path): \(answer.status) \(answer.text)")
                    }
                }
                // A GET of an action does nothing either.
                #expect(try await Exchange.send(address.origin + approve + "?token=" + address.token).status == 404)
                // Reads with a foreign Host are refused too.
                let rebound = try await Exchange.send(address.origin + "/api/state",
                                                      headers: [("Cookie", address.cookie), ("Host", "evil.example:\(address.port)")])
                #expect(rebound.status == 421)
            }
            #expect(try await Self.decisions(folder) == before, "a refused action changed the run")
            #expect(try await harness.stats().createsAccepted == 3)
        }
    }

    @Test func reviewDecisionsAreOverridesTheNextRunKeeps() async throws {
        try await ReviewHarness.with { harness in
            let folder = try await harness.makeRun()
            try await harness.reviewing(folder, withService: false) { address in
                let approved = try await Exchange.action(address, "/api/shots/opening/approve")
                #expect(approved.status == 200, "\(approved.text)")
                let noReason = try await Exchange.action(address, "/api/shots/chained/reject", #"{"reason":"  "}"#)
                #expect(noReason.status == 400)
                #expect(try await Exchange.action(address, "/api/shots/chained/reject", #"{"reason":"the cake is wrong"}"#).status == 200)
                #expect(try await Exchange.action(address, "/api/shots/nope/approve").status == 404)
                #expect(try await Exchange.action(address, "/api/order", #"{"order":["garden","nope"]}"#).status == 404)
                #expect(try await Exchange.action(address, "/api/order", #"{"order":["garden","opening","garden"]}"#).status == 409)
                #expect(try await Exchange.action(address, "/api/shots/chained/drop", #"{"dropped":true}"#).status == 200)
                #expect(try await Exchange.action(address, "/api/order", #"{"order":["garden","opening"]}"#).status == 200)
                // Without a key the page cannot make shots again, and says why.
                let regenerate = try await Exchange.action(address, "/api/shots/chained/regenerate", #"{"prompt":"a cat"}"#, key: "key-0000001")
                #expect(regenerate.status == 503 && regenerate.text.contains("SEEDANCE_API_KEY"))

                let document = try await Exchange.waitForState(address) { ($0.run["edit_order"] as? [String]) == ["garden", "opening"] }
                let chained = try #require(document.shot("chained"))
                let override = try #require(chained["override"] as? [String: Any])
                #expect(override["approved"] as? Bool == false && override["dropped"] as? Bool == true)
                #expect(override["reason"] as? String == "the cake is wrong")
                #expect((document.shot("opening")?["override"] as? [String: Any])?["approved"] as? Bool == true)

                // A join needs no key: the edit as decided, into final.mp4.
                let join = try await Exchange.action(address, "/api/join", key: "join-0000001")
                #expect(join.status == 202, "\(join.text)")
                let joined = try await Exchange.waitForState(address) { doc in doc.jobs.contains { $0["kind"] as? String == "join" && ["done", "failed"].contains($0["state"] as? String) } }
                let job = try #require(joined.jobs.last)
                #expect(job["state"] as? String == "done", "\(job)")
                #expect((joined.run["final"] as? [String: Any])?["shots"] as? [String] == ["garden", "opening"])
            }
            // The decisions are in the run: the report says so, and the plan run again keeps them and joins the same.
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/report.json"))) as? [String: Any]
            #expect(report?["edit_order"] as? [String] == ["garden", "opening"])
            // The page of the report shows the edit in that order, the dropped shot after it.
            let html = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
            let positions = ["shot-garden", "shot-opening", "shot-chained"].compactMap { html.range(of: "id=\"\($0)\"")?.lowerBound }
            #expect(positions.count == 3 && positions == positions.sorted(), "report.html is not in edit order")
            let planPath = harness.directory.appendingPathComponent("plan.yaml").path
            let rerun = try await PipelineRunner(plan: try PlanLoader.load(path: planPath), planFile: planPath,
                                                 configuration: harness.runConfiguration(folder), service: harness.service,
                                                 logger: ReviewHarness.quietLogger("test.rerun"))
            #expect(rerun.difference.creates == 0)
            let summary = try await rerun.run()
            #expect(summary.createsNow == 0 && summary.finalPassed == true)
            let store = try SQLiteJobStore(path: folder + "/state.sqlite", readOnly: true)
            let overrides = try await store.overrides()
            #expect(overrides.first { $0.shotID == "chained" }?.dropped == true)
            #expect(overrides.first { $0.shotID == "opening" }?.approved == true)
            #expect(try await harness.stats().createsAccepted == 3)
        }
    }

    @Test func aRegenerationAskedTwiceIsMadeOnce() async throws {
        try await ReviewHarness.with { harness in
            let folder = try await harness.makeRun()
            try await harness.reviewing(folder) { address in
                // Not rejected: nothing to make again.
                let early = try await Exchange.action(address, "/api/shots/garden/regenerate", "{}", key: "early-000001")
                #expect(early.status == 409)
                // A spending action must name itself.
                #expect(try await Exchange.action(address, "/api/shots/garden/regenerate", "{}").status == 400)
                #expect(try await Exchange.action(address, "/api/shots/garden/reject", #"{"reason":"too dark"}"#).status == 200)
                let before = try await harness.stats().createsAccepted

                // A double click (the same key twice at once) and a second tab (another key).
                let body = #"{"prompt":"the puppy runs in a sunny garden","seed":42,"reason":"too dark"}"#
                async let first = Exchange.action(address, "/api/shots/garden/regenerate", body, key: "click-000001")
                async let second = Exchange.action(address, "/api/shots/garden/regenerate", body, key: "click-000001")
                let answers = try await [first, second]
                #expect(answers.map(\.status) == [202, 202], "\(answers.map(\.text))")
                #expect(answers[0].json?["job"] as? String == answers[1].json?["job"] as? String)
                let other = try await Exchange.action(address, "/api/shots/garden/regenerate", body, key: "tab2-0000001")
                #expect(other.status == 409, "\(other.text)")

                let done = try await Exchange.waitForState(address) { doc in
                    doc.jobs.contains { $0["kind"] as? String == "regenerate" && ["done", "failed"].contains($0["state"] as? String) }
                }
                let job = try #require(done.jobs.first)
                #expect(job["state"] as? String == "done", "\(job)")
                #expect(job["creates"] as? Int == 1)
                // The same key after the run answers as before; a reload's new request finds nothing rejected.
                let again = try await Exchange.action(address, "/api/shots/garden/regenerate", body, key: "click-000001")
                #expect(again.status == 202 && again.json?["job"] as? String == answers[0].json?["job"] as? String)
                let reload = try await Exchange.action(address, "/api/shots/garden/regenerate", body, key: "reload-00001")
                #expect(reload.status == 409)
                #expect(try await harness.stats().createsAccepted == before + 1)

                let garden = try #require(done.shot("garden"))
                #expect(garden["prompt"] as? String == "the puppy runs in a sunny garden")
                let attempts = try #require(garden["attempts"] as? [[String: Any]])
                #expect(attempts.count == 2 && attempts.last?["seed"] as? Int == 42)
                #expect(attempts.allSatisfy { $0["clip"] is String }, "every attempt keeps its clip")
            }
            // Recorded as `seedance regenerate` records it: an override with the prompt, seed and a new take.
            let store = try SQLiteJobStore(path: folder + "/state.sqlite", readOnly: true)
            let override = try #require(try await store.overrides().first { $0.shotID == "garden" })
            #expect(override.prompt == "the puppy runs in a sunny garden" && override.seed == 42 && override.take == 1)
            #expect(override.approved == nil)
        }
    }

    @Test func filesComeOnlyFromInsideTheRunFolder() async throws {
        try await ReviewHarness.with { harness in
            let folder = try await harness.makeRun()
            // A secret beside the run folder, and links inside it that lead out.
            let secret = harness.directory.appendingPathComponent("secret.txt")
            try "the secret".write(to: secret, atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: folder + "/clips/leak.mp4", withDestinationPath: secret.path)
            try FileManager.default.createSymbolicLink(atPath: folder + "/up", withDestinationPath: "..")
            try await harness.reviewing(folder) { address in
                let cookie = "Cookie: \(address.cookie)"
                let attempts = [
                    "/files/../secret.txt", "/files/clips/../../secret.txt", "/files/%2e%2e/secret.txt",
                    "/files/%2E%2E%2Fsecret.txt", "/files/clips%2f..%2f..%2fsecret.txt", "/files/..%5csecret.txt",
                    "/files//etc/passwd", "/files/%2fetc/passwd", "/files/clips/leak.mp4", "/files/up/secret.txt",
                    "/files/state.sqlite", "/files/.lock", "/files/clips/%00.mp4", "/files/",
                    "http://127.0.0.1:\(address.port)/files/../secret.txt", "/files/./report.json",
                ]
                for target in attempts {
                    let answer = try await RawHTTP.get(port: address.port, target: target, headers: [cookie])
                    #expect([400, 403, 404].contains(answer.status), "\(target): \(answer.status)")
                    #expect(!answer.text.contains("the secret") && !answer.text.contains("root:") && !answer.text.contains("SQLite format"),
                            "\(target) served something from outside")
                }
                // Inside, with the token: the clip, byte for byte, and a range of it (players seek with ranges).
                let clip = try Data(contentsOf: URL(fileURLWithPath: folder + "/clips/garden.mp4"))
                let served = try await Exchange.send(address.origin + "/files/clips/garden.mp4", headers: [("Cookie", address.cookie)])
                #expect(served.status == 200 && served.body == clip)
                #expect(served.headers.first(name: "Content-Type") == "video/mp4")
                let range = try await Exchange.send(address.origin + "/files/clips/garden.mp4",
                                                    headers: [("Cookie", address.cookie), ("Range", "bytes=0-99")])
                #expect(range.status == 206 && range.body == clip.prefix(100))
                #expect(try await Exchange.send(address.origin + "/files/thumbs/garden.jpg?token=\(address.token)").status == 200)
                #expect(try await Exchange.send(address.origin + "/files/clips/garden.mp4").status == 403)
                #expect(try await Exchange.send(address.origin + "/files/clips/garden.mp4?v=2",
                                                method: .POST, headers: [("Cookie", address.cookie)]).status == 405)
            }
        }
    }

    @Test func theEventStreamSendsEachChangeWithoutAReload() async throws {
        try await ReviewHarness.with { harness in
            let folder = try await harness.makeRun()
            try await harness.reviewing(folder, withService: false) { address in
                var request = HTTPClientRequest(url: address.origin + "/api/events")
                request.headers.add(name: "Cookie", value: address.cookie)
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                #expect(response.status == .ok)
                #expect(response.headers.first(name: "Content-Type") == "text/event-stream")
                var text = ""
                var approved = false
                for try await chunk in response.body {
                    text += String(buffer: chunk)
                    let events = text.components(separatedBy: "\n\n").filter { $0.hasPrefix("event: state") }
                    if events.count == 1 && !approved {
                        approved = true
                        #expect(try await Exchange.action(address, "/api/shots/garden/approve").status == 200)
                    }
                    if let last = events.last, events.count >= 2, last.contains(#""approved":true"#) { break }
                }
                let events = text.components(separatedBy: "\n\n").filter { $0.hasPrefix("event: state") }
                #expect(events.count >= 2, "the change came as an event: \(text.prefix(300))")
                #expect(events.first?.contains(#""approved":true"#) == false)
            }
        }
    }

    @Test func aFolderThatIsNotARunIsRefused() async throws {
        let empty = try FixturePaths.temporaryDirectory("review-empty")
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: StoreError.self) { try ReviewServer(configuration: ReviewConfiguration(directory: empty.path)) }
        #expect(throws: StoreError.self) {
            try ReviewServer(configuration: ReviewConfiguration(directory: empty.appendingPathComponent("missing").path))
        }
    }

    /// Everything a review decision writes: overrides and the join order.
    static func decisions(_ folder: String) async throws -> String {
        let store = try SQLiteJobStore(path: folder + "/state.sqlite", readOnly: true)
        let overrides = try await store.overrides().map { "\($0.shotID) \(String(describing: $0.approved)) \($0.dropped) \($0.take)" }
        return overrides.sorted().joined(separator: ";") + "|" + (try await store.meta("join_order") ?? "none")
    }
}
