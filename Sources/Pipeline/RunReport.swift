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

        enum CodingKeys: String, CodingKey {
            case number, reason, state, seed, tokens, error
            case taskID = "task_id", submittedAt = "submitted_at", finishedAt = "finished_at"
        }
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
        public var prompt: String
        public var state: String
        public var taskID: String?
        public var attempts: [Attempt]
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
            case id, position, prompt, state, attempts, tokens, clip, poster, sheet, probe, qa, error, history, seconds
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
    let store: JobStore
    let layout: RunLayout
    let plan: Plan?

    /// A writer for the run in `layout`.
    public init(store: JobStore, layout: RunLayout, plan: Plan?) {
        self.store = store
        self.layout = layout
        self.plan = plan
    }

    /// Opens the run in `directory` to write its reports.
    public static func forRun(directory: String) throws -> ReportWriter {
        let layout = try RunLayout(directory: directory)
        guard FileManager.default.fileExists(atPath: layout.state) else {
            throw StoreError(reason: "\(directory): no run here (state.sqlite is missing)")
        }
        let store = try JobStore(path: layout.state, readOnly: true)
        let plan = try store.meta("plan").flatMap { try? JSONDecoder().decode(Plan.self, from: Data($0.utf8)) }
        return ReportWriter(store: store, layout: layout, plan: plan)
    }

    /// Builds the report from the store.
    public func report() throws -> RunReport {
        let decoder = JSONDecoder()
        let shots = try store.shots()
        var reportShots: [RunReport.Shot] = []
        var attemptsCount = 0, creates = 0
        for shot in shots {
            let attempts = try store.attempts(shotID: shot.id)
            attemptsCount += attempts.count
            creates += attempts.filter { ![AttemptState.notCreated, .refused].contains($0.state) }.count
            let prompt = plan?.shots.first { $0.id == shot.id }?.prompt ?? ""
            reportShots.append(RunReport.Shot(
                id: shot.id, position: shot.position, prompt: prompt, state: shot.state.rawValue, taskID: shot.taskID,
                attempts: attempts.map {
                    RunReport.Attempt(number: $0.number, reason: $0.reason, state: $0.state.rawValue, taskID: $0.taskID,
                                      seed: $0.markerSeed, submittedAt: $0.submittedAt, finishedAt: $0.finishedAt,
                                      tokens: $0.tokens, error: $0.error)
                },
                tokens: shot.tokens, estimatedTokens: shot.estimatedTokens, startedAt: shot.startedAt,
                finishedAt: shot.finishedAt,
                seconds: shot.startedAt.flatMap { start in shot.finishedAt.map { $0 - start } },
                clip: shot.clipPath, poster: shot.posterPath, lastFrame: shot.lastFramePath, sheet: shot.sheetPath,
                probe: shot.probe.flatMap { try? decoder.decode(MediaInfo.self, from: Data($0.utf8)) },
                qa: shot.qa.flatMap { try? decoder.decode(QAReport.self, from: Data($0.utf8)) },
                qaPassed: shot.qaPassed, error: shot.error,
                history: try store.events(shotID: shot.id).map { RunReport.Event(at: $0.at, state: $0.state, detail: $0.detail) }))
        }
        let final = try store.meta("final").flatMap { try? decoder.decode(FinalRecord.self, from: Data($0.utf8)) }.map {
            RunReport.Final(path: $0.path, strategy: $0.strategy, reason: $0.reason,
                            passed: $0.checks.allSatisfy(\.passed), probe: $0.probe, checks: $0.checks)
        }
        let createdAt = try store.meta("created_at").flatMap(Double.init)
        let lastFinish = shots.compactMap(\.finishedAt).max()
        return RunReport(
            name: plan?.name, planFile: try store.meta("plan_file"), createdAt: createdAt,
            totals: RunReport.Totals(
                shots: shots.count, done: shots.filter { $0.state == .done }.count,
                failed: shots.filter { $0.state == .failed }.count, creates: creates, attempts: attemptsCount,
                tokens: shots.compactMap(\.tokens).reduce(0, +),
                estimatedTokens: shots.compactMap(\.estimatedTokens).reduce(0, +),
                wallSeconds: createdAt.flatMap { start in lastFinish.map { $0 - start } }),
            final: final, shots: reportShots)
    }

    /// Writes both reports atomically; returns their paths.
    @discardableResult
    public func write() throws -> (json: String, html: String) {
        let report = try report()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json = layout.absolute(layout.reportJSON), html = layout.absolute(layout.reportHTML)
        try encoder.encode(report).write(to: URL(fileURLWithPath: json), options: .atomic)
        try Data(ReportHTML.render(report, finalExists: FileManager.default.fileExists(atPath: layout.absolute(layout.final))).utf8)
            .write(to: URL(fileURLWithPath: html), options: .atomic)
        return (json, html)
    }
}
