import Foundation
import SeedanceAPI
import Simulator
import Testing

/// Every call of `Client` against the simulator on loopback, including its faults.
@Suite struct ClientSimulatorTests {
    @Test func createWaitDownloadAndUsageMatchTheEstimate() async throws {
        try await ClientHarness.with { h in
            let request = smallRequest(lastFrame: true)
            let estimate = try CostEstimate(request: request)
            let created = try await h.client.create(request)
            #expect(created.id.hasPrefix("cgt-"))
            let task = try await h.client.wait(for: created.id, timeout: 60)
            #expect(task.status == .succeeded)
            #expect(task.usage?.totalTokens == estimate.tokens)
            let video = h.directory.appendingPathComponent("clip.mp4")
            let result = try await h.client.download(created.id, to: video)
            let attributes = try FileManager.default.attributesOfItem(atPath: video.path)
            #expect((attributes[.size] as? Int64) == result.bytes && result.bytes > 1000)
            let head = try #require(FileManager.default.contents(atPath: video.path)).prefix(12)
            #expect(String(decoding: head.dropFirst(4).prefix(4), as: UTF8.self) == "ftyp")
            #expect(!FileManager.default.fileExists(atPath: video.path + ".part"))
            let png = h.directory.appendingPathComponent("last.png")
            _ = try await h.client.download(created.id, .lastFrame, to: png)
            #expect(try #require(FileManager.default.contents(atPath: png.path)).prefix(4) == Data([0x89, 0x50, 0x4e, 0x47]))
            let stats = try await h.simulator.stats()
            #expect(stats.createsAccepted == 1 && stats.downloads == 2)
            #expect(!h.logs.text.contains(ClientHarness.key))
        }
    }

    @Test func listFiltersPagesAndBatchPollUsesOneListCall() async throws {
        try await ClientHarness.with { h in
            var ids: [String] = []
            for n in 0..<3 { ids.append(try await h.client.create(smallRequest("kite \(n)")).id) }
            let page = try await h.client.list(TaskQuery(pageNumber: 1, pageSize: 2))
            #expect(page.total == 3 && page.items.count == 2)
            let second = try await h.client.list(TaskQuery(pageNumber: 2, pageSize: 2))
            #expect(second.items.count == 1)
            let two = try await h.client.list(TaskQuery(taskIDs: [ids[0], ids[2]]))
            #expect(Set(two.items.map(\.id)) == [ids[0], ids[2]])
            let byModel = try await h.client.list(TaskQuery(model: "doubao-seedance-1-0-pro-250528"))
            #expect(byModel.total == 0)
            let before = try await h.simulator.stats()
            let finished = try await h.client.waitAll(ids, timeout: 60)
            #expect(Set(finished.keys) == Set(ids) && finished.values.allSatisfy { $0.status == .succeeded })
            let after = try await h.simulator.stats()
            #expect(after.gets == before.gets, "batch polling must not GET each task")
            #expect(after.lists > before.lists)
            let succeeded = try await h.client.list(TaskQuery(status: .succeeded))
            #expect(succeeded.total == 3)
        }
    }

    @Test func deleteCancelsAQueuedTaskAndRefusesACancelledOne() async throws {
        try await ClientHarness.with({ c in c.queueSeconds = 600_000 }) { h in
            let id = try await h.client.create(smallRequest()).id
            try await h.client.delete(id)
            #expect(try await h.client.task(id).status == .cancelled)
            // wait ends on cancelled too.
            #expect(try await h.client.wait(for: id, timeout: 5).status == .cancelled)
            do {
                try await h.client.delete(id)
                Issue.record("deleting a cancelled task should fail")
            } catch let error as ClientError {
                #expect(error.kind == .api && error.httpStatus == 400 && error.code == "InvalidParameter")
                #expect(error.requestID != nil)
            }
        }
    }

    @Test func apiErrorsAreTypedAndNeverShowTheKey() async throws {
        try await ClientHarness.with { h in
            do {
                _ = try await h.client.task("cgt-nope")
                Issue.record("expected 404")
            } catch let error as ClientError {
                #expect(error.kind == .api && error.httpStatus == 404 && error.code == "ResourceNotFound")
                #expect(error.param == "id" && error.requestID != nil && error.taskID == "cgt-nope")
                #expect(error.attempts == 1, "a 404 is not retried")
            }
            // A wrong key: 401, not retried, and neither key appears anywhere.
            let wrong = "sk-wrong-KEY-777"
            let other = Client(configuration: testConfiguration(h.simulator.baseURL, key: wrong), logger: h.logs.logger)
            do {
                _ = try await other.create(smallRequest())
                Issue.record("expected 401")
            } catch let error as ClientError {
                #expect(error.kind == .api && error.httpStatus == 401 && error.code == "AuthenticationError")
                #expect(!error.description.contains(wrong) && !"\(error)".contains(wrong))
            }
            try await other.shutdown()
            #expect(!h.logs.text.contains(wrong) && !h.logs.text.contains(ClientHarness.key))
            #expect(try await h.simulator.stats().createsRefused == 1)
        }
    }

