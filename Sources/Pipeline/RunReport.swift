import Foundation
import Media
import QA

/// `report.json`: the whole run as data.
public struct RunReport: Sendable, Codable {
    /// Run totals.
    public struct Totals: Sendable, Codable {
        public var shots: Int
        public var done: Int
        public var failed: Int
        /// Create calls that made (or may have made) a task, regenerations included.
        public var creates: Int
        /// Create calls of every kind (refused and not-accepted ones too).
        public var attempts: Int
        public var tokens: Int
        public var estimatedTokens: Int
        public var wallSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case shots, done, failed, creates, attempts, tokens
            case estimatedTokens = "estimated_tokens", wallSeconds = "wall_seconds"
        }
    }

    /// One create call.
    public struct Attempt: Sendable, Codable {
        public var number: Int
        public var reason: String
        public var state: String
        public var taskID: String?
        public var seed: Int64
        public var submittedAt: Double
        public var finishedAt: Double?
        public var tokens: Int?
        public var error: String?
        /// Where its clip is kept, when it was downloaded.
        public var clip: String?

        enum CodingKeys: String, CodingKey {
            case number, reason, state, seed, tokens, error, clip
            case taskID = "task_id", submittedAt = "submitted_at", finishedAt = "finished_at"
        }
    }

    /// A change made after the plan.
    public struct Override: Sendable, Codable {
        public var prompt: String?
        public var seed: Int64?
        public var take: Int
        public var approved: Bool?
        public var dropped: Bool
        public var reason: String?
    }

    /// A state change.
    public struct Event: Sendable, Codable {
        public var at: Double
        public var state: String
        public var detail: String?
    }

    /// One shot.
    public struct Shot: Sendable, Codable {
        public var id: String
        public var position: Int
        /// Whether the shot is in the edit (false: it left the plan or was dropped; its clips stay).
        public var inEdit: Bool
        public var prompt: String
        public var state: String
        public var taskID: String?
        public var attempts: [Attempt]
        public var override: Override?
        public var tokens: Int?
        public var estimatedTokens: Int?
        public var startedAt: Double?
        public var finishedAt: Double?
        public var seconds: Double?
        public var clip: String?
        public var poster: String?
        public var lastFrame: String?
        public var sheet: String?
        public var probe: MediaInfo?
        public var qa: QAReport?
        public var qaPassed: Bool?
        public var error: String?
        public var history: [Event]

        enum CodingKeys: String, CodingKey {
            case id, position, prompt, state, attempts, tokens, clip, poster, sheet, probe, qa, error, history, seconds, override
            case inEdit = "in_edit"
            case taskID = "task_id", estimatedTokens = "estimated_tokens", startedAt = "started_at"
            case finishedAt = "finished_at", lastFrame = "last_frame", qaPassed = "qa_passed"
        }
    }

    /// The joined video.
    public struct Final: Sendable, Codable {
        public var path: String
        public var strategy: String
        public var reason: String
        public var passed: Bool
        public var probe: MediaInfo
        public var checks: [QACheck]
    }

    public var name: String?
    public var planFile: String?
    public var createdAt: Double?
    public var totals: Totals
    public var final: Final?
    public var shots: [Shot]

    enum CodingKeys: String, CodingKey {
        case name, totals, final, shots
        case planFile = "plan_file", createdAt = "created_at"
    }
}

/// Writes `report.json` and `report.html` from the job store (also what `seedance report DIR` runs).
public struct ReportWriter: Sendable {
    let store: any JobStore
    let layout: RunLayout

    /// A writer for the run in `layout`.
    public init(store: any JobStore, layout: RunLayout) {
        self.store = store
        self.layout = layout
    }

    /// Opens the run in `directory` (read-only) to write its reports.
    public static func forRun(directory: String) throws -> ReportWriter {
        let state = (directory as NSString).appendingPathComponent("state.sqlite")
        guard FileManager.default.fileExists(atPath: state) else {
            throw StoreError(reason: "\(directory): no run here (state.sqlite is missing)")
        }
        let layout = try RunLayout(directory: directory)
        return ReportWriter(store: try SQLiteJobStore(path: layout.state, readOnly: true), layout: layout)
    }

