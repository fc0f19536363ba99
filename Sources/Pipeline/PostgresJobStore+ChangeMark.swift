import Foundation
import PostgresNIO

extension PostgresJobStore {
    /// A fingerprint of what a review page of the run shows, in one light query: an MD5 over the shots' recorded
    /// columns, the overrides, the final video and the join order, and the run's state. It changes when any worker
    /// on any machine moves the run, and only then: the lease columns, which a worker renews every few seconds
    /// without changing anything a reviewer sees, are left out.
    public func changeMark() async throws -> String {
        let rows = try await database.query("""
            SELECT md5(
              coalesce((SELECT string_agg(row_to_json(x)::text, ',' ORDER BY x.id)
                        FROM (SELECT id, \(unescaped: Self.shotColumns) FROM shot WHERE run_id = \(runID)) x), '')
              || '/' || coalesce((SELECT string_agg(row_to_json(o)::text, ',' ORDER BY o.shot_id)
                        FROM (SELECT \(unescaped: Self.overrideColumns) FROM shot_override WHERE run_id = \(runID)) o), '')
              || '/' || coalesce((SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM run_meta
                        WHERE run_id = \(runID) AND key IN ('final', \(EditOrder.metaKey))), '')
              || '/' || coalesce((SELECT state FROM run WHERE id = \(runID)), ''))
            """)
        return try rows.first?.decode(String.self) ?? ""
    }
}
