import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Pipeline
import SeedanceAPI
import Simulator
import Testing
import TestSupport

/// Runs with callbacks through the simulator on loopback: the simulator POSTs each status change to the run's
/// receiver, the runner confirms hints with one list call per batch, and the safety-net poll finishes a run whose
/// callbacks never come.
@Suite(.serialized) struct CallbackRunTests {
    static let plan = """
        name: callback edit
        defaults: {resolution: 480p, ratio: "16:9", duration: 4, audio: true}
        shots:
          - {id: one, prompt: a puppy walks into a room}
          - {id: two, prompt: the puppy eats cake}
          - {id: three, prompt: the puppy runs in the garden}
          - {id: four, prompt: the puppy sleeps}
        """

    var logger: Logger { SimulatorHarness.quietLogger("test.callbacks") }

    /// The simulator's requests that cost: creates, GETs, list calls and downloads.
    static func requests(_ stats: SimulatorStats) -> Int {
        stats.createsAccepted + stats.createsRefused + stats.gets + stats.lists + stats.downloads
    }

    /// A configuration for a short run: no checks or join (the requests are what is measured).
    static func configuration(_ harness: SimulatorHarness, _ name: String) -> RunConfiguration {
        var configuration = harness.configuration(name)
        configuration.verify = false
        configuration.concatenate = false
        return configuration
    }

    /// One run of the plan on a fresh simulator; with `callbacks`, a receiver on a free loopback port serves it and
    /// the service is told `publicURL(port, simulator root)` (default: the receiver's own address under `/hooks`).
    func measure(callbacks: Bool, safety: Double = 30,
                 publicURL: (@Sendable (Int, URL) -> String)? = nil,
                 during: (@Sendable (Int, CallbackInbox) async throws -> Void)? = nil)
        async throws -> (RunSummary, SimulatorStats) {
        try await SimulatorHarness.with { harness in
            let path = try harness.writePlan(Self.plan)
            var configuration = Self.configuration(harness, callbacks ? "callbacks" : "polling")
            let inbox = CallbackInbox()
            if callbacks {
                configuration.callbacks = inbox
                configuration.safetyPollInterval = safety
                configuration.callbackBatchWindow = 0.05
            }
            let runner = try await PipelineRunner(plan: try PlanLoader.load(path: path), planFile: path,
                                                  configuration: configuration, service: harness.service, logger: logger)
            let summary: RunSummary
            if callbacks {
                let receiver = CallbackReceiver(sink: inbox, host: "127.0.0.1", port: 0, logger: logger)
                summary = try await receiver.serving { port in
                    inbox.setPublicURL(publicURL?(port, harness.simulator.rootURL) ?? "http://127.0.0.1:\(port)/hooks")
                    if let during {
                        return try await withThrowingTaskGroup(of: RunSummary?.self) { group in
                            group.addTask { try await runner.run() }
                            group.addTask { try await during(port, inbox); return nil }
                            var result: RunSummary?
                            for try await value in group { if let value { result = value } }
                            return try #require(result)
                        }
                    }
                    return try await runner.run()
                }
            } else {
                summary = try await runner.run()
            }
            return (summary, try await harness.simulator.stats())
        }
    }

