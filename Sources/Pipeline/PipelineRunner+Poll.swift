import Foundation
import SeedanceAPI

extension PipelineRunner {
    /// One list call for every task out; returns the succeeded ones to download.
    func poll() async throws -> [(String, GenerationTask)] {
        let waiting = Set(readyQueue.map(\.shotID))
        let now = Date().timeIntervalSince1970
        let due = shots.values.filter {
            [.queued, .running, .downloading].contains($0.state) && $0.taskID != nil && !processing.contains($0.id)
                && !waiting.contains($0.id) && (downloadRetryAt[$0.id] ?? 0) <= now && isMine($0.id)
        }.sorted { $0.position < $1.position }
        guard !due.isEmpty else { return [] }
        let tasks: [GenerationTask]
        do {
            tasks = try await service.tasks(ids: due.compactMap(\.taskID))
            outage.answered()
        } catch {
            _ = try await noteReadFailure(error, "poll failed, will retry")
            return []
        }
        let byID = Dictionary(tasks.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var ready: [(String, GenerationTask)] = []
        // Status changes of the round go to the store in one transaction: a round trip per round, not per shot.
        var changes: [(shotID: String, transition: ShotTransition, detail: String?)] = []
        for shot in due {
            guard let taskID = shot.taskID, let task = byID[taskID] else { continue }
            switch task.status {
            case .succeeded:
                if shot.state != .downloading { changes.append((shot.id, .succeeded, nil)) }
                ready.append((shot.id, task))
            case .failed, .cancelled, .expired:
                try await taskFailed(shot, task)
            default:
                if (task.status == .running || task.status.rawValue == "processing"), shot.state != .running {
                    changes.append((shot.id, .running, taskID))
                }
            }
        }
        try await transitionAll(changes)
        let fetch = ready.filter { id, _ in shots[id]?.state == .downloading && isMine(id) }
        // Each clip's processing needs its shot's attempts: read for the round at once.
        let ids = fetch.map(\.0)
        if !ids.isEmpty {
            let attempts = try await store.attempts(shotIDs: ids)
            for id in ids { attemptCache[id] = attempts[id] ?? [] }
        }
        return fetch
    }

    private func taskFailed(_ shot: ShotRecord, _ task: GenerationTask) async throws {
        let reason = task.error.map { "\($0.code): \($0.message)" } ?? "the task ended \(task.status.rawValue)"
        let attempts = try await store.attempts(shotID: shot.id)
        guard let attempt = attempts.last(where: { $0.taskID == task.id }) else { return }
        if !attempt.isFor(shot) {
            try await transition(shot.id, .superseded(attempt: attempt.number, clip: nil, tokens: task.usage?.totalTokens))
            return
        }
        let retry = mayRegenerate(shot, attempts)
        try await transition(shot.id, .taskFailed(attempt: attempt.number, reason: reason, tokens: task.usage?.totalTokens,
                                                  retry: retry), detail: reason)
    }

    /// Whether another task may be made for the shot. Only attempts since the shot's budget was last reset that made
    /// a task count against `maxRegenerations`: a create turned away or found never created costs nothing.
    func mayRegenerate(_ shot: ShotRecord, _ attempts: [AttemptRecord]) -> Bool {
        let tasksMade = attempts.filter { $0.number > shot.budgetFloor && $0.taskID != nil }.count
        return tasksMade <= configuration.maxRegenerations
    }
}
