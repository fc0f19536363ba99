import Foundation
import Pipeline
import SeedanceAPI
import Testing

/// Matching creates of unknown outcome to listed tasks, alone.
@Suite struct ReconciliationTests {
    func request(seed: Int64, resolution: Resolution = .p480, prompt: String = "a") -> GenerationRequest {
        GenerationRequest(model: "m", content: [.text(prompt)], generateAudio: true, resolution: resolution,
                          ratio: .r16x9, duration: 4, seed: seed)
    }

    func attempt(_ shot: String, at time: Double, _ request: GenerationRequest) -> AttemptRecord {
        AttemptRecord(shotID: shot, number: 1, reason: "first", state: .unknown, markerSeed: request.seed ?? -1,
                      submittedAt: time, echo: EchoedFields(request).json)
    }

    func task(_ id: String, at time: Int64, seed: Int64, resolution: String = "480p") -> GenerationTask {
        var task = try! JSONDecoder().decode(GenerationTask.self, from: Data(#"{"id":"\#(id)","status":"queued"}"#.utf8))
        task.model = "m"
        task.createdAt = time
        task.seed = seed
        task.resolution = resolution
        task.ratio = "16:9"
        task.duration = 4
        task.generateAudio = true
        return task
    }

    @Test func identicalRequestsAreAssignedInOrderAndEachTaskOnce() {
        let r = request(seed: 42)
        let a = attempt("a", at: 1000, r), b = attempt("b", at: 1001, r)
        let assigned = Reconciliation.assign([b, a], among: [task("t2", at: 1002, seed: 42), task("t1", at: 1000, seed: 42)],
                                             recorded: [])
        #expect(assigned["a#1"]?.id == "t1" && assigned["b#1"]?.id == "t2")
        // Only one task exists: one attempt gets it, the other is found never created (and is sent again).
        let one = Reconciliation.assign([a, b], among: [task("t9", at: 1001, seed: 42)], recorded: [])
        #expect(one.count == 1 && one["a#1"]?.id == "t9")
    }

    @Test func aTaskRecordedForAnotherAttemptIsNeverTaken() {
        let r = request(seed: 42)
        let assigned = Reconciliation.assign([attempt("b", at: 1000, r)], among: [task("t1", at: 1000, seed: 42)],
                                             recorded: ["t1"])
        #expect(assigned.isEmpty)
    }

    @Test func everyEchoedFieldMustAgree() {
        let r = request(seed: 42)
        let other = Reconciliation.assign([attempt("a", at: 1000, r)],
                                          among: [task("t1", at: 1000, seed: 42, resolution: "720p")], recorded: [])
        #expect(other.isEmpty, "same seed, other resolution: another request's task")
        let older = Reconciliation.assign([attempt("a", at: 5000, r)], among: [task("t1", at: 1000, seed: 42)], recorded: [])
        #expect(older.isEmpty, "a task made before the attempt was recorded is not its task")
    }

    @Test func theOutageClockStopsRunsOnlyPastItsBound() {
        var outage = Outage(bound: 10)
        #expect(!outage.exceeded(at: 0))
        outage.failed(at: 100, "refused")
        outage.failed(at: 105, "refused")
        #expect(!outage.exceeded(at: 109) && outage.exceeded(at: 110))
        #expect(outage.backoff(at: 105) == 2)
        outage.answered()
        #expect(!outage.exceeded(at: 1000) && outage.since == nil)
    }
}
