import Foundation
import SeedanceAPI
import Simulator
import Testing

/// The rate limit's window (short in tests, so the limit is seen to lift) and the peaks the stats keep of what a
/// client let through: creates per window and tasks in flight.
@Suite struct SimulatorRateWindowTests {
    /// Sends the create bodies one after another; returns the statuses and the time the last 200 came back.
    private func burst(_ h: SimulatorHarness, _ prompts: [String])
        async throws -> (statuses: [Int], refusals: [SimulatorHarness.Answer], lastAccepted: Date) {
        var statuses: [Int] = [], refusals: [SimulatorHarness.Answer] = [], lastAccepted = Date.distantPast
        for prompt in prompts {
            let answer = try await h.send("POST", h.tasksURL, body: body(prompt: prompt))
            statuses.append(answer.status)
            if answer.status == 200 { lastAccepted = Date() } else { refusals.append(answer) }
        }
        return (statuses, refusals, lastAccepted)
    }

    @Test func theLimitCountsOverTheWindowAndLiftsWhenItPasses() async throws {
        try await SimulatorHarness.with({ c in
            c.requestsPerMinute = 3
            c.rateWindow = 1
            c.maxRunning = 1           // one render at a time: the rest wait in the queue and cost nothing
            c.runSeconds = 1_000_000
        }) { h in
            let started = Date()
            let first = try await burst(h, (0..<5).map { "first \($0)" })
            // Only a burst inside one window proves the limit; a machine too slow for that is not a failed limit.
            try #require(Date().timeIntervalSince(started) < 0.9, "the burst took longer than the 1 s window")
            #expect(first.statuses == [200, 200, 200, 429, 429])
            for refusal in first.refusals {
                #expect(refusal.errorCode == "ModelAccountRpmRateLimitExceeded")
                let message = (refusal.json["error"] as? [String: Any])?["message"] as? String ?? ""
                #expect(message.contains("exceeded 3 requests per 1 second."), "\(message)")
            }

            // Every accepted create was stamped before its answer came back, so a window later all have left it.
            try await Task.sleep(for: .seconds(max(0, first.lastAccepted.timeIntervalSinceNow + 1.05)))
            let second = try await burst(h, (0..<4).map { "second \($0)" })
            #expect(second.statuses == [200, 200, 200, 429])

            let stats = try await h.simulator.stats()
            #expect(stats.createsAccepted == 6 && stats.createsRefused == 3)
            #expect(stats.maxCreatesPerWindow == 3)
        }
    }

    @Test func theWindowPeakCountsEveryModel() async throws {
        try await SimulatorHarness.with({ c in
            c.requestsPerMinute = 3
            c.maxRunning = 1
            c.runSeconds = 1_000_000
        }) { h in
            #expect(try await burst(h, ["a", "b", "c", "d"]).statuses == [200, 200, 200, 429])
            for prompt in ["e", "f"] {
                _ = try await h.create(#"{"model":"doubao-seedance-1-5-pro-251215","content":[{"type":"text","text":"\#(prompt)"}]}"#)
            }
            let stats = try await h.simulator.stats()
            // The limit is per model; the peak is of all of them, as a client's own limit sees it.
            #expect(stats.maxCreatesPerWindow == 5)
            let json = try await h.send("GET", h.simulator.rootURL.absoluteString + "/_simulator/stats").json
            #expect(json["max_creates_per_window"] as? Int == 5)
            #expect(json["max_in_flight"] as? Int == 5)
        }
    }

    @Test func inFlightPeakCountsQueuedAndRunningTasksOnly() async throws {
        try await SimulatorHarness.with({ c in
            c.maxRunning = 1
            c.runSeconds = 1_000_000
        }) { h in
            let running = try await h.create(body(prompt: "r"))
            try await h.waitFor(running, .running)
            let queued = [try await h.create(body(prompt: "q1")), try await h.create(body(prompt: "q2"))]
            #expect(try await h.simulator.stats().maxInFlight == 3)
            for id in queued { #expect(try await h.send("DELETE", "\(h.tasksURL)/\(id)").status == 200) }
            _ = try await h.create(body(prompt: "after cancel"))   // 2 in flight: the peak stays
            var stats = try await h.simulator.stats()
            #expect(stats.maxInFlight == 3)
            #expect(stats.tasks == ["running": 1, "queued": 1, "cancelled": 2])
            for prompt in ["x", "y"] { _ = try await h.create(body(prompt: prompt)) }
            stats = try await h.simulator.stats()
            #expect(stats.maxInFlight == 4)
        }
        // A finished task is out of flight.
        try await SimulatorHarness.with { h in
            let done = try await h.create(body(#""resolution":"480p","duration":4"#, prompt: "done"))
            #expect(try await h.waitUntilDone(done).status == .succeeded)
            _ = try await h.create(body(#""resolution":"480p","duration":4"#, prompt: "next"))
            #expect(try await h.simulator.stats().maxInFlight == 1)
        }
    }
}
