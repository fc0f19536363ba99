import Foundation
import Pipeline
import Testing

/// The shot state machine alone: which transitions apply from which state, and the invariants every sequence keeps.
@Suite struct ShotMachineTests {
    func attempt(_ number: Int, task: String? = nil) -> AttemptRecord {
        var a = AttemptRecord(shotID: "s", number: number, reason: "first", state: task == nil ? .creating : .created,
                              markerSeed: 7, submittedAt: 100)
        a.taskID = task
        return a
    }

    func clip(passed: Bool, tokens: Int = 100) -> ClipOutcome {
        ClipOutcome(attemptClip: "attempts/s-1.mp4", shotClip: passed ? "clips/s.mp4" : nil, poster: "p", lastFrame: "l",
                    sheet: "h", probe: "{}", qa: "{}", failedChecks: passed ? [] : ["audio"], tokens: tokens)
    }

    @Test func aShotGoesFromPendingToDoneThroughEveryStep() throws {
        var shot = ShotRecord(id: "s", position: 0, state: .creating)
        shot.attempts = 1
        var r = try ShotMachine.apply(.created(attempt: 1, taskID: "t1", reconciled: false), to: shot, attempt: attempt(1), now: 200)
        #expect(r.shot.state == .queued && r.shot.taskID == "t1" && r.attempt?.state == .created && r.shot.startedAt == 200)
        r = try ShotMachine.apply(.running, to: r.shot, attempt: nil)
        r = try ShotMachine.apply(.succeeded, to: r.shot, attempt: nil)
        #expect(r.shot.state == .downloading)
        r = try ShotMachine.apply(.delivered(attempt: 1, clip(passed: true), retry: false), to: r.shot,
                                  attempt: attempt(1, task: "t1"), now: 300)
        #expect(r.shot.state == .done && r.shot.clipPath == "clips/s.mp4" && r.shot.qaPassed == true)
        #expect(r.attempt?.state == .succeeded && r.attempt?.clipPath == "attempts/s-1.mp4")
        #expect(r.shot.tokens == 100 && r.shot.finishedAt == 300)
    }

    @Test func transitionsFromTheWrongStateAreRefused() {
        let pending = ShotRecord(id: "s", position: 0)
        #expect(throws: TransitionError.self) { try ShotMachine.apply(.succeeded, to: pending, attempt: nil) }
        #expect(throws: TransitionError.self) { try ShotMachine.apply(.created(attempt: 1, taskID: "t", reconciled: false), to: pending, attempt: attempt(1)) }
        var queued = pending
        queued.state = .queued
        // A shot with a task out is never reset: it would be sent again and paid twice.
        #expect(throws: TransitionError.self) { try ShotMachine.apply(.reset(reason: "x", identities: nil), to: queued, attempt: nil) }
        #expect(throws: TransitionError.self) { try ShotMachine.apply(.blocked(reason: "x"), to: queued, attempt: nil) }
        var creating = pending
        creating.state = .creating
        // A transition naming an attempt needs the attempt.
        #expect(throws: TransitionError.self) { try ShotMachine.apply(.refused(attempt: 1, message: "x"), to: creating, attempt: nil) }
    }

    @Test func aTurnedAwayCreateLeavesNoAttemptAndFreesItsNumber() throws {
        var shot = ShotRecord(id: "s", position: 0, state: .creating)
        shot.attempts = 3
        let r = try ShotMachine.apply(.turnedAway(attempt: 3, message: "429"), to: shot, attempt: attempt(3))
        #expect(r.deleteAttempt && r.shot.state == .pending && r.shot.attempts == 2)
    }

