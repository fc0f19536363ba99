import Foundation
import SeedanceAPI

/// A shot as a plan asks for it, before overrides: what `PlanSync` compares with the run.
public struct PlannedShot: Sendable, Hashable {
    public var id: String
    public var chained: Bool
    /// The create body as the plan writes it (no seed unless the plan fixes one; no chained first frame).
    public var request: GenerationRequest

    /// Makes a planned shot.
    public init(id: String, chained: Bool, request: GenerationRequest) {
        self.id = id
        self.chained = chained
        self.request = request
    }
}

/// The difference between a plan and the run in its folder, and the changes that bring the run to the plan.
///
/// Unchanged shots (same identity) are kept whatever their state; changed shots and every shot chained after them
/// are made again; shots that left the plan leave the edit (their clips stay). An override is kept while the plan's
/// own request for its shot is unchanged; a plan edit to that shot replaces it.
public struct PlanDiff: Sendable {
    /// How a shot of the plan compares with the run.
    public enum Change: String, Sendable, Hashable {
        /// In the run with the same identity.
        case unchanged
        /// Not in the run yet.
        case new
        /// Its own request (or take) changed.
        case changed
        /// Only the shot it starts from changed.
        case downstream
    }

    /// One shot of the plan.
    public struct Entry: Sendable, Hashable {
        public var id: String
        public var change: Change
        /// Its state in the run before the change (nil when new).
        public var state: ShotState?
        /// Whether a create will be sent for it.
        public var needsCreate: Bool
        /// Its token estimate (nil when it cannot be known in advance).
        public var estimatedTokens: Int?
    }

    /// The plan's shots, in order.
    public var entries: [Entry]
    /// Shots of the run that left the plan.
    public var removed: [String]
    /// Shots whose override a plan edit replaces.
    public var replacedOverrides: [String]
    /// What to write.
    public var changes: PlanChanges

    /// Creates the run will send for the plan as it stands (new, changed, downstream and not yet sent shots).
    public var creates: Int { entries.filter(\.needsCreate).count }
    /// Estimated tokens of those creates (the ones whose cost is known in advance).
    public var estimatedTokens: Int { entries.filter(\.needsCreate).compactMap(\.estimatedTokens).reduce(0, +) }
    /// Whether this difference comes from a command opening the run (a plan, a resume, a regenerate), rather than
    /// a worker joining a shared run as it stands.
    public var opensRun = true

    /// Whether anything changes in the run (shots or overrides).
    public var changesRun: Bool {
        entries.contains { $0.change != .unchanged } || !removed.isEmpty || !replacedOverrides.isEmpty
    }

    func ids(_ change: Change) -> [String] { entries.filter { $0.change == change }.map(\.id) }

    /// The difference in a few lines, for a person deciding whether to spend.
    public var summary: [String] {
        func list(_ ids: [String]) -> String {
            ids.isEmpty ? "" : " (" + (ids.count > 6 ? ids.prefix(6).joined(separator: ", ") + ", ..." : ids.joined(separator: ", ")) + ")"
        }
        var counts: [String] = []
        let unchanged = ids(.unchanged), changed = ids(.changed), downstream = ids(.downstream), new = ids(.new)
        if !unchanged.isEmpty { counts.append("\(unchanged.count) unchanged") }
        if !changed.isEmpty { counts.append("\(changed.count) changed\(list(changed))") }
        if !downstream.isEmpty { counts.append("\(downstream.count) downstream\(list(downstream))") }
        if !new.isEmpty { counts.append("\(new.count) new\(list(new))") }
        if !removed.isEmpty { counts.append("\(removed.count) removed\(list(removed)): out of the edit, clips kept") }
        var lines = ["plan: " + counts.joined(separator: ", ")]
        for id in replacedOverrides { lines.append("shot \(id): the plan edit replaces its override") }
        let unknown = entries.filter { $0.needsCreate && $0.estimatedTokens == nil }.count
        lines.append("to create: \(creates) \(creates == 1 ? "task" : "tasks"), about \(ReportHTML.grouped(estimatedTokens)) tokens"
                     + (unknown > 0 ? " (+\(unknown) whose cost the model decides)" : ""))
        return lines
    }
}

