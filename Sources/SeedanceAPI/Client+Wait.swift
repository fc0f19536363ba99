import Foundation
import Logging

extension Client {
    /// Polls task `id` until it reaches a terminal status (succeeded, failed, expired, cancelled) and returns it.
    ///
    /// Pauses follow `configuration.poll` (growing, capped, jittered); each read retries on its own with
    /// `Retry-After` honoured. `timeout` (seconds, wall clock) ends the wait with `.timedOut`; cancelling the calling
    /// task ends it with `.cancelled`. A failed task is returned, not thrown: the caller decides.
    public func wait(for id: String, timeout: Double? = nil,
                     onUpdate: (@Sendable (GenerationTask) -> Void)? = nil) async throws -> GenerationTask {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: .milliseconds(Int64($0 * 1000))) }
        var poll = 0
        var lastStatus: TaskStatus?
        while true {
            poll += 1
            let task = try await self.task(id)
            if task.status != lastStatus {
                logger.info("task status", metadata: ["task_id": "\(id)", "status": "\(task.status)"])
                lastStatus = task.status
                onUpdate?(task)
            }
            if task.status.isTerminal { return task }
            let pause = configuration.poll.interval(afterPoll: poll, random: Double.random(in: 0..<1))
            if let deadline {
                let left = clock.now.duration(to: deadline)
                if left <= .zero {
                    throw ClientError(.timedOut, "task is still \(task.status) after \(timeout ?? 0) s",
                                      taskID: id, attempts: poll)
                }
                try await Self.sleep(seconds: min(pause, Self.seconds(left)), taskID: id)
            } else {
                try await Self.sleep(seconds: pause, taskID: id)
            }
        }
    }

    /// The current state of many tasks through the list call (`filter.task_ids` repeated, up to 100 ids a call);
    /// ids the list does not return (older than its 7 days) are read one by one; unknown ids are left out.
    public func tasks(_ ids: [String]) async throws -> [String: GenerationTask] {
        var found: [String: GenerationTask] = [:]
        var seen = Set<String>()
        let unique = ids.filter { seen.insert($0).inserted }
        var start = 0
        while start < unique.count {
            let chunk = Array(unique[start..<min(unique.count, start + 100)])
            start += chunk.count
            let page = try await list(TaskQuery(pageNumber: 1, pageSize: chunk.count, taskIDs: chunk))
            for task in page.items where chunk.contains(task.id) { found[task.id] = task }
        }
        for id in unique where found[id] == nil {
            do {
                found[id] = try await task(id)
            } catch let error as ClientError where error.httpStatus == 404 {
                logger.notice("task not found", metadata: ["task_id": "\(id)"])
            }
        }
        return found
    }

    /// Polls many tasks with one list call per round until every one is terminal (or unknown to the service);
    /// returns the last state of each. `timeout` and cancellation as in `wait(for:)`.
    public func waitAll(_ ids: [String], timeout: Double? = nil,
                        onUpdate: (@Sendable (GenerationTask) -> Void)? = nil) async throws -> [String: GenerationTask] {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: .milliseconds(Int64($0 * 1000))) }
        var seen: [String: TaskStatus] = [:]
        var poll = 0
        while true {
            poll += 1
            let current = try await tasks(ids)
            for (id, task) in current where seen[id] != task.status {
                seen[id] = task.status
                onUpdate?(task)
            }
            if current.values.allSatisfy(\.status.isTerminal) { return current }
            let pause = configuration.poll.interval(afterPoll: poll, random: Double.random(in: 0..<1))
            if let deadline {
                let left = clock.now.duration(to: deadline)
                if left <= .zero {
                    let pending = current.values.filter { !$0.status.isTerminal }.map(\.id).sorted()
                    throw ClientError(.timedOut, "\(pending.count) \(pending.count == 1 ? "task" : "tasks") unfinished after \(timeout ?? 0) s: "
                        + pending.joined(separator: ", "), attempts: poll)
                }
                try await Self.sleep(seconds: min(pause, Self.seconds(left)), taskID: nil)
            } else {
                try await Self.sleep(seconds: pause, taskID: nil)
            }
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