    /// The writer of a shared run's reports, into its folder.
    public static func forRun(database: PostgresDatabase, runID: String) async throws -> ReportWriter {
        guard let run = try await database.run(runID) else {
            throw StoreError(reason: "\(database.url.redacted): no run \"\(runID)\" (`seedance runs --store URL` lists them)")
        }
        return ReportWriter(store: PostgresJobStore(database: database, runID: runID), layout: try RunLayout(directory: run.folder))
    }

    /// Builds the report from the store.
    public func report() async throws -> RunReport {
        let decoder = JSONDecoder()
        let plan = try await store.meta("plan").flatMap { try? decoder.decode(Plan.self, from: Data($0.utf8)) }
        let overrides = Dictionary(try await store.overrides().map { ($0.shotID, $0) }, uniquingKeysWith: { a, _ in a })
        let shots = try await store.shots()
        let attemptsByShot = Dictionary(grouping: try await store.allAttempts(), by: \.shotID)
        let events = try await store.allEvents()
        var reportShots: [RunReport.Shot] = []
        var attemptsCount = 0, creates = 0
        for shot in shots {
            let attempts = (attemptsByShot[shot.id] ?? []).sorted { $0.number < $1.number }
            attemptsCount += attempts.count
            creates += attempts.filter { ![AttemptState.notCreated, .refused].contains($0.state) }.count
            let override = overrides[shot.id].flatMap { $0.base == shot.planRequestIdentity ? $0 : nil }
            let prompt = override?.prompt ?? plan?.shots.first { $0.id == shot.id }?.prompt ?? ""
            reportShots.append(RunReport.Shot(
                id: shot.id, position: shot.position, inEdit: shot.inPlan && override?.dropped != true, prompt: prompt,
                state: shot.state.rawValue, taskID: shot.taskID,
                attempts: attempts.map {
                    RunReport.Attempt(number: $0.number, reason: $0.reason, state: $0.state.rawValue, taskID: $0.taskID,
                                      seed: $0.markerSeed, submittedAt: $0.submittedAt, finishedAt: $0.finishedAt,
                                      tokens: $0.tokens, error: $0.error, clip: $0.clipPath)
                },
                override: override.map { RunReport.Override(prompt: $0.prompt, seed: $0.seed, take: $0.take,
                                                            approved: $0.approved, dropped: $0.dropped, reason: $0.reason) },
                tokens: shot.tokens, estimatedTokens: shot.estimatedTokens, startedAt: shot.startedAt,
                finishedAt: shot.finishedAt,
                seconds: shot.startedAt.flatMap { start in shot.finishedAt.map { $0 - start } },
                clip: shot.clipPath, poster: shot.posterPath, lastFrame: shot.lastFramePath, sheet: shot.sheetPath,
                probe: shot.probe.flatMap { try? decoder.decode(MediaInfo.self, from: Data($0.utf8)) },
                qa: shot.qa.flatMap { try? decoder.decode(QAReport.self, from: Data($0.utf8)) },
                qaPassed: shot.qaPassed, error: shot.error,
                history: (events[shot.id] ?? []).map { RunReport.Event(at: $0.at, state: $0.state, detail: $0.detail) }))
        }
        let final = try await store.meta("final").flatMap { try? decoder.decode(FinalRecord.self, from: Data($0.utf8)) }.map {
            RunReport.Final(path: $0.path, strategy: $0.strategy, reason: $0.reason,
                            passed: $0.checks.allSatisfy(\.passed), probe: $0.probe, checks: $0.checks)
        }
        let createdAt = try await store.meta("created_at").flatMap(Double.init)
        let lastFinish = shots.compactMap(\.finishedAt).max()
        let edit = shots.filter(\.inPlan)
        return RunReport(
            name: plan?.name, planFile: try await store.meta("plan_file"), createdAt: createdAt,
            totals: RunReport.Totals(
                shots: edit.count, done: edit.filter { $0.state == .done }.count,
                failed: edit.filter { $0.state == .failed }.count, creates: creates, attempts: attemptsCount,
                tokens: shots.compactMap(\.tokens).reduce(0, +),
                estimatedTokens: edit.compactMap(\.estimatedTokens).reduce(0, +),
                wallSeconds: createdAt.flatMap { start in lastFinish.map { $0 - start } }),
            final: final, shots: reportShots)
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
