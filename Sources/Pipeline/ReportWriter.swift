import Foundation
import Media
import QA

/// Writes `report.json` and `report.html` from the job store (also what `seedance report DIR` runs).
///
/// Besides the two reports it puts in the run folder what the page shows, so the folder works offline as it is:
/// copies of the shots' local input images (`inputs/`) and small H.264 previews of clips browsers cannot play
/// (`previews/`, for HEVC). Both are written once and kept.
public struct ReportWriter: Sendable {
    let store: any JobStore
    let layout: RunLayout
    /// Prices from the prices file and the command line; the plan's `prices:` sit between them.
    public var prices: PriceSources

    /// A writer for the run in `layout`.
    public init(store: any JobStore, layout: RunLayout, prices: PriceSources = PriceSources()) {
        self.store = store
        self.layout = layout
        self.prices = prices
    }

    /// Opens the run in `directory` (read-only) to write its reports.
    public static func forRun(directory: String, prices: PriceSources = PriceSources()) throws -> ReportWriter {
        let state = (directory as NSString).appendingPathComponent("state.sqlite")
        guard FileManager.default.fileExists(atPath: state) else {
            throw StoreError(reason: "\(directory): no run here (state.sqlite is missing)")
        }
        let layout = try RunLayout(directory: directory)
        return ReportWriter(store: try SQLiteJobStore(path: layout.state, readOnly: true), layout: layout, prices: prices)
    }

    /// The writer of a shared run's reports, into its folder.
    public static func forRun(database: PostgresDatabase, runID: String,
                              prices: PriceSources = PriceSources()) async throws -> ReportWriter {
        guard let run = try await database.run(runID) else {
            throw StoreError(reason: "\(database.url.redacted): no run \"\(runID)\" (`seedance runs --store URL` lists them)")
        }
        return ReportWriter(store: PostgresJobStore(database: database, runID: runID),
                            layout: try RunLayout(directory: run.folder), prices: prices)
    }

    /// Builds the report from the store, copying input images and writing previews into the run folder as needed.
    public func report() async throws -> RunReport {
        let decoder = JSONDecoder()
        let plan = try await store.meta("plan").flatMap { try? decoder.decode(Plan.self, from: Data($0.utf8)) }
        let planFile = try await store.meta("plan_file")
        let table = prices.effective(plan: plan?.prices)
        let overrides = Dictionary(try await store.overrides().map { ($0.shotID, $0) }, uniquingKeysWith: { a, _ in a })
        let shots = try await store.shots()
        let attemptsByShot = Dictionary(grouping: try await store.allAttempts(), by: \.shotID)
        let events = try await store.allEvents()
        let media = ReportMedia(layout: layout)
        var reportShots: [RunReport.Shot] = []
        var attemptsCount = 0, creates = 0
        for shot in shots {
            let attempts = (attemptsByShot[shot.id] ?? []).sorted { $0.number < $1.number }
            attemptsCount += attempts.count
            creates += attempts.filter { ![AttemptState.notCreated, .refused].contains($0.state) }.count
            let override = overrides[shot.id].flatMap { $0.base == shot.planRequestIdentity ? $0 : nil }
            let planShot = plan?.shots.first { $0.id == shot.id }
            let prompt = override?.prompt ?? planShot?.prompt ?? ""
            let model = try await model(of: shot, planShot: planShot, plan: plan)
            let price = model.flatMap(table.price(of:))
            let history = events[shot.id] ?? []
            let reportAttempts = attempts.enumerated().map { index, a in
                let end = a.finishedAt ?? (index + 1 < attempts.count ? attempts[index + 1].submittedAt : nil)
                var attempt = RunReport.Attempt(
                    number: a.number, reason: a.reason, state: a.state.rawValue, taskID: a.taskID, seed: a.markerSeed,
                    submittedAt: a.submittedAt, finishedAt: a.finishedAt, tokens: a.tokens, error: a.error,
                    clip: a.clipPath)
                attempt.timings = ReportTimings.of(attemptFrom: a.submittedAt, to: end, events: history)
                attempt.cost = price.flatMap { p in a.tokens.map(p.cost(of:)) }
                if let clip = a.clipPath {
                    let playable = media.playable(clip)
                    attempt.codec = playable.codec
                    attempt.preview = playable.preview
                }
                return attempt
            }
            var entry = RunReport.Shot(
                id: shot.id, position: shot.position, inEdit: shot.inPlan && override?.dropped != true, prompt: prompt,
                state: shot.state.rawValue, taskID: shot.taskID, attempts: reportAttempts,
                override: override.map { RunReport.Override(prompt: $0.prompt, seed: $0.seed, take: $0.take,
                                                            approved: $0.approved, dropped: $0.dropped, reason: $0.reason) },
                tokens: shot.tokens, estimatedTokens: shot.estimatedTokens, startedAt: shot.startedAt,
                finishedAt: shot.finishedAt,
                seconds: shot.startedAt.flatMap { start in shot.finishedAt.map { $0 - start } },
                clip: shot.clipPath, poster: shot.posterPath, lastFrame: shot.lastFramePath, sheet: shot.sheetPath,
                probe: shot.probe.flatMap { try? decoder.decode(MediaInfo.self, from: Data($0.utf8)) },
                qa: shot.qa.flatMap { try? decoder.decode(QAReport.self, from: Data($0.utf8)) },
                qaPassed: shot.qaPassed, error: shot.error,
                history: history.map { RunReport.Event(at: $0.at, state: $0.state, detail: $0.detail) })
            entry.model = model
            entry.price = price
            entry.provenance = entry.qa?.provenance
            if let price {
                let retryTokens = reportAttempts.filter { !Self.isInUse($0, of: entry) }.compactMap(\.tokens).reduce(0, +)
                entry.cost = RunReport.ShotCost(currency: price.currency,
                                                estimated: shot.estimatedTokens.map(price.cost(of:)),
                                                billed: price.cost(of: shot.tokens ?? 0), retries: price.cost(of: retryTokens))
            }
            entry.inputs = planShot.map { media.inputs(of: $0, shotID: shot.id, planFile: planFile) }
            if let clip = shot.clipPath {
                let playable = media.playable(clip)
                entry.clipCodec = playable.codec
                entry.clipPreview = playable.preview
            }
            if shot.chained || planShot?.firstFrameFromPrevious == true {
                let previous = shots.filter { $0.inPlan && $0.position < shot.position }.max { $0.position < $1.position }
                entry.chainedFrom = previous?.id
                entry.chainedImage = previous?.lastFramePath
                if let clip = shot.clipPath { entry.firstFrame = media.firstFrame(of: clip, shotID: shot.id) }
            }
            reportShots.append(entry)
        }
        let final = try await store.meta("final").flatMap { try? decoder.decode(FinalRecord.self, from: Data($0.utf8)) }.map {
            var final = RunReport.Final(path: $0.path, strategy: $0.strategy, reason: $0.reason,
                                        passed: $0.checks.allSatisfy(\.passed), probe: $0.probe, checks: $0.checks,
                                        shots: $0.shots)
            final.ingredients = Self.ingredients(joined: $0.shots, shots: reportShots)
            return final
        }
        let createdAt = try await store.meta("created_at").flatMap(Double.init)
        let lastFinish = shots.compactMap(\.finishedAt).max()
        // The edit: shots in the plan and not dropped by an override, the same set the money totals count.
        let inEdit = Set(reportShots.filter(\.inEdit).map(\.id))
        let edit = shots.filter { inEdit.contains($0.id) }
        var totals = RunReport.Totals(
            shots: edit.count, done: edit.filter { $0.state == .done }.count,
            failed: edit.filter { $0.state == .failed }.count, creates: creates, attempts: attemptsCount,
            tokens: shots.compactMap(\.tokens).reduce(0, +),
            estimatedTokens: edit.compactMap(\.estimatedTokens).reduce(0, +),
            wallSeconds: createdAt.flatMap { start in lastFinish.map { $0 - start } })
        ReportCost.addTotals(to: &totals, shots: reportShots)
        var report = RunReport(name: plan?.name, planFile: planFile, createdAt: createdAt, totals: totals, final: final,
                               shots: reportShots)
        report.editOrder = EditOrder.resolve(shots: shots, overrides: overrides,
                                             joinOrder: try await EditOrder.recorded(in: store)).map(\.id)
        return report
    }

