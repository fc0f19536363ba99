import Foundation
import Pipeline
import SeedanceAPI
import Testing

/// Comparing a plan with a run, alone: identities decide what is kept, made again or dropped.
@Suite struct PlanSyncTests {
    func planned(_ id: String, _ prompt: String, chained: Bool = false, seed: Int64? = nil) -> PlannedShot {
        PlannedShot(id: id, chained: chained,
                    request: GenerationRequest(model: "m", content: [.text(prompt)], generateAudio: true,
                                               resolution: .p480, ratio: .r16x9, duration: 4, seed: seed))
    }

    /// The run as a first sync of `plan` leaves it, every shot in `state`.
    func stored(_ plan: [PlannedShot], state: ShotState = .done) throws -> [ShotRecord] {
        try PlanSync.diff(planned: plan, stored: [], overrides: []).changes.newShots.map {
            var shot = $0
            shot.state = state
            return shot
        }
    }

    @Test func anUnchangedPlanChangesNothingAndCreatesNothing() throws {
        let plan = [planned("a", "one"), planned("b", "two", chained: true)]
        let diff = try PlanSync.diff(planned: plan, stored: try stored(plan), overrides: [])
        #expect(diff.entries.map(\.change) == [.unchanged, .unchanged])
        #expect(diff.creates == 0 && !diff.changesRun && diff.changes.transitions.isEmpty)
        #expect(diff.summary.first == "plan: 2 unchanged")
    }

    @Test func anEditMakesTheShotAndTheShotsChainedAfterItAgain() throws {
        let before = [planned("a", "one"), planned("b", "two", chained: true), planned("c", "three", chained: true),
                      planned("d", "four")]
        var after = before
        after[0] = planned("a", "ONE")
        let diff = try PlanSync.diff(planned: after, stored: try stored(before), overrides: [])
        #expect(diff.entries.map(\.change) == [.changed, .downstream, .downstream, .unchanged])
        #expect(diff.creates == 3)
        #expect(diff.summary.contains { $0.contains("1 changed (a)") && $0.contains("2 downstream (b, c)") })
    }

    @Test func removedShotsLeaveTheEditAndNewOnesAreAdded() throws {
        let before = [planned("a", "one"), planned("b", "two")]
        let after = [planned("a", "one"), planned("c", "three")]
        let diff = try PlanSync.diff(planned: after, stored: try stored(before), overrides: [])
        #expect(diff.entries.map(\.change) == [.unchanged, .new] && diff.removed == ["b"] && diff.creates == 1)
    }

    @Test func anOverrideIsKeptUntilThePlanEditsThatShot() throws {
        let plan = [planned("a", "one"), planned("b", "two")]
        let run = try stored(plan)
        let override = ShotOverride(shotID: "b", base: run[1].planRequestIdentity, prompt: "TWO", take: 1)
        // Applied: the shot's identity changes once (it is made again with the new prompt)...
        let first = try PlanSync.diff(planned: plan, stored: run, overrides: [override])
        #expect(first.entries.map(\.change) == [.unchanged, .changed])
        // ...and once recorded, re-running the unchanged plan keeps it and sends nothing.
        var recorded = run
        if case let .reset(_, ids?) = first.changes.transitions.first?.transition {
            recorded[1].identity = ids.identity
            recorded[1].requestIdentity = ids.request
        }
        let again = try PlanSync.diff(planned: plan, stored: recorded, overrides: [override])
        #expect(again.entries.map(\.change) == [.unchanged, .unchanged] && again.creates == 0)
        // A plan edit of that shot replaces the override, and the difference says so.
        let edited = [planned("a", "one"), planned("b", "two, edited")]
        let replaced = try PlanSync.diff(planned: edited, stored: recorded, overrides: [override])
        #expect(replaced.replacedOverrides == ["b"] && replaced.changes.deletedOverrides == ["b"])
        #expect(replaced.summary.contains("shot b: the plan edit replaces its override"))
    }

    @Test func localImageBytesAreInTheIdentity() throws {
        var a = planned("a", "one")
        a.request.content.append(ContentItem(type: .imageURL, imageURL: MediaReference(url: "data:image/png;base64,AAAA"),
                                             role: .firstFrame))
        var b = a
        b.request.content[1].imageURL = MediaReference(url: "data:image/png;base64,AAAB")
        let diff = try PlanSync.diff(planned: [b], stored: try stored([a]), overrides: [])
        #expect(diff.entries.first?.change == .changed)
    }
}
