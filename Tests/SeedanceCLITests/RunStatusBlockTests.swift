import Foundation
import Pipeline
import Testing
import TestSupport
@testable import SeedanceCLI

/// The live block from events alone: `RunStatus` folds the runner's events, `RunStatusBlock` draws them, and
/// `LiveStatusDisplay` writes them in place (given a fake terminal), all without a clock or a terminal.
@Suite struct RunStatusBlockTests {
    /// Three shots of 100,000 tokens each, started at t = 1000.
    private func started() -> RunStatus {
        var status = RunStatus()
        _ = status.apply(.started(shots: ["a", "b", "c"].map {
            ShotStart(id: $0, state: .pending, estimatedTokens: 100_000)
        }), at: 1000)
        return status
    }

    @Test func beforeAnyShotIsDoneTheBlockEstimatesAndCountsByStage() {
        var status = started()
        _ = status.apply(.shot(id: "a", state: .creating, detail: "attempt 1"), at: 1001)
        _ = status.apply(.shot(id: "a", state: .queued, detail: nil), at: 1002)
        _ = status.apply(.shot(id: "b", state: .creating, detail: "attempt 1"), at: 1002)
        #expect(RunStatusBlock.lines(status, now: 1012) == [
            "shots    0 of 3 done",
            "working  1 to send · 1 sending · 1 at the service",
            "elapsed  0:12 · estimating…",
            "tokens   0 billed · about 300,000 in all",
            "  a  at the service  0:11",
            "  b  sending         0:10",
        ])
    }

    @Test func doneShotsGiveTheEstimateOfWhatRemainsAndTheTokensBilled() {
        var status = started()
        for id in ["a", "b"] { _ = status.apply(.shot(id: id, state: .creating, detail: nil), at: 1000) }
        _ = status.apply(.shot(id: "a", state: .running, detail: nil), at: 1005)
        _ = status.apply(.shot(id: "a", state: .downloading, detail: "succeeded"), at: 1030)
        _ = status.apply(.shot(id: "a", state: .downloading, detail: "checking"), at: 1032)
        #expect(RunStatus.stage(of: status.shots[0]) == .checking)
        _ = status.apply(.tokens(id: "a", billed: 108_900, estimated: 100_000), at: 1040)
        _ = status.apply(.shot(id: "a", state: .done, detail: "verified"), at: 1040)
        // a took 40 s; b is 40 s in with 0 s left of that, c waits for a slot (two went at once): one wave of 40 s.
        #expect(status.remaining(at: 1040) == 40)
        #expect(status.billed == 108_900 && status.estimatedTotal == 308_900)
        let lines = RunStatusBlock.lines(status, now: 1040)
        #expect(lines[0] == "shots    1 of 3 done")
        #expect(lines[2] == "elapsed  0:40 · about 0:40 left")
        #expect(lines[3] == "tokens   108,900 billed · about 308,900 in all")
    }

    @Test func theFinalBlockShowsEveryShotDoneAndTheTokensOfTheRun() {
        var status = started()
        for id in ["a", "b", "c"] {
            _ = status.apply(.shot(id: id, state: .creating, detail: nil), at: 1000)
            _ = status.apply(.shot(id: id, state: .done, detail: "verified"), at: 1065)
        }
        #expect(RunStatusBlock.lines(status, now: 1065)[1] == "elapsed  1:05 · finishing", "joining, writing the report")
        _ = status.apply(.finished(done: 3, failed: 0, creates: 3, tokens: 326_700), at: 1066)
        #expect(RunStatusBlock.lines(status, now: 5000) == [
            "shots    3 of 3 done",
            "elapsed  1:06 · finished",
            "tokens   326,700 billed",
        ])
    }

    @Test func failuresRegenerationsAndNotesAreTheLinesKeptAbove() {
        var status = started()
        _ = status.apply(.shot(id: "a", state: .creating, detail: nil), at: 1000)
        _ = status.apply(.shot(id: "a", state: .queued, detail: nil), at: 1001)
        _ = status.apply(.shot(id: "a", state: .downloading, detail: "succeeded"), at: 1002)
        #expect(status.apply(.shot(id: "a", state: .pending, detail: "QA failed: black"), at: 1003)
                == ["a: regenerating (QA failed: black)"])
        _ = status.apply(.shot(id: "b", state: .creating, detail: nil), at: 1000)
        _ = status.apply(.shot(id: "b", state: .unknown, detail: nil), at: 1001)
        #expect(status.apply(.shot(id: "b", state: .pending, detail: "reconciled: no task was created"), at: 1002)
                == ["b: to send again (reconciled: no task was created)"])
        #expect(status.apply(.shot(id: "c", state: .failed, detail: "blocked"), at: 1004) == ["c: failed: blocked"])
        #expect(status.apply(.note("final video: out/final.mp4"), at: 1005) == ["final video: out/final.mp4"])
        #expect(status.apply(.shot(id: "a", state: .creating, detail: "attempt 2"), at: 1006).isEmpty)
        #expect(RunStatusBlock.lines(status, now: 1006)[0] == "shots    0 of 3 done · 1 failed")
    }

    @Test func noLineIsWiderThanTheTerminal() {
        var status = RunStatus()
        let ids = (1...40).map { "a-very-long-shot-name-that-goes-on-\($0)" }
        _ = status.apply(.started(shots: ids.map { ShotStart(id: $0, state: .pending, estimatedTokens: 999_999) }), at: 0)
        for (i, id) in ids.enumerated() {
            let state: ShotState = [.pending, .creating, .queued, .running, .downloading, .done, .failed][i % 7]
            _ = status.apply(.shot(id: id, state: state, detail: nil), at: Double(i))
        }
        for width in [20, 40, 80, 200] {
            let lines = RunStatusBlock.lines(status, now: 7200, width: width, height: 24)
            #expect(lines.allSatisfy { $0.count <= width - 1 }, "\(width): \(lines)")
            #expect(lines.count <= 12, "the block takes at most half the rows: \(lines.count)")
        }
        // Shots out that do not fit are counted.
        #expect(RunStatusBlock.lines(status, now: 7200, width: 200, height: 24).last?.hasPrefix("  … and ") == true)
    }

    @Test func clockAndTokenFormats() {
        #expect(RunStatusBlock.clock(0) == "0:00")
        #expect(RunStatusBlock.clock(65.9) == "1:05")
        #expect(RunStatusBlock.clock(3723) == "1:02:03")
        #expect(RunStatusBlock.grouped(326_700) == "326,700")
        #expect(RunStatusBlock.grouped(1_000_000) == "1,000,000")
        #expect(RunStatusBlock.grouped(999) == "999")
    }

    @Test func liveOnlyForAPersonAtATerminal() {
        let term = ["TERM": "xterm-256color"]
        #expect(ProgressMode.choose(json: false, plain: false, stdoutIsTerminal: true, stderrIsTerminal: true,
                                    environment: term) == .live)
        #expect(ProgressMode.choose(json: true, plain: false, stdoutIsTerminal: true, stderrIsTerminal: true,
                                    environment: term) == .json)
        #expect(ProgressMode.choose(json: false, plain: true, stdoutIsTerminal: true, stderrIsTerminal: true,
                                    environment: term) == .plain)
        #expect(ProgressMode.choose(json: false, plain: false, stdoutIsTerminal: false, stderrIsTerminal: true,
                                    environment: term) == .plain)
        #expect(ProgressMode.choose(json: false, plain: false, stdoutIsTerminal: true, stderrIsTerminal: false,
                                    environment: term) == .plain)
        #expect(ProgressMode.choose(json: false, plain: false, stdoutIsTerminal: true, stderrIsTerminal: true,
                                    environment: ["TERM": "dumb"]) == .plain)
    }

    @Test func theDisplayRedrawsInPlaceAndLeavesTheFinalBlockWithTheCursorShown() {
        let written = Locked("")
        let now = Locked(1000.0)
        let display = LiveStatusDisplay(write: { text in written.withLock { $0 += text } },
                                        size: { (60, 24) }, clock: { now.withLock { $0 } })
        display.handle(.note("QA thresholds: pause=2"))
        display.handle(.started(shots: [ShotStart(id: "a", state: .pending, estimatedTokens: 10)]))
        display.handle(.shot(id: "a", state: .creating, detail: nil))
        now.withLock { $0 = 1003 }
        display.handle(.shot(id: "a", state: .pending, detail: "failed, will regenerate: 500"))
        display.handle(.note("final video: out/final.mp4 (copy), checks passed"))
        display.handle(.tokens(id: "a", billed: 12, estimated: 10))
        display.handle(.shot(id: "a", state: .done, detail: "verified"))
        display.handle(.finished(done: 1, failed: 0, creates: 1, tokens: 12))
        display.close()  // again: nothing more
        let output = written.withLock { $0 }
        #expect(output.contains("\u{1B}[?25l") && output.hasSuffix("\u{1B}[?25h"))
        #expect(output.contains("\u{1B}[4A") && output.contains("\u{1B}[2K"))
        #expect(TerminalScreen.lines(after: output) == [
            "QA thresholds: pause=2",
            "a: to send again (failed, will regenerate: 500)",
            "final video: out/final.mp4 (copy), checks passed",
            "shots    1 of 1 done",
            "elapsed  0:03 · finished",
            "tokens   12 billed",
        ])
    }
}