    /// The joined shots' manifests, in edit order: the shots the final names, else the edit's done shots.
    static func ingredients(joined: [String]?, shots: [RunReport.Shot]) -> [RunReport.Ingredient] {
        let ids = joined ?? shots.filter { $0.inEdit && $0.state == "done" }.sorted { $0.position < $1.position }.map(\.id)
        return ids.compactMap { id in
            guard let shot = shots.first(where: { $0.id == id }) else { return nil }
            let facts = shot.provenance
            return RunReport.Ingredient(shot: id, file: shot.clip, modelName: facts?.modelName,
                                        softwareAgent: facts?.softwareAgent, signer: facts?.signer,
                                        testSigner: facts?.testSigner ?? false, intact: facts?.intact,
                                        hasManifest: facts?.hasManifest ?? false)
        }
    }

    /// Whether `attempt`'s clip is the shot's clip now (its tokens bought what the edit uses).
    static func isInUse(_ attempt: RunReport.Attempt, of shot: RunReport.Shot) -> Bool {
        attempt.state == AttemptState.succeeded.rawValue && shot.state == ShotState.done.rawValue
    }

    /// The model the shot's stored request names; else the plan's setting; else the default model.
    private func model(of shot: ShotRecord, planShot: PlanShot?, plan: Plan?) async throws -> String? {
        struct Body: Decodable { var model: String }
        if !shot.requestIdentity.isEmpty, let body = try await store.requestBody(identity: shot.requestIdentity),
           let decoded = try? JSONDecoder().decode(Body.self, from: Data(body.utf8)) {
            return decoded.model
        }
        guard let plan else { return nil }
        return planShot?.settings.model ?? plan.defaults.model ?? ShotRequestBuilder.defaultModel
    }

    /// Writes both reports atomically (temporary names the run's sweep knows); returns their paths.
    @discardableResult
    public func write() async throws -> (json: String, html: String) {
        let report = try await report()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try layout.writeAtomically(try encoder.encode(report), to: layout.reportJSON)
        let html = ReportHTML.render(report, finalExists: FileManager.default.fileExists(atPath: layout.absolute(layout.final)))
        try layout.writeAtomically(Data(html.utf8), to: layout.reportHTML)
        return (layout.absolute(layout.reportJSON), layout.absolute(layout.reportHTML))
    }
}

/// Where a report's prices come from, lowest first: the prices file, then the plan's `prices:`, then `--price`.
public struct PriceSources: Sendable, Hashable {
    /// From `prices.yaml` in the user's configuration folder.
    public var configFile: PriceTable
    /// From `--price MODEL=PRICE`.
    public var commandLine: PriceTable

    /// Sources with these tables (none by default: seedance ships no prices).
    public init(configFile: PriceTable = PriceTable(), commandLine: PriceTable = PriceTable()) {
        self.configFile = configFile
        self.commandLine = commandLine
    }

    /// The table in force for a run whose plan has `plan` prices.
    public func effective(plan: PriceTable?) -> PriceTable {
        configFile.overridden(by: plan ?? PriceTable()).overridden(by: commandLine)
    }
}
