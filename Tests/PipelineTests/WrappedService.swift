import Foundation
import Pipeline
import SeedanceAPI
import TestSupport

/// A test's stand-in for the service: forwards every call to the simulator's service, and the test overrides only
/// the call whose behaviour it changes.
protocol WrappedService: GenerationService {
    /// The simulator's service.
    var inner: ClientService { get }
}

extension WrappedService {
    func create(_ request: GenerationRequest) async -> CreateOutcome { await inner.create(request) }
    func tasks(ids: [String]) async throws -> [GenerationTask] { try await inner.tasks(ids: ids) }
    func recentTasks(model: String, since: Int64) async throws -> [GenerationTask] {
        try await inner.recentTasks(model: model, since: since)
    }
    func downloadVideo(of task: GenerationTask, to path: String) async throws {
        try await inner.downloadVideo(of: task, to: path)
    }
}

extension WrappedService {
    /// Replaces the clip just downloaded to `path` with one whose audio is silent: a clip that fails QA.
    func replaceWithClipFailingQA(at path: String) throws {
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: FixturePaths.fixture("qa/silent-audio.mp4"), toPath: path)
    }
}
