import Foundation

/// The order of the edit: the shots `final.mp4` joins, in the order it joins them.
///
/// One rule for the assembler, the report and the review page, so what the page shows is what a re-join makes: the
/// plan's order, or the join order an override set (`run_meta.join_order`; shots it does not name follow in plan
/// order); shots dropped from the edit by an override and shots that left the plan are not in it.
public enum EditOrder {
    /// The `run_meta` key of the join order (a JSON array of shot ids).
    public static let metaKey = "join_order"

    /// The shots of the edit in join order, from the shots in plan order, the overrides by shot id and the recorded
    /// join order (nil: none set).
    public static func resolve(shots: [ShotRecord], overrides: [String: ShotOverride], joinOrder: [String]?) -> [ShotRecord] {
        let inEdit = shots.filter { $0.inPlan && overrides[$0.id]?.dropped != true }
        guard let named = joinOrder else { return inEdit }
        let byID = Dictionary(inEdit.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let first = named.compactMap { byID[$0] }
        let rest = inEdit.filter { !named.contains($0.id) }
        return first + rest
    }

    /// The join order recorded in `store` (nil when none was set or it cannot be read).
    public static func recorded(in store: any JobStore) async throws -> [String]? {
        guard let json = try await store.meta(metaKey) else { return nil }
        return try? JSONDecoder().decode([String].self, from: Data(json.utf8))
    }

    /// The shots of the edit in `store`, in join order.
    public static func shots(in store: any JobStore) async throws -> [ShotRecord] {
        let overrides = Dictionary(try await store.overrides().map { ($0.shotID, $0) }, uniquingKeysWith: { a, _ in a })
        return resolve(shots: try await store.shots(), overrides: overrides, joinOrder: try await recorded(in: store))
    }
}