/// Compares a plan with a run and works out the changes (pure: reads nothing, writes nothing).
public enum PlanSync {
    /// The request with an override's prompt and seed.
    static func applying(_ override: ShotOverride?, to request: GenerationRequest) -> GenerationRequest {
        guard let override else { return request }
        var copy = request
        if let prompt = override.prompt, let index = copy.content.firstIndex(where: { $0.type == .text }) {
            copy.content[index].text = prompt
        }
        if let seed = override.seed { copy.seed = seed }
        return copy
    }

    /// The tokens a request will cost by the documented formula, when its size and length are known in advance.
    static func estimatedTokens(_ request: GenerationRequest) -> Int? {
        guard let estimate = try? CostEstimate(request: request), !estimate.approximate else { return nil }
        return estimate.tokens
    }

    /// The difference between `planned` (in edit order) and the run's `stored` shots and `overrides`.
    public static func diff(planned: [PlannedShot], stored: [ShotRecord], overrides: [ShotOverride],
                            reason: String = "the plan changed") throws -> PlanDiff {
        let storedByID = Dictionary(stored.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let overridesByID = Dictionary(overrides.map { ($0.shotID, $0) }, uniquingKeysWith: { a, _ in a })
        var changes = PlanChanges()
        var entries: [PlanDiff.Entry] = []
        var replaced: [String] = []
        var previous: (identity: String, changed: Bool)?
        for (position, shot) in planned.enumerated() {
            let planBody = try ShotIdentity.canonicalBody(shot.request)
            let planIdentity = ShotIdentity.digest(planBody)
            var override = overridesByID[shot.id]
            if let existing = override, existing.base != planIdentity {
                // A plan edit to this very shot: the plan's new word replaces the override.
                if storedByID[shot.id] != nil { replaced.append(shot.id) }
                changes.deletedOverrides.append(shot.id)
                override = nil
            }
            let request = applying(override, to: shot.request)
            let body = try ShotIdentity.canonicalBody(request)
            let requestIdentity = body == planBody ? planIdentity : ShotIdentity.digest(body)
            let chainedAfter = shot.chained ? previous?.identity : nil
            let identity = ShotIdentity.identity(request: requestIdentity, take: override?.take ?? 0, after: chainedAfter)
            let identities = ShotIdentities(planRequest: planIdentity, request: requestIdentity, identity: identity,
                                            chained: shot.chained)
            changes.requests[planIdentity] = planBody
            changes.requests[requestIdentity] = body
            let estimate = estimatedTokens(request)
            changes.placement[shot.id] = (position, estimate)

            let change: PlanDiff.Change
            var needsCreate = true
            if let old = storedByID[shot.id] {
                // A shot of the first release has no full identity: its request decides.
                let same = old.identity.isEmpty ? old.requestIdentity == requestIdentity : old.identity == identity
                if same {
                    change = .unchanged
                    needsCreate = old.state == .pending
                    if old.identity.isEmpty || old.chained != shot.chained {
                        changes.transitions.append((shot.id, .recordIdentities(identities)))
                    }
                } else {
                    let ownChanged = old.requestIdentity != requestIdentity || !shot.chained || previous?.changed != true
                    change = ownChanged ? .changed : .downstream
                    let why = change == .changed ? reason : "the shot it starts from changed"
                    changes.transitions.append((shot.id, old.state.isActive
                        ? .reidentify(reason: "\(why): the attempt out now will be superseded", identities: identities)
                        : .reset(reason: "\(why): to be made again", identities: identities)))
                }
            } else {
                change = .new
                var record = ShotRecord(id: shot.id, position: position, estimatedTokens: estimate)
                ShotMachine.assign(identities, to: &record)
                changes.newShots.append(record)
            }
            entries.append(PlanDiff.Entry(id: shot.id, change: change, state: storedByID[shot.id]?.state,
                                          needsCreate: needsCreate, estimatedTokens: estimate))
            previous = (identity, change != .unchanged)
        }
        let planned = Set(planned.map(\.id))
        let removed = stored.filter { $0.inPlan && !planned.contains($0.id) }.map(\.id)
        changes.removed = removed
        return PlanDiff(entries: entries, removed: removed, replacedOverrides: replaced, changes: changes)
    }
}
