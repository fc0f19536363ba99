import SeedanceAPI

/// Finds the tasks that creates of unknown outcome made, if they made any.
///
/// The task object does not echo the prompt, so a task is matched on every field it does echo (`EchoedFields`:
/// model, seed, resolution, ratio, duration, sound, ...), on having been created no earlier than the attempt was
/// recorded (less `clockSkew`), and on not being recorded for any other attempt. Attempts are assigned in the order
/// they were recorded, each to the earliest matching task left, and each task to one attempt at most. The scheduler
/// never has two unsettled creates with the same model and seed, so two attempts that could take the same task
/// only arise from identical requests, where either assignment is right.
public enum Reconciliation {
    /// Seconds the service's clock may be behind ours.
    public static let clockSkew: Double = 120

    /// The task of each attempt that has one among `candidates`, by attempt number within its shot
    /// (`"shot#n"`); attempts with no match are absent.
    public static func assign(_ attempts: [AttemptRecord], among candidates: [GenerationTask],
                              recorded: Set<String>) -> [String: GenerationTask] {
        var taken = recorded
        var result: [String: GenerationTask] = [:]
        let ordered = candidates.sorted { ($0.createdAt ?? 0, $0.id) < ($1.createdAt ?? 0, $1.id) }
        for attempt in attempts.sorted(by: { ($0.submittedAt, $0.shotID, $0.number) < ($1.submittedAt, $1.shotID, $1.number) }) {
            let fields = EchoedFields.decode(attempt.echo)
            let match = ordered.first { task in
                guard !taken.contains(task.id),
                      Double(task.createdAt ?? Int64.max) >= attempt.submittedAt - clockSkew else { return false }
                if let fields { return fields.matches(task) }
                return task.seed == attempt.markerSeed
            }
            if let match {
                taken.insert(match.id)
                result[key(attempt)] = match
            }
        }
        return result
    }

    /// The key of an attempt in `assign`'s answer.
    public static func key(_ attempt: AttemptRecord) -> String { "\(attempt.shotID)#\(attempt.number)" }
}
