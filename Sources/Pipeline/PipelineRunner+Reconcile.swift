import Foundation
import SeedanceAPI

extension PipelineRunner {
    /// Settles creates whose outcome was not recorded (this process's `unknown` ones, and `creating` ones a killed
    /// process left) through the list call: a matching task is assigned to the attempt; none, past the grace
    /// period, means the create never made one and the shot is sent again. Creates this process is still sending
    /// are left alone.
    func reconcile() async throws {
        let open = shots.values.filter { $0.state.isUnsettledCreate && !creating.contains($0.id) && isMine($0.id) }
        guard !open.isEmpty else { return }
        let attempts = try await store.unsettledAttempts().filter { attempt in
            !creating.contains(attempt.shotID) && shots[attempt.shotID]?.attempts == attempt.number && isMine(attempt.shotID)
        }
        guard !attempts.isEmpty else { return }
        var recorded = try await store.recordedTaskIDs()
        let byModel = Dictionary(grouping: attempts) { EchoedFields.decode($0.echo)?.model ?? "" }
        for (model, group) in byModel {
            let since = Int64((group.map(\.submittedAt).min() ?? 0) - Reconciliation.clockSkew)
            let candidates: [GenerationTask]
            do {
                candidates = try await service.recentTasks(model: model.isEmpty ? ShotRequestBuilder.defaultModel : model,
                                                           since: since)
                outage.answered()
            } catch {
                if try await noteReadFailure(error, "reconciliation: listing tasks failed, will retry") { return }
                continue
            }
            let assigned = Reconciliation.assign(group, among: candidates, recorded: recorded)
            let now = Date().timeIntervalSince1970
            for attempt in group {
                if let task = assigned[Reconciliation.key(attempt)] {
                    recorded.insert(task.id)
                    try await transition(attempt.shotID, .created(attempt: attempt.number, taskID: task.id, reconciled: true),
                                         detail: "reconciled \(task.id)")
                } else if now - attempt.submittedAt > configuration.reconcileGrace {
                    await giveBack(shots[attempt.shotID], attempt: attempt.number)
                    try await transition(attempt.shotID, .notCreated(attempt: attempt.number),
                                         detail: "no task was created; will send again")
                }
            }
        }
    }

    /// Records a failed read: an outage counts towards the offline bound, a refused key stops the run (returns
    /// true), anything else is logged and retried at the next round.
    func noteReadFailure(_ error: any Error, _ what: String) async throws -> Bool {
        if Task.isCancelled { return true }
        switch ServiceFailure.classify(error) {
        case .unreachable(let message):
            outage.failed(at: Date().timeIntervalSince1970, message)
            logger.warning("\(what)", metadata: ["error": "\(message)"])
            observer(.note("service unreachable, will retry: \(message)"))
        case .unauthorized(let message):
            outage.answered()
            stop(.unauthorized(message))
            return true
        case .other(let message):
            outage.answered()
            logger.warning("\(what)", metadata: ["error": "\(message)"])
            observer(.note("\(what): \(message)"))
        }
        return false
    }
}
