import Foundation
import Logging
import SeedanceAPI

extension PipelineRunner {
    /// Continues the run in `directory` with the plan it recorded. `retryFailed` gives every failed shot a fresh
    /// regeneration budget (it is made again).
    public static func resume(directory: String, configuration: RunConfiguration, service: any GenerationService,
                              logger: Logger, observer: @escaping RunObserver = { _ in },
                              retryFailed: Bool = false, shared: SharedRun? = nil) async throws -> PipelineRunner {
        var configuration = configuration
        configuration.outputDirectory = directory
        let folder = try shared.map { try RunFolder(shared: $0, directory: directory) }
            ?? RunFolder(directory: directory, create: false, logger: logger)
        let stored = try await folder.store.shots()
        guard !stored.isEmpty else {
            throw StoreError(reason: "\(directory): no plan was ever started here; run one with `seedance run PLAN -o \(directory)`")
        }
        var difference = try PlanSync.diff(planned: try await recordedPlan(folder.store, stored),
                                           stored: stored, overrides: try await folder.store.overrides())
        if retryFailed {
            for index in difference.entries.indices where difference.entries[index].state == .failed {
                let id = difference.entries[index].id
                difference.entries[index].needsCreate = true
                difference.changes.transitions.append((id, .reset(reason: "retry of a failed shot, with a fresh "
                    + "regeneration budget", identities: nil)))
            }
        }
        return PipelineRunner(folder: folder, difference: difference, configuration: configuration, service: service,
                              logger: logger, observer: observer, shared: shared)
    }

    /// Makes the named shots again (the clip was not liked), with a new prompt or seed when given, and every shot
    /// chained after them; records the change as an override on top of the plan, so a re-run of the unchanged plan
    /// keeps it. The earlier clips stay in the folder.
    public static func regenerate(directory: String, shots ids: [String], prompt: String? = nil, seed: Int64? = nil,
                                  reason: String, configuration: RunConfiguration, service: any GenerationService,
                                  logger: Logger, observer: @escaping RunObserver = { _ in },
                                  shared: SharedRun? = nil) async throws -> PipelineRunner {
        var configuration = configuration
        configuration.outputDirectory = directory
        let folder = try shared.map { try RunFolder(shared: $0, directory: directory) }
            ?? RunFolder(directory: directory, create: false, logger: logger)
        let stored = try await folder.store.shots()
        let inPlan = stored.filter(\.inPlan)
        for id in ids where !inPlan.contains(where: { $0.id == id }) {
            throw StoreError(reason: "\(directory): no shot \"\(id)\" in the run's plan; its shots are "
                + inPlan.map(\.id).joined(separator: ", "))
        }
        var overrides = Dictionary(try await folder.store.overrides().map { ($0.shotID, $0) }, uniquingKeysWith: { a, _ in a })
        var saved: [ShotOverride] = []
        for id in ids {
            guard let shot = inPlan.first(where: { $0.id == id }) else { continue }
            var override = ShotOverride.inForce(overrides[id], for: shot)
            override.take += 1
            if let prompt { override.prompt = prompt }
            if let seed { override.seed = seed }
            override.approved = nil
            override.reason = reason
            override.updatedAt = Date().timeIntervalSince1970
            overrides[id] = override
            saved.append(override)
        }
        var difference = try PlanSync.diff(planned: try await recordedPlan(folder.store, stored), stored: stored,
                                           overrides: Array(overrides.values), reason: "regenerate: \(reason)")
        difference.changes.savedOverrides = saved
        return PipelineRunner(folder: folder, difference: difference, configuration: configuration, service: service,
                              logger: logger, observer: observer, shared: shared)
    }

    /// The plan as the run recorded it: its shots' plan requests, in order.
    static func recordedPlan(_ store: any JobStore, _ stored: [ShotRecord]) async throws -> [PlannedShot] {
        // Runs of the first release recorded chaining only in the plan.
        let chainedInPlan = try await store.meta("plan")
            .flatMap { try? JSONDecoder().decode(Plan.self, from: Data($0.utf8)) }
            .map { Set($0.shots.filter(\.firstFrameFromPrevious).map(\.id)) } ?? []
        var planned: [PlannedShot] = []
        for shot in stored where shot.inPlan {
            guard let body = try await store.requestBody(identity: shot.planRequestIdentity) else {
                throw StoreError(reason: "the run's state has no request for shot \(shot.id); run the plan again")
            }
            let request = try JSONDecoder().decode(GenerationRequest.self, from: Data(body.utf8))
            let chained = shot.identity.isEmpty ? chainedInPlan.contains(shot.id) : shot.chained
            planned.append(PlannedShot(id: shot.id, chained: chained, request: request))
        }
        return planned
    }
}
