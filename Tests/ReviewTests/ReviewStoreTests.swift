import AsyncHTTPClient
import Foundation
import NIOCore
import Pipeline
import Review
import Testing
import TestSupport

/// The review server on runs of a shared PostgreSQL store (`seedance review --store URL [--run ID]`): the list of
/// runs, a stored run's page and document, decisions and a regeneration recorded in the store (one create for a
/// regeneration asked twice), refusals that change nothing, files only from the run's own folder, changes made by
/// another worker showing up live, and the store's password in no answer.
@Suite(.serialized, .enabled(if: try TestConditions.postgres)) struct ReviewStoreTests {
    @Test func theRunsListLinksEachStoredRunAndNoAnswerHoldsThePassword() async throws {
        try await ReviewHarness.with { harness in
            let database = try await ReviewPostgres.openFresh("list")
            defer { database.close() }
            try #require(database.url.password == ReviewPostgres.password)
            let folder = try await harness.makeStoredRun("edit-a", database: database)
            // A run whose folder this machine cannot see (its shared root mounted elsewhere).
            try await database.registerRun(id: "elsewhere", folder: "/nonexistent/runs/elsewhere", budgetTokens: nil)
            let secret = ReviewPostgres.password
            let texts = try await harness.reviewingStore(database) { address -> [String] in
                var texts: [String] = []
                func keep(_ exchange: Exchange) -> Exchange {
                    texts.append(exchange.text)
                    texts.append(exchange.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n"))
                    return exchange
                }
                #expect(keep(try await Exchange.send(address.origin + "/")).status == 403)
                let list = keep(try await Exchange.send(address.full))
                #expect(list.status == 200)
                #expect(list.headers.first(name: "Set-Cookie")?.hasPrefix(address.cookie) == true)
                #expect(list.text.contains("<a href=\"/runs/edit-a/\">edit-a</a>"), "\(list.text)")
                #expect(list.text.contains("3/3 done, 0 failed") && list.text.contains("finished"))
                #expect(list.text.contains(folder) && list.text.contains("of 5000000"))
                #expect(list.text.contains("<a href=\"/runs/elsewhere/\">elsewhere</a>"))
                #expect(list.text.contains("postgres://postgres@127.0.0.1:"), "the store is named, without its password")

                let runs = keep(try await Exchange.send(address.origin + "/api/runs", headers: [("Cookie", address.cookie)]))
                let entries = try #require(runs.json?["runs"] as? [[String: Any]])
                let a = try #require(entries.first { $0["id"] as? String == "edit-a" })
                #expect(a["page"] as? String == "/runs/edit-a/" && a["done"] as? Int == 3 && a["shots"] as? Int == 3)
                #expect(a["folder"] as? String == folder && a["state"] as? String == "finished")
                #expect((a["tokens"] as? Int ?? 0) > 0 && a["budget_tokens"] as? Int == 5_000_000)
                #expect(keep(try await Exchange.send(address.origin + "/api/runs")).status == 403)

                // A run's page: the folder page, reading and acting under /runs/ID/.
                let page = keep(try await Exchange.send(address.origin + "/runs/edit-a/", headers: [("Cookie", address.cookie)]))
                #expect(page.status == 200)
                #expect(page.text.contains("<meta name=\"review-base\" content=\"/runs/edit-a/\">"))
                #expect(page.text.contains("<a href=\"/\">← All runs</a>"))
                #expect(keep(try await Exchange.send(address.origin + "/runs/edit-a/")).status == 403)
                let state = keep(try await Exchange.send(address.origin + "/runs/edit-a/api/state", headers: [("Cookie", address.cookie)]))
                let document = try #require(state.json)
                #expect(document.run["edit_order"] as? [String] == ["opening", "chained", "garden"])
                #expect(document.shot("garden")?["clip"] as? String == "clips/garden.mp4")
                #expect(keep(try await Exchange.send(address.origin + "/runs/edit-a/api/state")).status == 403)
                let clip = keep(try await Exchange.send(address.origin + "/runs/edit-a/files/clips/garden.mp4",
                                                        headers: [("Cookie", address.cookie), ("Range", "bytes=0-99")]))
                let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/clips/garden.mp4"))
                #expect(clip.status == 206 && clip.body == bytes.prefix(100))

                // Runs that cannot be served say why, and make nothing.
                let unknown = keep(try await Exchange.send(address.origin + "/runs/nope/api/state", headers: [("Cookie", address.cookie)]))
                #expect(unknown.status == 404 && unknown.text.contains("no run \\\"nope\\\""), "\(unknown.text)")
                let away = keep(try await Exchange.send(address.origin + "/runs/elsewhere/", headers: [("Cookie", address.cookie)]))
                #expect(away.status == 409 && away.text.contains("which this machine cannot see"), "\(away.text)")
                #expect(!FileManager.default.fileExists(atPath: "/nonexistent/runs/elsewhere"))
                let refused = keep(try await Exchange.action(address, "/runs/edit-a/api/shots/garden/approve", token: "x"))
                #expect(refused.status == 403)
                // The event stream's first document.
                var request = HTTPClientRequest(url: address.origin + "/runs/edit-a/api/events")
                request.headers.add(name: "Cookie", value: address.cookie)
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                var first = ""
                for try await chunk in response.body {
                    first += String(buffer: chunk)
                    if first.contains("\n\n") { break }
                }
                #expect(first.hasPrefix("event: state"))
                texts.append(first)
                let script = keep(try await Exchange.send(address.origin + "/review.js"))
                #expect(script.text.contains("EventSource(base + 'api/events')"))
                return texts
            }
            #expect(texts.count > 20)
            for text in texts { #expect(!text.contains(secret), "an answer holds the store's password") }
            // Reading the runs decided nothing.
            #expect(try await storedDecisions(database, "edit-a") == "[]")
        }
    }

    @Test func aStoredRunsPageActsOnTheStoreAndShowsAnotherWorkersChangesLive() async throws {
        try await ReviewHarness.with { harness in
            let database = try await ReviewPostgres.openFresh("one")
            defer { database.close() }
            _ = try await harness.makeStoredRun("edit-b", database: database)
            try await harness.reviewingStore(database, runID: "edit-b", withService: false) { address in
                // --run: the run at the root, as a folder is served.
                let page = try await Exchange.send(address.full)
                #expect(page.status == 200 && page.text.contains("<meta name=\"review-base\" content=\"/\">"))
                #expect(!page.text.contains("All runs"))
                #expect(try await Exchange.send(address.origin + "/runs/edit-b/", headers: [("Cookie", address.cookie)]).status == 404)

                #expect(try await Exchange.action(address, "/api/shots/opening/approve").status == 200)
                #expect(try await Exchange.action(address, "/api/shots/chained/reject", #"{"reason":"the cake is wrong"}"#).status == 200)
                #expect(try await Exchange.action(address, "/api/shots/chained/drop", #"{"dropped":true}"#).status == 200)
                #expect(try await Exchange.action(address, "/api/order", #"{"order":["garden","opening"]}"#).status == 200)
                #expect(try await Exchange.action(address, "/api/shots/nope/approve").status == 404)
                let offline = try await Exchange.action(address, "/api/shots/chained/regenerate", "{}", key: "key-00000001")
                #expect(offline.status == 503 && offline.text.contains("SEEDANCE_API_KEY"))

                // In the store, where `run`, `resume` and every worker read them.
                let store = PostgresJobStore(database: database, runID: "edit-b")
                let overrides = try await store.overrides()
                #expect(overrides.first { $0.shotID == "opening" }?.approved == true)
                let chained = try #require(overrides.first { $0.shotID == "chained" })
                #expect(chained.approved == false && chained.dropped && chained.reason == "the cake is wrong")
                #expect(try await store.meta(EditOrder.metaKey) == #"["garden","opening"]"#)

                // Another process (a worker on another machine, through its own connection) approves a shot: the
                // page hears of it without a reload.
                let elsewhere = try await PostgresDatabase.open(database.url, logger: ReviewHarness.quietLogger("test.elsewhere"))
                defer { elsewhere.close() }
                try await RunReview(store: PostgresJobStore(database: elsewhere, runID: "edit-b")).approve("garden")
                let seen = try await Exchange.waitForState(address, seconds: 30) { doc in
                    (doc.shot("garden")?["override"] as? [String: Any])?["approved"] as? Bool == true
                }
                #expect(seen.run["edit_order"] as? [String] == ["garden", "opening"])

                // The re-join: the edit as decided, joined by this server as the run's worker.
                let join = try await Exchange.action(address, "/api/join", key: "join-00000001")
                #expect(join.status == 202, "\(join.text)")
                let joined = try await Exchange.waitForState(address) { doc in
                    doc.jobs.contains { $0["kind"] as? String == "join" && ["done", "failed"].contains($0["state"] as? String) }
                }
                #expect(joined.jobs.last?["state"] as? String == "done", "\(joined.jobs)")
                #expect((joined.run["final"] as? [String: Any])?["shots"] as? [String] == ["garden", "opening"])
            }
            #expect(try await database.run("edit-b")?.state == "finished")
            #expect(try await harness.stats().createsAccepted == 3)
        }
    }

    @Test func aRegenerationOfAStoredRunAskedTwiceMakesOneTaskAndRefusalsChangeNothing() async throws {
        try await ReviewHarness.with { harness in
            let database = try await ReviewPostgres.openFresh("regen")
            defer { database.close() }
            _ = try await harness.makeStoredRun("edit-c", database: database)
            try await harness.reviewingStore(database) { address in
                let base = "/runs/edit-c"
                // Refused actions: no token, a wrong one, the cookie only, a foreign origin, a form, a foreign Host.
                let before = try await storedDecisions(database, "edit-c")
                let refused: [[(String, String)]] = [
                    [("Content-Type", "application/json"), ("Origin", address.origin)],
                    [("Content-Type", "application/json"), ("Origin", address.origin), ("X-Seedance-Token", String(address.token.reversed()))],
                    [("Content-Type", "application/json"), ("Origin", address.origin), ("Cookie", address.cookie)],
                    [("Content-Type", "application/json"), ("Origin", "http://evil.example"), ("X-Seedance-Token", address.token)],
                    [("Content-Type", "text/plain"), ("Origin", address.origin), ("X-Seedance-Token", address.token)],
                    [("Content-Type", "application/json"), ("Origin", address.origin), ("X-Seedance-Token", address.token),
                     ("Host", "evil.example:\(address.port)")],
                ]
                for headers in refused {
                    for path in ["/api/shots/garden/reject", "/api/shots/garden/drop", "/api/order",
                                 "/api/shots/garden/regenerate", "/api/join"] {
                        let answer = try await Exchange.send(address.origin + base + path, method: .POST,
                                                             headers: headers + [("Idempotency-Key", UUID().uuidString)],
                                                             body: #"{"reason":"x","order":["garden"],"dropped":true}"#)
                        #expect([403, 415, 421].contains(answer.status), "\(path): \(answer.status) \(answer.text)")
                    }
                }
                #expect(try await storedDecisions(database, "edit-c") == before, "a refused action changed the stored run")
                #expect(try await harness.stats().createsAccepted == 3)

                // Not rejected: nothing to make again.
                #expect(try await Exchange.action(address, base + "/api/shots/garden/regenerate", "{}", key: "early-0000001").status == 409)
                #expect(try await Exchange.action(address, base + "/api/shots/garden/reject", #"{"reason":"too dark"}"#).status == 200)
                let body = #"{"prompt":"the puppy runs in a sunny garden","seed":42,"reason":"too dark"}"#
                async let first = Exchange.action(address, base + "/api/shots/garden/regenerate", body, key: "click-0000001")
                async let second = Exchange.action(address, base + "/api/shots/garden/regenerate", body, key: "click-0000001")
                let answers = try await [first, second]
                #expect(answers.map(\.status) == [202, 202], "\(answers.map(\.text))")
                #expect(answers[0].json?["job"] as? String == answers[1].json?["job"] as? String)
                #expect(try await Exchange.action(address, base + "/api/shots/garden/regenerate", body, key: "tab2-00000001").status == 409)

                let done = try await Exchange.waitForState(address, path: base) { doc in
                    doc.jobs.contains { $0["kind"] as? String == "regenerate" && ["done", "failed"].contains($0["state"] as? String) }
                }
                let job = try #require(done.jobs.first)
                #expect(job["state"] as? String == "done", "\(job)")
                #expect(job["creates"] as? Int == 1)
                #expect(try await harness.stats().createsAccepted == 4, "one task for a regeneration asked twice")
                let reload = try await Exchange.action(address, base + "/api/shots/garden/regenerate", body, key: "reload-000001")
                #expect(reload.status == 409)
                let garden = try #require(done.shot("garden"))
                #expect(garden["prompt"] as? String == "the puppy runs in a sunny garden")
                #expect((garden["attempts"] as? [[String: Any]])?.count == 2)
            }
            // Recorded in the store as `seedance regenerate ID --store URL` records it, so a resume (or any worker)
            // keeps it and makes nothing more.
            let store = PostgresJobStore(database: database, runID: "edit-c")
            let override = try #require(try await store.overrides().first { $0.shotID == "garden" })
            #expect(override.prompt == "the puppy runs in a sunny garden" && override.seed == 42 && override.take == 1)
            #expect(override.approved == nil)
            #expect(try await database.run("edit-c")?.state == "finished")
            let folder = try #require(try await database.run("edit-c")?.folder)
            var shared = SharedRun(database: database, runID: "edit-c", owner: SharedRun.workerName(), capacity: ClaimCapacity(limit: 4))
            shared.untilJoined = true
            let resume = try await PipelineRunner.resume(directory: folder, configuration: harness.sharedRunConfiguration(folder),
                                                         service: harness.service, logger: ReviewHarness.quietLogger("test.resume"),
                                                         shared: shared)
            #expect(resume.difference.creates == 0)
            #expect(try await harness.stats().createsAccepted == 4)
        }
    }

    @Test func aStoredRunsFilesComeOnlyFromItsOwnFolder() async throws {
        try await ReviewHarness.with { harness in
            let database = try await ReviewPostgres.openFresh("files")
            defer { database.close() }
            let folder = try await harness.makeStoredRun("edit-d", database: database)
            // Another run's folder beside it, a secret above, and links inside the run that lead out.
            let other = harness.directory.appendingPathComponent("shared/other")
            try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
            try "the other run".write(to: other.appendingPathComponent("note.txt"), atomically: true, encoding: .utf8)
            try await database.registerRun(id: "other", folder: other.path, budgetTokens: nil)
            let secret = harness.directory.appendingPathComponent("secret.txt")
            try "the secret".write(to: secret, atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: folder + "/clips/leak.mp4", withDestinationPath: secret.path)
            try FileManager.default.createSymbolicLink(atPath: folder + "/up", withDestinationPath: "..")
            try await harness.reviewingStore(database) { address in
                let cookie = "Cookie: \(address.cookie)"
                let attempts = [
                    "/runs/edit-d/files/../other/note.txt", "/runs/edit-d/files/../../secret.txt",
                    "/runs/edit-d/files/%2e%2e/other/note.txt", "/runs/edit-d/files/clips%2f..%2f..%2fother%2fnote.txt",
                    "/runs/edit-d/files/..%5c..%5csecret.txt", "/runs/edit-d/files//etc/passwd",
                    "/runs/edit-d/files/%2fetc/passwd", "/runs/edit-d/files/clips/leak.mp4", "/runs/edit-d/files/up/other/note.txt",
                    "/runs/edit-d/files/up/secret.txt", "/runs/edit-d/files/state.sqlite", "/runs/edit-d/files/",
                    "/runs/..%2fother/files/note.txt", "/runs/%2e%2e/secret.txt", "/runs/../secret.txt",
                    "/runs/edit-d/../other/files/note.txt", "/runs/edit-d/files/./report.json",
                    "/runs/edit-d/files/clips/%00.mp4", "/files/clips/garden.mp4", "/runs//files/clips/garden.mp4",
                ]
                for target in attempts {
                    let answer = try await RawHTTP.get(port: address.port, target: target, headers: [cookie])
                    #expect([400, 403, 404].contains(answer.status), "\(target): \(answer.status)")
                    #expect(!answer.text.contains("the secret") && !answer.text.contains("the other run")
                            && !answer.text.contains("root:"), "\(target) served something from outside the run")
                }
                // The other run's own file, under its own path, is its to serve.
                let own = try await Exchange.send(address.origin + "/runs/other/files/note.txt", headers: [("Cookie", address.cookie)])
                #expect(own.status == 200 && own.text == "the other run")
                let clip = try await Exchange.send(address.origin + "/runs/edit-d/files/clips/garden.mp4", headers: [("Cookie", address.cookie)])
                let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/clips/garden.mp4"))
                #expect(clip.status == 200 && clip.body == bytes)
                #expect(try await Exchange.send(address.origin + "/runs/edit-d/files/clips/garden.mp4").status == 403)
                #expect(try await Exchange.send(address.origin + "/runs/edit-d/files/clips/garden.mp4", method: .POST,
                                                headers: [("Cookie", address.cookie)]).status == 405)
            }
        }
    }
}

extension Exchange {
    /// The document of the run served under `path` (empty: the root).
    static func state(_ address: ReviewAddress, path: String) async throws -> [String: Any] {
        let answer = try await send(address.origin + path + "/api/state", headers: [("Cookie", address.cookie)])
        guard answer.status == 200, let json = answer.json else {
            throw ReviewTestFailure("GET \(path)/api/state: \(answer.status) \(answer.text)")
        }
        return json
    }

    /// Waits until the document of the run under `path` satisfies `done` (at most `seconds`), returning it.
    static func waitForState(_ address: ReviewAddress, path: String, seconds: Double = 120,
                             _ done: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let document = try await state(address, path: path)
            if done(document) { return document }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ReviewTestFailure("the review state did not get there in \(seconds) s: \(try await state(address, path: path))")
    }
}