    @Test func invalidRequestsAreRefusedBeforeSending() async throws {
        try await ClientHarness.with { h in
            var request = smallRequest()
            request.duration = 30
            await #expect { try await h.client.create(request) } throws: { error in
                (error as? ClientError)?.kind == .invalidRequest && (error as? ClientError)?.param == "duration"
            }
            let stats = try await h.simulator.stats()
            #expect(stats.createsAccepted == 0 && stats.createsRefused == 0)
        }
    }

    @Test func createIsRetriedAfter429AndMadeOnce() async throws {
        // A fault seed whose first 429 draw strikes and whose second does not.
        let seed = try #require((0..<10_000).first { s in
            let plan = try! FaultPlan(spec: "seed=\(s),429=0.5")
            return plan.strikes(.rateLimited, ordinal: 0) && !plan.strikes(.rateLimited, ordinal: 1)
        })
        try await ClientHarness.with({ c in c.faults = try! FaultPlan(spec: "seed=\(seed),429=0.5") }) { h in
            let id = try await h.client.create(smallRequest()).id
            #expect(id.hasPrefix("cgt-"))
            let stats = try await h.simulator.stats()
            #expect(stats.createsRefused == 1 && stats.createsAccepted == 1)
            #expect(h.logs.text.contains("retrying"))
        }
    }

    @Test func createGetsUnknownOutcomeAfter500AndIsNotResubmitted() async throws {
        try await ClientHarness.with({ c in c.faults = try! FaultPlan(spec: "500=1") }) { h in
            do {
                _ = try await h.client.create(smallRequest())
                Issue.record("expected an unknown outcome")
            } catch let error as ClientError {
                #expect(error.kind == .unknownOutcome && error.httpStatus == 500 && error.code == "InternalServiceError")
                #expect(error.attempts == 1)
            }
            let stats = try await h.simulator.stats()
            #expect(stats.createsRefused + stats.createsAccepted == 1, "create sent exactly once")
        }
    }

    @Test func droppedCreateIsUnknownAndTheTaskIsFoundByListing() async throws {
        // A fault seed whose first drop strikes (the create) and whose next few do not (the list calls).
        let seed = try #require((0..<10_000).first { s in
            let plan = try! FaultPlan(spec: "seed=\(s),drop=0.5")
            return plan.strikes(.drop, ordinal: 0) && !(1...3).contains { plan.strikes(.drop, ordinal: $0) }
        })
        try await ClientHarness.with({ c in c.faults = try! FaultPlan(spec: "seed=\(seed),drop=0.5") }) { h in
            do {
                _ = try await h.client.create(smallRequest())
                Issue.record("expected an unknown outcome")
            } catch let error as ClientError {
                #expect(error.kind == .unknownOutcome && error.httpStatus == nil && error.attempts == 1)
            }
            let stats = try await h.simulator.stats()
            #expect(stats.createsAccepted == 1, "the dropped create made its task, and it was not made twice")
            // Reconciliation: the task the client never heard of is in the list.
            let recent = try await h.client.list(TaskQuery(model: "doubao-seedance-2-0-260128"))
            #expect(recent.total == 1 && recent.items.first?.id.hasPrefix("cgt-") == true)
        }
    }

    @Test func createTimingOutAfterSendingIsUnknownAndNotResubmitted() async throws {
        try await ClientHarness.with({ c in c.faults = try! FaultPlan(spec: "slow=1,slow-seconds=1.5") },
                                     client: { $0.requestTimeout = 0.4 }) { h in
            do {
                _ = try await h.client.create(smallRequest())
                Issue.record("expected an unknown outcome")
            } catch let error as ClientError {
                #expect(error.kind == .unknownOutcome && error.attempts == 1)
            }
            try await Task.sleep(for: .milliseconds(1800))
            let stats = try await h.simulator.stats()
            #expect(stats.createsAccepted == 1)
        }
    }

    @Test func connectionRefusedIsRetriedThenReportedAsNetwork() async throws {
        // A port that was just closed: nothing listens there.
        let simulator = try await SimulatorServer(configuration: SimulatorConfiguration()).start()
        let base = simulator.baseURL
        await simulator.stop()
        let logs = LogCapture()
        let client = Client(configuration: testConfiguration(base), logger: logs.logger)
        do {
            _ = try await client.create(smallRequest())
            Issue.record("expected a network error")
        } catch let error as ClientError {
            #expect(error.kind == .network, "\(error)")
            #expect(error.attempts == 4, "nothing was sent, so create may be retried")
        }
        try await client.shutdown()
    }

    @Test func expiredLinkIsRefreshedByRereadingTheTask() async throws {
        try await ClientHarness.with({ c in c.linkLifetime = 300 }) { h in
            let id = try await h.client.create(smallRequest()).id
            let task = try await h.client.wait(for: id, timeout: 60)
            try await Task.sleep(for: .milliseconds(500))   // the link in `task` has expired by now
            let result = try await h.client.download(id, to: h.directory.appendingPathComponent("a.mp4"), task: task)
            #expect(result.linkRefreshes == 1 && result.bytes > 1000)
            let stats = try await h.simulator.stats()
            #expect(stats.downloadsRefused == 1 && stats.downloads == 1)
        }
    }

    @Test func waitReturnsFailedTasksAndHonoursItsTimeout() async throws {
        try await ClientHarness.with({ c in c.faults = try! FaultPlan(spec: "fail=1") }) { h in
            let id = try await h.client.create(smallRequest()).id
            let task = try await h.client.wait(for: id, timeout: 60)
            #expect(task.status == .failed && task.error?.code == "OutputVideoSensitiveContentDetected")
            await #expect { try await h.client.download(id, to: h.directory.appendingPathComponent("x.mp4")) } throws: {
                ($0 as? ClientError)?.kind == .download
            }
        }
        try await ClientHarness.with({ c in c.queueSeconds = 600_000 }) { h in
            let id = try await h.client.create(smallRequest()).id
            let start = Date()
            await #expect { try await h.client.wait(for: id, timeout: 0.3) } throws: {
                ($0 as? ClientError)?.kind == .timedOut
            }
            #expect(Date().timeIntervalSince(start) < 3)
            // Cancellation ends a wait too.
            let waiting = Task { try await h.client.wait(for: id) }
            try await Task.sleep(for: .milliseconds(100))
            waiting.cancel()
            await #expect { try await waiting.value } throws: { ($0 as? ClientError)?.kind == .cancelled }
        }
    }
}
