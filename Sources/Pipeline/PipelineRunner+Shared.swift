import Foundation
import Logging

extension PipelineRunner {
    /// A worker's runner on a shared run as it stands (nothing of a plan to apply): it claims what it can, works
    /// on it, and leaves when it has nothing of the run to do, or, with `shared.untilJoined`, when the run is joined.
    /// The run's recorded settings (`SharedRunSettings`) replace the configuration's.
    public static func worker(shared: SharedRun, directory: String, configuration: RunConfiguration,
                              service: any GenerationService, logger: Logger,
                              observer: @escaping RunObserver = { _ in }) async throws -> PipelineRunner {
        var configuration = configuration
        configuration.outputDirectory = directory
        let folder = try RunFolder(shared: shared, directory: directory)
        if let json = try await folder.store.meta(SharedRunSettings.metaKey),
           let settings = try? JSONDecoder().decode(SharedRunSettings.self, from: Data(json.utf8)) {
            configuration = settings.applied(to: configuration)
        }
        var difference = PlanDiff(entries: [], removed: [], replacedOverrides: [], changes: PlanChanges())
        difference.opensRun = false
        return PipelineRunner(folder: folder, difference: difference, configuration: configuration, service: service,
                              logger: logger, observer: observer, shared: shared)
    }

    /// Whether the shot is this runner's to drive (always, when the run is not shared).
    func isMine(_ id: String) -> Bool { shared == nil || owned.contains(id) }

    /// Runs `body`, taking a lost lease as the end of that shot's work here (the other worker carries on), not of
    /// the run.
    func leased(_ body: () async throws -> Void) async throws {
        do { try await body() } catch is LeaseLost {}
    }

    /// One round of the lease work: forget shots that reached a final state (the store freed their lease), renew
    /// the rest at a third of their lifetime (dropping any another worker took over), and claim more while this
    /// worker has room.
    func leaseRound() async throws {
        guard let shared else { return }
        let now = Date().timeIntervalSince1970
        let finished = owned.filter { shots[$0]?.state.isFinal ?? true }
        if !finished.isEmpty {
            owned.subtract(finished)
            await shared.capacity.give(finished.count)
        }
        if !owned.isEmpty, now >= nextRenew {
            nextRenew = now + shared.leaseSeconds / 3
            let held = try await shared.database.renewLeases(runID: shared.runID, owner: shared.owner, ttl: shared.leaseSeconds)
            for id in owned.subtracting(held) { await dropLease(id) }
        }
        guard budgetReached == nil, ending == nil, now >= nextClaim else { return }
        claimTried = true
        let places = await shared.capacity.take(shared.capacity.limit)
        let claimed = places > 0
            ? try await shared.database.claimShots(runID: shared.runID, owner: shared.owner, limit: places,
                                                   ttl: shared.leaseSeconds)
            : []
        await shared.capacity.give(places - claimed.count)
        claimFoundNothing = claimed.isEmpty
        if claimed.isEmpty {
            // Nothing to take: look again later, less often the longer there is nothing (a shot of another
            // worker's finishing is what frees room).
            emptyClaims += 1
            nextClaim = now + min(max(configuration.pollInterval, 0.1) * Double(1 << min(emptyClaims - 1, 4)), 2)
            return
        }
        emptyClaims = 0
        if nextRenew == 0 { nextRenew = now + shared.leaseSeconds / 3 }
        shared.metrics?.claimed(claimed.count)
        for (shot, body) in claimed {
            owned.insert(shot.id)
            shots[shot.id] = shot
            if let body { claimedBodies[shot.requestIdentity] = body }
            observer(.note("claimed \(shot.id) (\(shot.state.rawValue))"))
        }
        logger.info("claimed shots", metadata: ["run": "\(shared.runID)", "shots": "\(claimed.map(\.shot.id).joined(separator: ","))"])
        // A chained shot needs the last frame of the shot before it, made by whichever worker held that one.
        if claimed.contains(where: \.shot.chained) || claimed.contains(where: { !order.contains($0.shot.id) }) {
            try await refreshView()
        }
    }