    @Test func tokensAreBilledOncePerAttemptAndSumToTheShot() throws {
        var shot = ShotRecord(id: "s", position: 0, state: .downloading)
        shot.attempts = 1
        var a = attempt(1, task: "t1")
        a.tokens = 100  // billed already when the clip was given up as undelivered
        shot.tokens = 100
        let r = try ShotMachine.apply(.delivered(attempt: 1, clip(passed: true, tokens: 100), retry: false), to: shot, attempt: a)
        #expect(r.shot.tokens == 100, "fetched again: not billed twice")
        var fresh = ShotRecord(id: "s", position: 0, state: .running)
        fresh.tokens = 50
        let failed = try ShotMachine.apply(.taskFailed(attempt: 2, reason: "moderation", tokens: 30, retry: true),
                                           to: fresh, attempt: attempt(2, task: "t2"))
        #expect(failed.shot.tokens == 80 && failed.attempt?.tokens == 30 && failed.shot.state == .pending)
    }

    @Test func aResetGivesAFreshBudgetAndForgetsTheClip() throws {
        var shot = ShotRecord(id: "s", position: 0, state: .done)
        shot.attempts = 4
        shot.clipPath = "clips/s.mp4"
        shot.qaPassed = true
        let ids = ShotIdentities(planRequest: "p2", request: "r2", identity: "i2", chained: true)
        let r = try ShotMachine.apply(.reset(reason: "the plan changed", identities: ids), to: shot, attempt: nil)
        #expect(r.shot.state == .pending && r.shot.budgetFloor == 4 && r.shot.clipPath == nil && r.shot.qaPassed == nil)
        #expect(r.shot.identity == "i2" && r.shot.chained && r.shot.attempts == 4)
    }

    @Test func aSupersededAttemptKeepsItsClipAndTheShotIsMadeAgain() throws {
        var shot = ShotRecord(id: "s", position: 0, state: .downloading)
        shot.taskID = "t1"
        let r = try ShotMachine.apply(.superseded(attempt: 1, clip: "attempts/s-1.mp4", tokens: 70), to: shot,
                                      attempt: attempt(1, task: "t1"))
        #expect(r.shot.state == .pending && r.shot.taskID == nil && r.shot.tokens == 70)
        #expect(r.attempt?.state == .superseded && r.attempt?.clipPath == "attempts/s-1.mp4")
    }

    /// Random walks over the machine: whatever is applied, a shot's tokens are the sum of its attempts' tokens, a
    /// done shot has a clip that passed, and a final shot has an end time.
    @Test func invariantsHoldOverRandomSequences() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var shot = ShotRecord(id: "s", position: 0)
            var attempts: [Int: AttemptRecord] = [:]
            for _ in 0..<40 {
                let n = max(shot.attempts, 1)
                if shot.state == .pending {
                    shot.attempts += 1
                    shot.state = .creating
                    attempts[shot.attempts] = attempt(shot.attempts)
                    continue
                }
                let options: [ShotTransition] = [
                    .created(attempt: n, taskID: "t\(n)", reconciled: Bool.random()), .outcomeUnknown(attempt: n, message: "?"),
                    .turnedAway(attempt: n, message: "429"), .refused(attempt: n, message: "bad"), .notCreated(attempt: n),
                    .running, .succeeded, .taskFailed(attempt: n, reason: "x", tokens: 10, retry: Bool.random()),
                    .delivered(attempt: n, clip(passed: Bool.random(), tokens: 20), retry: Bool.random()),
                    .undelivered(attempt: n, reason: "cdn", tokens: 20), .superseded(attempt: n, clip: nil, tokens: 5),
                    .fetchAgain(taskID: "t\(n)"), .blocked(reason: "b"), .unblocked, .reset(reason: "r", identities: nil),
                ]
                let pick = options[Int.random(in: 0..<options.count, using: &generator)]
                guard let result = try? ShotMachine.apply(pick, to: shot, attempt: attempts[n]) else { continue }
                shot = result.shot
                if result.deleteAttempt { attempts[n] = nil } else if let a = result.attempt { attempts[a.number] = a }
                let billed = attempts.values.compactMap(\.tokens).reduce(0, +)
                #expect((shot.tokens ?? 0) == billed, "tokens after \(pick)")
                if shot.state == .done { #expect(shot.clipPath != nil && shot.qaPassed == true) }
                if shot.state.isFinal { #expect(shot.finishedAt != nil) } else { #expect(shot.finishedAt == nil) }
                #expect(shot.attempts >= shot.budgetFloor)
            }
        }
    }
}
