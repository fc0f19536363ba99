import Foundation
import Media
import SeedanceAPI

extension PipelineRunner {
    /// A create the create gate let through: its shot and attempt number.
    struct GatePass: Hashable, Sendable {
        var shotID: String
        var attempt: Int
    }

    /// A create recorded in the store (attempt `creating`) and ready to send.
    struct PreparedCreate: Sendable {
        var shotID: String
        var attempt: AttemptRecord
        var request: GenerationRequest
    }

    /// Records an attempt for each pending shot of the plan that may go now, and returns them to send. A shot may go
    /// when the tasks out are fewer than `maxInFlight`, the rate limit allows, a chained shot's previous shot is done,
    /// and no other create with the same model and seed is unsettled (the list call could not tell the two apart).
    func prepareCreates() async throws -> [PreparedCreate] {
        guard ending == nil, budgetReached == nil, Date().timeIntervalSince1970 >= createPauseUntil else { return [] }
        var prepared: [PreparedCreate] = []
        var inFlight = shots.values.filter { [.creating, .unknown, .queued, .running].contains($0.state) && isMine($0.id) }.count
        var previous: ShotRecord?
        var held = Set(unsettledKeys.values)
        for id in order {
            guard let shot = shots[id], shot.inPlan else { continue }
            defer { previous = shots[id] }
            guard shot.state == .pending, isMine(id) else { continue }
            guard inFlight < configuration.maxInFlight else { return prepared }
            if shot.chained, previous?.state != .done, previous?.state != .failed { continue }
            // The gate is checked before the body is read: a shot held back costs no store call.
            if let key = gateKey(shot), held.contains(key) { continue }
            var request = try await request(of: shot)
            if shot.chained {
                guard let previous else { continue }
                if previous.state == .failed {
                    try await leased { try await self.transition(id, .blocked(reason: "the previous shot \(previous.id) failed, and this one "
                        + "starts from its last frame")) }
                    continue
                }
                guard previous.state == .done, let frame = previous.lastFramePath else { continue }
                let path = layout.absolute(frame)
                let png = try await runOffThePool { try Data(contentsOf: URL(fileURLWithPath: path)) }
                request = ShotRequestBuilder.addingFirstFrame(request, dataURL: "data:image/png;base64,\(png.base64EncodedString())")
            }
            let number = shot.attempts + 1
            request.seed = seed(for: shot, request: request, number: number)
            let echo = EchoedFields(request)
            if held.contains(echo.key) { continue }
            let now = Date().timeIntervalSince1970
            guard limiter.delay(now: now) <= 0 else { return prepared }
            // The gate is asked last, once nothing else holds the create back, so what it lets through is sent.
            if let gate = configuration.createGate,
               case .refused(let reason) = await gate.authorize(shot: id, attempt: number,
                                                                estimatedTokens: shot.estimatedTokens) {
                try await gateRefused(reason)
                return prepared
            }
            if configuration.createGate != nil { gatePassed.insert(GatePass(shotID: id, attempt: number)) }
            limiter.record(now: now)

            let take = overrides[id].map { $0.take > 0 ? " (take \($0.take + 1))" : "" } ?? ""
            let reason = number == shot.budgetFloor + 1
                ? (number == 1 ? "first" : "made again\(take)") : (shot.error.map { "regenerate: \($0)" } ?? "regenerate")
            let attempt: AttemptRecord, record: ShotRecord
            do {
                (attempt, record) = try await store.beginAttempt(shotID: id, reason: reason, markerSeed: request.seed ?? -1,
                                                                 echo: echo.json)
            } catch let deferred as CreateDeferred {
                await giveBack(shot, attempt: number)
                try await deferCreates(deferred)
                return prepared
            } catch let lost as LeaseLost {
                await giveBack(shot, attempt: number)
                await dropLease(lost.shotID)
                continue
            }
            shots[id] = record
            unsettledKeys[id] = echo.key
            held.insert(echo.key)
            inFlight += 1
            observer(.shot(id: id, state: .creating, detail: "attempt \(number)"))
            prepared.append(PreparedCreate(shotID: id, attempt: attempt, request: request))
        }
        return prepared
    }

    /// The create gate refused a create: no create starts any more in this runner; what is out is still collected,
    /// and the run then ends with `.budget(reason)`. On a shared run the pending shots it held go back to the
    /// others at once (their gates are their own).
    func gateRefused(_ reason: String) async throws {
        guard budgetReached == nil else { return }
        budgetReached = reason
        observer(.note("\(reason): no more creates"))
        logger.notice("a create was refused", metadata: ["reason": "\(reason)"])
        guard let shared else { return }
        let pending = owned.filter { shots[$0]?.state == .pending }
        try await shared.database.releaseLeases(runID: shared.runID, owner: shared.owner, shots: Array(pending))
        owned.subtract(pending)
        await shared.capacity.give(pending.count)
    }

    /// Tells the create gate that the create of `shot`'s attempt `attempt` made no task (nothing was billed), when
    /// this runner's gate let that create through (not one a killed process sent, found never created).
    func giveBack(_ shot: ShotRecord?, attempt: Int) async {
        guard let gate = configuration.createGate, let shot,
              gatePassed.remove(GatePass(shotID: shot.id, attempt: attempt)) != nil else { return }
        await gate.giveBack(shot: shot.id, attempt: attempt, estimatedTokens: shot.estimatedTokens)
    }

