import Foundation
import SeedanceAPI

/// The pipeline's calls made through `SeedanceAPI.Client`, with its errors sorted by what they mean for a paid create.
public struct ClientService: GenerationService {
    /// The client.
    public let client: Client

    /// Wraps a client.
    public init(client: Client) { self.client = client }

    public func create(_ request: GenerationRequest) async -> CreateOutcome {
        do {
            return .created(taskID: try await client.create(request).id)
        } catch let error as ClientError {
            return Self.outcome(of: error)
        } catch {
            return .unknown("\(error)")
        }
    }

    /// What a failed create means: only what surely was not accepted may be sent again.
    static func outcome(of error: ClientError) -> CreateOutcome {
        if error.kind == .unknownOutcome { return .unknown(error.description) }
        if error.kind == .network { return .unreachable(error.description) }
        if error.kind == .invalidRequest { return .refused(error.description) }
        if error.kind == .api, let status = error.httpStatus {
            if status == 401 || status == 403 { return .unauthorized(error.description) }
            if status == 429 || status == 503 || error.code == "ServerOverloaded" { return .notAccepted(error.description) }
            if (400..<500).contains(status) { return .refused(error.description) }
        }
        return .unknown(error.description)
    }

    public func tasks(ids: [String]) async throws -> [GenerationTask] {
        Array(try await client.tasks(ids).values)
    }

    public func recentTasks(model: String, since: Int64) async throws -> [GenerationTask] {
        var found: [GenerationTask] = []
        // Newest first: page until a page reaches back past `since` (the list keeps 7 days; 20 pages is plenty).
        for page in 1...20 {
            let list = try await client.list(TaskQuery(pageNumber: page, pageSize: 100, model: model))
            found += list.items
            if list.items.count < 100 || list.items.contains(where: { ($0.createdAt ?? .max) < since }) { break }
        }
        return found.filter { ($0.createdAt ?? .max) >= since }
    }

    public func downloadVideo(of task: GenerationTask, to path: String) async throws {
        _ = try await client.download(task.id, .video, to: URL(fileURLWithPath: path), task: task)
    }
}
