import Foundation
import Pipeline
import PropertyBased
import Testing
import TestSupport

/// Random runs against the real SQLite store: sequences of creates and their answers (task, unknown, turned away,
/// refused), reconciliations (also one that "finds" a task another attempt already holds), polls, failures,
/// deliveries, lost downloads, kills (the store reopened from its file) and resets. Whatever the order, the store
/// keeps three promises: one live task per shot, no task recorded twice, and a paid clip always recorded.
@Suite struct StoreInvariantPropertyTests {
    static let shotIDs = ["a", "b", "c"]

    @Test func randomEventSequencesKeepTheInvariants() async throws {
        await propertyCheck(count: 40, input: Gen.int(in: 0...99_999).array(of: 1...60)) { codes in
            try await Self.play(codes)
        }
    }

    /// What the test knows happened, to check the store against.
    struct Model {
        var nextTask = 0
        /// Every task id the store accepted (a create's answer or a reconciliation).
        var created: Set<String> = []
        /// Clips delivered, by task: the attempt must keep the clip and the tokens billed.
        var paid: [String: (clip: String, tokens: Int)] = [:]

        mutating func newTask() -> String {
            nextTask += 1
            return "cgt-\(nextTask)"
        }
    }

    /// Plays one sequence: each code picks a shot (code % 3), an event ((code / 3) % 10) and a variant (code / 30).
    static func play(_ codes: [Int]) async throws {
        let dir = try FixturePaths.temporaryDirectory("store-property")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.sqlite").path
        var store = try SQLiteJobStore(path: path)
        var changes = PlanChanges()
        for (position, id) in shotIDs.enumerated() {
            var shot = ShotRecord(id: id, position: position)
            shot.requestIdentity = "r-\(id)"
            shot.planRequestIdentity = "r-\(id)"
            shot.identity = "i-\(id)"
            changes.newShots.append(shot)
            changes.requests["r-\(id)"] = "{}"
        }
        try await store.apply(changes)
        var model = Model()

        for code in codes {
            let shotID = shotIDs[code % 3]
            let event = (code / 3) % 10
            let variant = code / 30
            let shot = try #require(try await store.shot(shotID))
            let last = try await store.attempts(shotID: shotID).last
            /// Applies `transition`; nil when the store refused it as not allowed from the shot's state.
            func apply(_ transition: ShotTransition) async throws -> ShotRecord? {
                do {
                    return try await store.transition(shotID, transition)
                } catch is TransitionError {
                    return nil
                }
            }
            switch event {
            case 0 where shot.state == .pending:
                _ = try await store.beginAttempt(shotID: shotID, reason: "first", markerSeed: Int64(code), echo: "")
            case 1 where last != nil:
                let task = model.newTask()
                if try await apply(.created(attempt: last!.number, taskID: task, reconciled: false)) != nil {
                    model.created.insert(task)
                }
            case 2 where last != nil:
                let number = last!.number
                switch variant % 3 {
                case 0: _ = try await apply(.outcomeUnknown(attempt: number, message: "timed out after sending"))
                case 1: _ = try await apply(.turnedAway(attempt: number, message: "429"))
                default: _ = try await apply(.refused(attempt: number, message: "InvalidParameter"))
                }
            case 3 where last?.state.isUnsettled == true:
                // Reconciliation through the list call: a new task, none, or (a confused answer) a task another
                // attempt already holds, which the store must refuse.
                let number = last!.number
                switch variant % 3 {
                case 0:
                    let task = model.newTask()
                    if try await apply(.created(attempt: number, taskID: task, reconciled: true)) != nil {
                        model.created.insert(task)
                    }
                case 1:
                    _ = try await apply(.notCreated(attempt: number))
                default:
                    if let taken = model.created.sorted().first {
                        #expect(try await apply(.created(attempt: number, taskID: taken, reconciled: true)) == nil,
                                "\(taken) recorded a second time")
                    }
                }
            case 4:
                _ = try await apply(.running)
            case 5:
                _ = try await apply(.succeeded)
            case 6 where last != nil:
                _ = try await apply(.taskFailed(attempt: last!.number, reason: "failed", tokens: 40, retry: variant % 2 == 0))
            case 7 where last != nil:
                let passed = variant % 2 == 0
                let clip = "attempts/\(shotID)-\(last!.number).mp4"
                let outcome = ClipOutcome(attemptClip: clip, shotClip: passed ? "clips/\(shotID).mp4" : nil, poster: "p",
                                          lastFrame: "l", sheet: "s", probe: "{}", qa: "{}",
                                          failedChecks: passed ? [] : ["audio"], tokens: 100)
                if try await apply(.delivered(attempt: last!.number, outcome, retry: true)) != nil, let task = last!.taskID {
                    model.paid[task] = (clip, 100)
                }
            case 8 where last != nil:
                if shot.state == .failed, last!.state == .undelivered, let task = last!.taskID {
                    _ = try await apply(.fetchAgain(taskID: task))
                } else {
                    _ = try await apply(.undelivered(attempt: last!.number, reason: "link expired", tokens: 100))
                }
            case 9:
                if variant % 2 == 0 {
                    // A kill: the process goes, a new one opens the same file.
                    store = try SQLiteJobStore(path: path)
                } else {
                    _ = try await apply(.reset(reason: "made again", identities: nil))
                }
            default:
                break
            }
            try await checkInvariants(store, model, after: code)
        }
    }

    static func checkInvariants(_ store: SQLiteJobStore, _ model: Model, after code: Int) async throws {
        let attempts = try await store.allAttempts()
        for id in shotIDs {
            let mine = attempts.filter { $0.shotID == id }
            let live = mine.filter { [.creating, .unknown, .created].contains($0.state) }
            #expect(live.count <= 1, "after \(code): shot \(id) has \(live.count) live attempts")
            let shot = try #require(try await store.shot(id))
            if shot.state.isActive {
                #expect(live.count == 1 || mine.last?.state == .undelivered,
                        "after \(code): shot \(id) is \(shot.state.rawValue) with no live attempt")
            }
            let billed = mine.compactMap(\.tokens).reduce(0, +)
            #expect((shot.tokens ?? 0) == billed, "after \(code): shot \(id) counts \(shot.tokens ?? 0), attempts \(billed)")
        }
        let taskIDs = attempts.compactMap(\.taskID)
        #expect(Set(taskIDs).count == taskIDs.count, "after \(code): a task is recorded twice: \(taskIDs)")
        #expect(try await store.recordedTaskIDs() == model.created, "after \(code): every task made is recorded")
        for (task, paid) in model.paid {
            let attempt = attempts.first { $0.taskID == task }
            #expect(attempt?.clipPath == paid.clip && attempt?.tokens == paid.tokens,
                    "after \(code): the paid clip of \(task) is recorded")
        }
    }
}
