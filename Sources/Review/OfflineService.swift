import Pipeline
import SeedanceAPI

/// The service a re-join runs with when no API key was given: a re-join calls nothing, and a call is refused.
struct OfflineService: GenerationService {
    let reason: String

    func create(_ request: GenerationRequest) async -> CreateOutcome { .unauthorized(reason) }
    func tasks(ids: [String]) async throws -> [GenerationTask] { throw ReviewError.refused(reason) }
    func recentTasks(model: String, since: Int64) async throws -> [GenerationTask] { throw ReviewError.refused(reason) }
    func downloadVideo(of task: GenerationTask, to path: String) async throws { throw ReviewError.refused(reason) }
}
