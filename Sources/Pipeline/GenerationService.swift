import SeedanceAPI

/// What a create call came to, as the pipeline needs to know it.
public enum CreateOutcome: Sendable, Hashable {
    /// The service accepted it: this is the task.
    case created(taskID: String)
    /// The service refused it (validation, input moderation): nothing was created, and sending the same request
    /// again would be refused again.
    case refused(String)
    /// Surely not accepted (429 or 503 after the client's own retries): nothing was created; safe to send again later.
    case notAccepted(String)
    /// The service could not be reached (connection refused, DNS, no route): nothing was sent.
    case unreachable(String)
    /// The service refused the API key (401, 403): nothing was created; no create can succeed with this key.
    case unauthorized(String)
    /// May or may not have been created (a timeout or a dropped connection after sending, a 5xx): never resend
    /// blindly; reconcile through the list call.
    case unknown(String)
}

/// The calls the pipeline makes to the Seedance API. `SeedanceAPI.Client` provides them; tests may too.
public protocol GenerationService: Sendable {
    /// Sends one create call (the client retries only what surely was not accepted).
    func create(_ request: GenerationRequest) async -> CreateOutcome
    /// The current state of these tasks, through the list call (`filter.task_ids`), not one GET each.
    func tasks(ids: [String]) async throws -> [GenerationTask]
    /// Tasks of `model` created at or after `since` (Unix seconds): what reconciliation searches.
    func recentTasks(model: String, since: Int64) async throws -> [GenerationTask]
    /// Downloads a succeeded task's video to `path` (atomically), refreshing an expired link by re-reading the task.
    func downloadVideo(of task: GenerationTask, to path: String) async throws
}

/// What a failed read (poll, list) means for the run.
public enum ServiceFailure: Sendable, Hashable {
    /// No connection could be made or no answer came: counts towards the offline bound.
    case unreachable(String)
    /// The key was refused: the run stops.
    case unauthorized(String)
    /// Anything else: retried at the next round.
    case other(String)

    /// The meaning of an error thrown by a `GenerationService` read.
    public static func classify(_ error: any Error) -> ServiceFailure {
        guard let error = error as? ClientError else { return .other("\(error)") }
        if error.kind == .network { return .unreachable(error.description) }
        if error.kind == .api, let status = error.httpStatus, status == 401 || status == 403 {
            return .unauthorized(error.description)
        }
        return .other(error.description)
    }
}
