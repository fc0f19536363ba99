import Foundation
import SeedanceAPI
import Simulator
import Testing

/// What clients on the wire see: strict JSON, the headers and fields the official SDKs read, the shared rules, drafts.
@Suite struct SimulatorWireTests {
    @Test func trailingCommasAreRefusedWithTheEnvelope() async throws {
        try await SimulatorHarness.with { h in
            let answer = try await h.send("POST", h.tasksURL, body: "{\n" + String(body(#""duration":4,"#).dropFirst()))
            #expect(answer.status == 400 && answer.errorCode == "InvalidParameter" && answer.errorParam == "body")
            let message = ((answer.json["error"] as? [String: Any])?["message"] as? String) ?? ""
            #expect(message.contains("trailing comma") && message.contains("line 2"), "\(message)")
            #expect(try await h.simulator.stats().createsAccepted == 0)
        }
    }

    @Test func clientRequestIDIsEchoedOnAnswersAndErrors() async throws {
        try await SimulatorHarness.with { h in
            let sent = ["X-Client-Request-Id": "sdk-req-42"]
            let ok = try await h.send("GET", h.tasksURL, headers: sent)
            #expect(ok.status == 200 && ok.headers["x-client-request-id"] == "sdk-req-42")
            let refused = try await h.send("POST", h.tasksURL, body: body(#""duration":99"#), headers: sent)
            #expect(refused.status == 400 && refused.headers["x-client-request-id"] == "sdk-req-42")
        }
    }

    @Test func safetyIdentifierComesBackOnTheCreateAnswerAndTheTask() async throws {
        try await SimulatorHarness.with { h in
            let answer = try await h.send("POST", h.tasksURL, body: body(#""safety_identifier":"user-7f3a""#))
            #expect(answer.status == 200 && answer.json["safety_identifier"] as? String == "user-7f3a")
            let id = try #require(answer.json["id"] as? String)
            #expect(try await h.task(id).safetyIdentifier == "user-7f3a")
            let plain = try await h.send("POST", h.tasksURL, body: body())
            #expect(plain.json["safety_identifier"] == nil)
        }
    }

    @Test func listHonoursTheServiceTierFilter() async throws {
        try await SimulatorHarness.with { h in
            let flex = try await h.create(#"{"model":"doubao-seedance-1-5-pro-251215","content":[{"type":"text","text":"a"}],"service_tier":"flex"}"#)
            _ = try await h.create(body())
            let onlyFlex = try await h.send("GET", h.tasksURL + "?filter.service_tier=flex")
            let list = try JSONDecoder().decode(TaskList.self, from: onlyFlex.body)
            #expect(list.total == 1 && list.items.first?.id == flex)
            let both = try JSONDecoder().decode(TaskList.self, from: try await h.send("GET", h.tasksURL).body)
            #expect(both.total == 2)
            let bad = try await h.send("GET", h.tasksURL + "?filter.service_tier=cheap")
            #expect(bad.status == 400 && bad.errorParam == "filter.service_tier")
        }
    }

    @Test func theSharedRulesRefuse4kAnd1080pOnTheFastModel() async throws {
        try await SimulatorHarness.with { h in
            for resolution in ["4k", "1080p"] {
                let answer = try await h.send("POST", h.tasksURL, body: #"{"model":"doubao-seedance-2-0-fast-260128","content":[{"type":"text","text":"a"}],"resolution":"\#(resolution)"}"#)
                #expect(answer.status == 400 && answer.errorParam == "resolution", "\(resolution)")
            }
            #expect(try await h.send("POST", h.tasksURL, body: body(#""resolution":"4k","duration":4"#)).status == 200)
        }
    }

    @Test func aDraftIs480pCheaperAndOnlyASucceededDraftCanBeFinished() async throws {
        try await SimulatorHarness.with { h in
            let draft = try await h.waitUntilDone(try await h.create(body(#""draft":true,"duration":4"#)))
            let full = try await h.waitUntilDone(try await h.create(body(#""duration":4"#)))
            #expect(draft.status == .succeeded && draft.resolution == "480p" && draft.draft == true)
            #expect(full.resolution == "720p")
            let draftTokens = try #require(draft.usage?.totalTokens), fullTokens = try #require(full.usage?.totalTokens)
            #expect(draftTokens == 864 * 496 * 97 / 1024 && draftTokens < fullTokens)

            func finish(_ id: String) async throws -> SimulatorHarness.Answer {
                try await h.send("POST", h.tasksURL, body: #"{"model":"doubao-seedance-2-0-260128","content":[{"type":"draft_task","draft_task":{"id":"\#(id)"}}]}"#)
            }
            let unknown = try await finish("cgt-20250101000000-nope1")
            #expect(unknown.status == 400 && unknown.errorParam == "content.draft_task.id")
            #expect(String(decoding: unknown.body, as: UTF8.self).contains("cgt-20250101000000-nope1"))
            let notADraft = try await finish(full.id)
            #expect(notADraft.status == 400 && String(decoding: notADraft.body, as: UTF8.self).contains(full.id))
            #expect(try await finish(draft.id).status == 200)
        }
    }

    @Test func droppedDeleteActsBeforeTheAnswerIsLost() async throws {
        // Ordinal 0 is the create (no drop), 1 the delete (dropped), then nothing.
        let seed = try #require((0..<10_000).first { s in
            let plan = try! FaultPlan(spec: "seed=\(s),drop=0.5")
            return !plan.strikes(.drop, ordinal: 0) && plan.strikes(.drop, ordinal: 1)
                && !(2...4).contains { plan.strikes(.drop, ordinal: $0) }
        })
        try await SimulatorHarness.with({ c in
            c.faults = try! FaultPlan(spec: "seed=\(seed),drop=0.5")
            c.queueSeconds = 1_000_000
        }) { h in
            let id = try await h.create(body())
            await #expect(throws: (any Error).self) { _ = try await h.send("DELETE", "\(h.tasksURL)/\(id)") }
            #expect(try await h.task(id).status == .cancelled)
            let retry = try await h.send("DELETE", "\(h.tasksURL)/\(id)")
            #expect(retry.status == 400)
        }
    }
}