    /// Forgets a shot another worker holds now: nothing more is written for it here.
    func dropLease(_ id: String) async {
        guard let shared, owned.remove(id) != nil else { return }
        readyQueue.removeAll { $0.shotID == id }
        unsettledKeys[id] = nil
        await shared.capacity.give(1)
        shared.metrics?.leaseLost()
        logger.notice("lease lost", metadata: ["run": "\(shared.runID)", "shot": "\(id)"])
        observer(.note("\(id): held by another worker now"))
    }

    /// Reads the run's shots again: the others' as their holders left them; this worker's own as it keeps them.
    func refreshView() async throws {
        let records = try await store.shots()
        for record in records where !owned.contains(record.id) { shots[record.id] = record }
        order = records.sorted { ($0.inPlan ? 0 : 1, $0.position, $0.id) < ($1.inPlan ? 0 : 1, $1.position, $1.id) }.map(\.id)
    }

    /// Whether this worker is done with the shared run: it holds nothing, is sending and fetching nothing, and its
    /// last claim found nothing. When every shot of the edit is final, the worker that claims the join ends the
    /// loop to join the run, and the others leave (`seedance run`, with `untilJoined`, waits until it is joined).
    /// While shots are still being made by other workers it stays, claiming now and then, so it takes over the
    /// shots of a worker that dies; it leaves when the run is no longer open (stopped at its budget, joined).
    /// Looks at the store only after a claim found nothing (claims back off to one per 2 s).
    func sharedWorkSettled() async throws -> Bool {
        guard let shared, owned.isEmpty, processing.isEmpty, readyQueue.isEmpty, creating.isEmpty else { return false }
        if budgetReached != nil { return true }
        guard claimTried, claimFoundNothing else { return false }
        claimTried = false
        guard let progress = try await shared.database.runProgress(shared.runID), progress.state == "open" else {
            return true
        }
        // Others are still making shots: stay, without reading them all.
        if progress.unfinished > 0 { return false }
        try await refreshView()
        let complete = shots.values.allSatisfy { $0.inPlan ? $0.state.isFinal : !$0.state.isActive }
        if complete, try await shared.database.claimJoin(runID: shared.runID, owner: shared.owner,
                                                          ttl: max(shared.leaseSeconds, 600)) {
            joinClaimed = true
            logger.info("joining the run", metadata: ["run": "\(shared.runID)"])
            return true
        }
        return complete && !shared.untilJoined
    }

    /// Gives back the leases of a runner that stops before its shots are final (Ctrl-C, the service away, a budget):
    /// another worker may take them at once instead of waiting for them to run out.
    func leaveSharedRun(_ shared: SharedRun) async throws {
        guard !owned.isEmpty else { return }
        let held = Array(owned)
        try await shared.database.releaseLeases(runID: shared.runID, owner: shared.owner, shots: held)
        owned.removeAll()
        await shared.capacity.give(held.count)
    }

    /// A create the database did not admit: wait for the rate window or a free place in flight, or, when the run's
    /// budget is reached, start no create any more and give back the shots not sent.
    func deferCreates(_ deferred: CreateDeferred) async throws {
        let now = Date().timeIntervalSince1970
        switch deferred.reason {
        case .rate(let after):
            createPauseUntil = max(createPauseUntil, now + after)
        case .inFlight:
            // Room comes back when a task finishes, which a poll sees: no use asking before the next one.
            createPauseUntil = max(createPauseUntil, now + min(max(configuration.pollInterval, 0.05), 2))
        case .budget:
            guard budgetReached == nil, let shared else { return }
            budgetReached = deferred.description
            observer(.note("\(deferred.description): no more creates"))
            logger.notice("budget reached", metadata: ["run": "\(shared.runID)"])
            let pending = owned.filter { shots[$0]?.state == .pending }
            try await shared.database.releaseLeases(runID: shared.runID, owner: shared.owner, shots: Array(pending))
            owned.subtract(pending)
            await shared.capacity.give(pending.count)
            try await shared.database.endRun(shared.runID, state: "stopped")
        }
    }
}
