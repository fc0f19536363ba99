import SeedanceAPI

/// Finds the task a create of unknown outcome made, if it made one.
///
/// The create body carries a seed unique to the attempt (`AttemptRecord.markerSeed`) and the service echoes the seed
/// in the task object, so a listed task of the same model, created no earlier than the attempt was sent (less
/// `clockSkew`), with that seed, and not already owned by another attempt, is this attempt's task.
public enum Reconciliation {
    /// Seconds the service's clock may be behind ours.
    public static let clockSkew: Double = 120

    /// The matching task among `candidates`, the earliest created when several match; nil when none does.
    public static func match(_ attempt: AttemptRecord, model: String, among candidates: [GenerationTask],
                             claimed: Set<String>) -> GenerationTask? {
        candidates
            .filter { task in
                !claimed.contains(task.id)
                    && task.seed == attempt.markerSeed
                    && (task.model == nil || task.model == model)
                    && Double(task.createdAt ?? Int64.max) >= attempt.submittedAt - clockSkew
            }
            .min { ($0.createdAt ?? 0, $0.id) < ($1.createdAt ?? 0, $1.id) }
    }
}