    /// The gate refused a create and nothing of this process's is out any more (no create being sent or unsettled,
    /// no task at the service, no clip being fetched): the loop ends, with `.budget`.
    var settledAtBudget: Bool {
        budgetReached != nil && processing.isEmpty && readyQueue.isEmpty && creating.isEmpty
            && !shots.values.contains { $0.state.isActive && isMine($0.id) }
    }

    /// The echo key the shot's next create will have when its seed is fixed (nil: a random seed, never shared).
    /// Computed once per attempt number: a long plan held back by the gate costs a lookup per shot and pass.
    func gateKey(_ shot: ShotRecord) -> String? {
        if let cached = gateKeys[shot.id], cached.attempts == shot.attempts, cached.floor == shot.budgetFloor {
            return cached.key
        }
        guard let (model, fixed) = gateBases[shot.requestIdentity] else { return nil }
        let key = fixed.map { EchoedFields.key(model: model, seed: seed(for: shot, fixed: $0, number: shot.attempts + 1)) }
        gateKeys[shot.id] = (shot.attempts, shot.budgetFloor, key)
        return key
    }

    /// The create body of a shot, as recorded under its request identity.
    func request(of shot: ShotRecord) async throws -> GenerationRequest {
        var body = claimedBodies[shot.requestIdentity]
        if body == nil { body = try await store.requestBody(identity: shot.requestIdentity) }
        guard let body else {
            throw StoreError(reason: "the run's state has no request for shot \(shot.id); run the plan again")
        }
        let request = try JSONDecoder().decode(GenerationRequest.self, from: Data(body.utf8))
        gateBases[shot.requestIdentity] = (request.model, request.seed.flatMap { $0 >= 0 ? $0 : nil })
        return request
    }

    /// The seed of attempt `number`: a seed the plan or an override fixes is sent as it is for the first attempt
    /// after each change, and moved on by one for each regeneration (and each take of `regenerate`) so the clips
    /// differ; otherwise a random seed, which also tells this create's task apart in the list call.
    func seed(for shot: ShotRecord, request: GenerationRequest, number: Int) -> Int64 {
        guard let fixed = request.seed, fixed >= 0 else { return Int64.random(in: 1...4_294_967_295) }
        return seed(for: shot, fixed: fixed, number: number)
    }

    /// The seed of attempt `number` of a shot whose seed is fixed at `fixed`.
    func seed(for shot: ShotRecord, fixed: Int64, number: Int) -> Int64 {
        let override = overrides[shot.id]
        let take = override?.seed == nil ? (override?.take ?? 0) : 0
        return (fixed + Int64(take + max(0, number - 1 - shot.budgetFloor))) % 4_294_967_296
    }

    /// Sends one prepared create and records what it came to.
    func send(_ create: PreparedCreate) async throws {
        defer {
            creating.remove(create.shotID)
            wake()
        }
        var request = create.request
        // Added at sending, never recorded: the URL holds this process's secret, and it decides nothing about the
        // clip (the request's identity and the stored body leave it out).
        if let url = configuration.callbacks?.callbackURL { request.callbackURL = url }
        let outcome = await service.create(request)
        // The answer is recorded even when the run is being stopped (its sends cancelled after the drain): a store
        // write refused for cancellation would leave the attempt unsettled and end the run as "interrupted", with
        // no report, whatever its real ending.
        try await Task { try await self.record(outcome, of: create) }.value
    }

    /// Records what a create came to.
    func record(_ outcome: CreateOutcome, of create: PreparedCreate) async throws {
        let id = create.shotID, number = create.attempt.number
        let now = Date().timeIntervalSince1970
        switch outcome {
        case .created(let taskID):
            outage.answered()
            createsSent += 1
            try await transition(id, .created(attempt: number, taskID: taskID, reconciled: false), detail: taskID)
        case .refused(let message):
            outage.answered()
            await giveBack(shots[id], attempt: number)
            try await transition(id, .refused(attempt: number, message: message), detail: message)
        case .notAccepted(let message):
            // 429 or overloaded: nothing was made; give the service a poll interval's rest.
            outage.answered()
            await giveBack(shots[id], attempt: number)
            createPauseUntil = max(createPauseUntil, now + configuration.pollInterval)
            try await transition(id, .turnedAway(attempt: number, message: message), detail: "not accepted, will send again: \(message)")
        case .unreachable(let message):
            outage.failed(at: now, message)
            await giveBack(shots[id], attempt: number)
            createPauseUntil = max(createPauseUntil, now + outage.backoff(at: now))
            let left = max(0, configuration.offlineTimeout - (now - (outage.since ?? now)))
            try await transition(id, .turnedAway(attempt: number, message: message),
                                 detail: "service unreachable, will try again (gives up in \(Int(left.rounded())) s): \(message)")
        case .unauthorized(let message):
            outage.answered()
            await giveBack(shots[id], attempt: number)
            try await transition(id, .turnedAway(attempt: number, message: message), detail: "the key was refused: \(message)")
            stop(.unauthorized(message))
        case .unknown(let message):
            createsSent += 1
            try await transition(id, .outcomeUnknown(attempt: number, message: message),
                                 detail: "outcome unknown, will reconcile: \(message)")
        }
    }
}
