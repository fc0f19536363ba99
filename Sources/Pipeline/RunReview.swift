import Foundation

/// The review decisions on a run, recorded as overrides on top of the plan exactly as `regenerate` records its
/// prompt, seed and take: approval or rejection (with a reason), a shot dropped from the edit, and the join order.
///
/// None of them spends or sends anything; they change what the report shows and what the next join makes (`run`,
/// `resume` and a re-join honour the dropped shots and the order). Like every override, a decision holds while the
/// plan's own request for the shot is unchanged: a plan edit of the shot replaces it.
public struct RunReview: Sendable {
    let store: any JobStore

    /// Decisions on the run in `store`.
    public init(store: any JobStore) { self.store = store }

    /// Approves the shot as it is.
    @discardableResult
    public func approve(_ id: String, reason: String? = nil) async throws -> ShotOverride {
        try await change(id) { override in
            override.approved = true
            if let reason { override.reason = reason }
        }
    }

    /// Rejects the shot, saying why (kept in the run and the report); a rejected shot may be made again.
    @discardableResult
    public func reject(_ id: String, reason: String) async throws -> ShotOverride {
        try await change(id) { override in
            override.approved = false
            override.reason = reason
        }
    }

    /// Drops the shot from the edit (`true`) or puts it back (`false`). A dropped shot is still made: a chained
    /// shot may start from its last frame.
    @discardableResult
    public func setDropped(_ id: String, _ dropped: Bool) async throws -> ShotOverride {
        try await change(id) { override in override.dropped = dropped }
    }

    /// Sets the join order: every id must be a shot of the plan, each once (shots left out follow in plan order).
    /// Chaining does not follow it: a chained shot still starts from the shot before it in the plan.
    public func setJoinOrder(_ ids: [String]) async throws {
        let inPlan = try await store.shots().filter(\.inPlan).map(\.id)
        for id in ids where !inPlan.contains(id) {
            throw StoreError(reason: "join order: no shot \"\(id)\" in the run's plan; its shots are "
                + inPlan.joined(separator: ", "))
        }
        guard Set(ids).count == ids.count else { throw StoreError(reason: "join order: a shot is named twice") }
        let json = String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
        try await store.setMeta(EditOrder.metaKey, json)
    }

    /// Applies `body` to the shot's override (the one in force, or a new one over the plan's request) and saves it.
    private func change(_ id: String, _ body: (inout ShotOverride) -> Void) async throws -> ShotOverride {
        guard let shot = try await store.shot(id), shot.inPlan else {
            let ids = try await store.shots().filter(\.inPlan).map(\.id)
            throw StoreError(reason: "no shot \"\(id)\" in the run's plan; its shots are \(ids.joined(separator: ", "))")
        }
        let existing = try await store.overrides().first { $0.shotID == id }
        var override = ShotOverride.inForce(existing, for: shot)
        body(&override)
        override.updatedAt = Date().timeIntervalSince1970
        try await store.saveOverride(override)
        return override
    }
}

extension ShotOverride {
    /// The override to change for `shot`: `existing` while it was made over the shot's plan request as it is now,
    /// else a fresh one over that request (a stale override is the plan's to replace, never to build on).
    public static func inForce(_ existing: ShotOverride?, for shot: ShotRecord) -> ShotOverride {
        existing.flatMap { $0.base == shot.planRequestIdentity ? $0 : nil }
            ?? ShotOverride(shotID: shot.id, base: shot.planRequestIdentity)
    }
}