    @Test func aRunWithCallbacksFinishesWithFewerRequestsThanPolling() async throws {
        let (polled, pollStats) = try await measure(callbacks: false)
        let (called, callStats) = try await measure(callbacks: true)
        #expect(polled.done == 4 && called.done == 4, "\(polled) \(called)")
        #expect(polled.callbacks == nil)
        #expect(pollStats.callbacksDelivered == 0)
        // Every status change reached the receiver (queued, running and succeeded for 4 tasks) and was taken as a
        // hint (one that beat the create's answer to the runner would be a task not known yet).
        #expect(callStats.callbacksDelivered == 12 && callStats.callbacksFailed == 0, "\(callStats)")
        let counts = try #require(called.callbacks)
        #expect(counts.accepted >= 4 && counts.accepted + counts.unknownTask == 12, "\(counts)")
        #expect(counts.badSecret == 0 && counts.malformed == 0 && counts.replayed == 0, "\(counts)")
        // The hints were confirmed through the list call, in batches, never by a GET per task.
        #expect(counts.confirmations >= 1 && counts.confirmations <= 4, "\(counts)")
        #expect(callStats.gets == 0)
        #expect(callStats.lists <= counts.confirmations + 1, "lists \(callStats.lists), \(counts)")
        #expect(callStats.lists < pollStats.lists, "lists with callbacks \(callStats.lists), polling \(pollStats.lists)")
        #expect(Self.requests(callStats) < Self.requests(pollStats),
                "requests with callbacks \(Self.requests(callStats)), polling \(Self.requests(pollStats))")
    }

    @Test func badReplayedUnknownAndUnreadableCallbacksAreIgnoredAndCounted() async throws {
        let inbox = CallbackInbox()
        inbox.expect(["cgt-known"])
        let receiver = CallbackReceiver(sink: inbox, host: "127.0.0.1", port: 0, logger: logger)
        try await receiver.serving { port async throws -> Void in
            let root = "http://127.0.0.1:\(port)/hooks"
            func post(_ path: String, _ body: String) async throws -> Int {
                var request = HTTPClientRequest(url: root + path)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: body))
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                _ = try await response.body.collect(upTo: 1 << 16)
                return Int(response.status.code)
            }
            let secret = inbox.secret.value
            let done = #"{"id":"cgt-known","status":"succeeded"}"#
            // A wrong secret (one digit off, same length), none at all, and the secret not last: refused unread.
            let wrong = String(secret.dropLast()) + (secret.last == "0" ? "1" : "0")
            #expect(try await post("/\(wrong)", done) == 404)
            #expect(try await post("", done) == 404)
            #expect(try await post("/\(secret)/more", done) == 404)
            // A task that is not the run's.
            #expect(try await post("/\(secret)", #"{"id":"cgt-stranger","status":"succeeded"}"#) == 200)
            // Bodies without a task id and status.
            #expect(try await post("/\(secret)", "not json") == 400)
            #expect(try await post("/\(secret)", #"{"status":"succeeded"}"#) == 400)
            // Nothing so far is a hint: no list call is due, and none would confirm anything.
            let later = Date().timeIntervalSince1970 + 10
            #expect(!inbox.batchDue(now: later, window: 0))
            #expect(inbox.takeBatch(confirming: false).isEmpty)
            // A real status change is a hint; the same one again is a replay and adds nothing.
            #expect(try await post("/\(secret)", done) == 200)
            #expect(inbox.batchDue(now: later, window: 0))
            #expect(inbox.takeBatch(confirming: true) == ["cgt-known"])
            #expect(try await post("/\(secret)", done) == 200)
            #expect(!inbox.batchDue(now: later, window: 0))
            #expect(inbox.takeBatch(confirming: false).isEmpty)
            let counts = inbox.counts
            #expect(counts.badSecret == 3 && counts.unknownTask == 1 && counts.malformed == 2 && counts.replayed == 1,
                    "\(counts)")
            #expect(counts.accepted == 1 && counts.confirmations == 1 && counts.ignored == 7, "\(counts)")
        }
    }

    @Test func aRunWhoseCallbacksNeverArriveFinishesThroughTheSafetyPoll() async throws {
        // The service is told a URL that answers 404 (the simulator's own, where no callback route is); meanwhile forged callbacks reach the receiver (a wrong
        // secret claiming success, and a task of no run): they are counted and change nothing.
        let (summary, stats) = try await measure(callbacks: true, safety: 0.5, publicURL: { _, root in root.appendingPathComponent("nowhere").absoluteString },
                                                 during: { port, inbox in
            for (path, id) in [("/hooks/\(String(repeating: "0", count: 64))", "cgt-any"), ("/hooks/\(inbox.secret.value)", "cgt-stranger")] {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
                request.method = .POST
                request.body = .bytes(ByteBuffer(string: #"{"id":"\#(id)","status":"succeeded"}"#))
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                _ = try await response.body.collect(upTo: 1 << 16)
            }
        })
        #expect(summary.done == 4 && summary.failed == 0, "\(summary)")
        let counts = try #require(summary.callbacks)
        #expect(counts.accepted == 0 && counts.confirmations == 0, "\(counts)")
        #expect(counts.badSecret == 1 && counts.unknownTask == 1, "\(counts)")
        #expect(stats.callbacksDelivered == 0 && stats.callbacksFailed == 12, "\(stats)")
        // The safety poll found the clips: list calls at its interval, not the 0.1 s poll interval.
        #expect(stats.lists >= 1 && stats.gets == 0, "\(stats)")
    }
}
