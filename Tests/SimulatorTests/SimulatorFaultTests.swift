import Foundation
import Media
import SeedanceAPI
import Simulator
import Testing

/// Injected faults: each one observable by a client and by QA on the delivered file.
@Suite struct SimulatorFaultTests {
    @Test func faultSpecParsesAndRefusesNonsense() throws {
        let plan = try FaultPlan(spec: "seed=7, 429=0.1,fail=0.5,wrong-size=1,slow-seconds=0.5")
        #expect(plan.seed == 7 && plan.rates[.rateLimited] == 0.1 && plan.rates[.fail] == 0.5)
        #expect(plan.rates[.wrongSize] == 1 && plan.slowSeconds == 0.5)
        #expect(try FaultPlan(spec: "all=0.2").rates.count == FaultKind.allCases.count)
        #expect(throws: FaultSpecError.self) { try FaultPlan(spec: "explode=0.1") }
        #expect(throws: FaultSpecError.self) { try FaultPlan(spec: "429=2") }
        #expect(throws: FaultSpecError.self) { try FaultPlan(spec: "seed") }
    }

    @Test func drawsAreDeterministicUnderASeedAndFollowTheRate() throws {
        let a = try FaultPlan(spec: "seed=1,fail=0.3"), b = try FaultPlan(spec: "seed=1,fail=0.3")
        let c = try FaultPlan(spec: "seed=2,fail=0.3")
        let drawsA = (0..<1000).map { a.strikes(.fail, ordinal: $0) }
        #expect(drawsA == (0..<1000).map { b.strikes(.fail, ordinal: $0) })
        #expect(drawsA != (0..<1000).map { c.strikes(.fail, ordinal: $0) })
        let hits = drawsA.filter { $0 }.count
        #expect((240...360).contains(hits))
        #expect(!a.strikes(.black, ordinal: 0))
    }

    @Test func requestFaultsAnswer429And500AndCreateNothing() async throws {
        try await SimulatorHarness.with({ $0.faults = try! FaultPlan(spec: "429=1") }) { h in
            let answer = try await h.send("POST", h.tasksURL, body: body())
            #expect(answer.status == 429 && answer.errorCode == "ServerOverloaded")
        }
        try await SimulatorHarness.with({ $0.faults = try! FaultPlan(spec: "500=1") }) { h in
            let answer = try await h.send("POST", h.tasksURL, body: body())
            #expect(answer.status == 500 && answer.errorCode == "InternalServiceError")
            let stats = try await h.simulator.stats()
            #expect(stats.createsAccepted == 0 && stats.createsRefused == 1 && stats.faults["500"] == 1)
        }
    }

    @Test func droppedCreateStillCreatesTheTask() async throws {
        try await SimulatorHarness.with({ c in
            c.faults = try! FaultPlan(spec: "drop=1")
            c.runSeconds = 1_000_000
        }) { h in
            await #expect(throws: (any Error).self) { _ = try await h.send("POST", h.tasksURL, body: body()) }
            let stats = try await h.simulator.stats()
            #expect(stats.createsAccepted == 1)
            #expect(stats.tasks.values.reduce(0, +) == 1)
        }
    }

    @Test func failedTaskSaysOutputVideoSensitiveContentDetected() async throws {
        try await SimulatorHarness.with({ $0.faults = try! FaultPlan(spec: "fail=1") }) { h in
            let task = try await h.waitUntilDone(try await h.create(body(#""resolution":"480p","duration":4"#)))
            #expect(task.status == .failed && task.error?.code == "OutputVideoSensitiveContentDetected")
            #expect(task.content == nil && task.usage == nil)
        }
    }

    @Test func blackAndFrozenClipsDecodeAsSuch() async throws {
        for (spec, name) in [("black=1", "black.mp4"), ("frozen=1", "frozen.mp4"), ("", "moving.mp4")] {
            try await SimulatorHarness.with({ $0.faults = try! FaultPlan(spec: spec) }) { h in
                let task = try await h.waitUntilDone(try await h.create(body(#""resolution":"480p","duration":4"#)))
                let (_, path) = try await h.download(try #require(task.content?.videoURL), name: name)
                let samples = try lumaSamples(of: path, frames: [10, 60])
                let early = try #require(samples[10]), late = try #require(samples[60])
                switch name {
                case "black.mp4": #expect(mean(early) < 17 && mean(late) < 17)
                case "frozen.mp4": #expect(difference(early, late) < 1 && mean(early) > 30)
                default: #expect(difference(early, late) > 2)   // the picture moves
                }
            }
        }
    }

    /// Renders a 480p 16:9 4 s clip under `spec` and probes what was delivered.
    private func deliveredClip(faults spec: String) async throws -> Result<MediaInfo, any Error> {
        try await SimulatorHarness.with({ $0.faults = try! FaultPlan(spec: spec) }) { h in
            let task = try await h.waitUntilDone(try await h.create(
                body(#""resolution":"480p","ratio":"16:9","duration":4,"generate_audio":true"#)))
            #expect(task.status == .succeeded)
            let (status, path) = try await h.download(try #require(task.content?.videoURL), name: "fault.mp4")
            #expect(status == 200)
            return Result { try probe(path) }
        }
    }

    @Test func wrongClipsAreRealFilesThatQACanCatch() async throws {
        let wrongSize = try await deliveredClip(faults: "wrong-size=1").get()
        #expect(wrongSize.video.map { [$0.width, $0.height] } != [864, 496])
        let noAudio = try await deliveredClip(faults: "no-audio=1").get()
        #expect(noAudio.audio == nil && noAudio.video?.width == 864)
        let short = try await deliveredClip(faults: "short=1").get()
        #expect(short.video?.frameCount == 48)
        let silent = try await deliveredClip(faults: "silent=1").get()
        #expect(silent.audio?.codec == "aac" && silent.video?.frameCount == 97)
    }

    @Test func expiredLinkFaultGives403() async throws {
        try await SimulatorHarness.with({ $0.faults = try! FaultPlan(spec: "expire=1") }) { h in
            let task = try await h.waitUntilDone(try await h.create(body(#""resolution":"480p","duration":4"#)))
            let answer = try await h.send("GET", try #require(task.content?.videoURL), key: nil)
            #expect(answer.status == 403)
            #expect(try await h.simulator.stats().downloadsRefused == 1)
        }
    }

    @Test func slowAnswersComeLate() async throws {
        try await SimulatorHarness.with({ $0.faults = try! FaultPlan(spec: "slow=1,slow-seconds=0.4") }) { h in
            let start = Date()
            let answer = try await h.send("GET", h.tasksURL)
            #expect(answer.status == 200)
            #expect(Date().timeIntervalSince(start) >= 0.4)
        }
    }
}
