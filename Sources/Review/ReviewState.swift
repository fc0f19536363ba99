import Foundation
import Logging
import Pipeline
import SeedanceAPI

/// What the page shows, as one JSON document with a version: the run's report (the same model `report.html` is made
/// from: shots, attempts, checks, previews, prices), each shot's request parameters, the edit order, and the runs the
/// page started.
///
/// It is made again only when the run changed: a look at the store's light shot list, overrides and run-level values
/// (a few reads, no clip touched; one query to a PostgreSQL store, `PostgresJobStore.changeMark`) tells, every
/// `watchInterval`, whether a runner here, in another process or on another machine moved anything. Readers (the page, the event stream) take the latest version without waiting.
actor ReviewState {
    private let store: any JobStore
    private let writer: ReportWriter
    private let layout: RunLayout
    private let logger: Logger
    private var jobs: ReviewJobs?
    private let canGenerate: Bool
    private let generateNote: String?
    /// The store's own cheap fingerprint of the run, when it has one (a shared store: one query, not four).
    private let storeMark: (@Sendable () async throws -> String)?

    /// The latest document and its version (0: none yet).
    private(set) var version = 0
    private(set) var document = Data("{}".utf8)
    private var signature = ""
    /// Parameters by request identity (a request body never changes under its identity).
    private var parameters: [String: [String: String]] = [:]
    /// A look is under way; the callers waiting for their turn.
    private var looking = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(store: any JobStore, layout: RunLayout, prices: PriceSources, canGenerate: Bool, generateNote: String?,
         logger: Logger, storeMark: (@Sendable () async throws -> String)? = nil) {
        self.store = store
        self.storeMark = storeMark
        self.layout = layout
        self.writer = ReportWriter(store: store, layout: layout, prices: prices)
        self.canGenerate = canGenerate
        self.generateNote = generateNote
        self.logger = logger
    }

    func attach(_ jobs: ReviewJobs) { self.jobs = jobs }

    /// The latest document, made first if none was.
    func current() async -> (version: Int, document: Data) {
        if version == 0 { await refresh(force: true) }
        return (version, document)
    }

    /// Looks at the run and makes the document again when something changed (or when `force`). One look at a
    /// time, in the order asked: each waits for the one before it.
    func refresh(force: Bool = false) async {
        if looking {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            looking = true
        }
        await look(force: force)
        // Hand the turn to the next caller, or end it.
        if waiting.isEmpty { looking = false } else { waiting.removeFirst().resume() }
    }

    private func look(force: Bool) async {
        do {
            let mark = try await changeMark()
            guard force || mark != signature else { return }
            var made = try await make()
            made.version = version + 1
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            document = try encoder.encode(made)
            version = made.version
            signature = mark
        } catch {
            logger.warning("could not read the run", metadata: ["error": "\(error)"])
        }
    }

    /// A cheap fingerprint of everything the page shows: shots (light rows), overrides, the final video and join
    /// order, the jobs.
    private func changeMark() async throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var mark = Data()
        if let storeMark {
            mark += Data(try await storeMark().utf8)
            if let jobs { mark += try encoder.encode(await jobs.jobs) }
            return String(decoding: mark, as: UTF8.self)
        }
        mark += try encoder.encode(try await store.shots())
        mark += try encoder.encode(try await store.overrides())
        mark += Data((try await store.meta("final") ?? "").utf8)
        mark += Data((try await store.meta(EditOrder.metaKey) ?? "").utf8)
        if let jobs { mark += try encoder.encode(await jobs.jobs) }
        return String(decoding: mark, as: UTF8.self)
    }

    private func make() async throws -> ReviewDocument {
        let report = try await writer.report()
        var shotParameters: [String: [String: String]] = [:]
        for shot in try await store.shots() where !shot.requestIdentity.isEmpty {
            if parameters[shot.requestIdentity] == nil {
                parameters[shot.requestIdentity] = try await Self.parameters(store: store, identity: shot.requestIdentity)
            }
            shotParameters[shot.id] = parameters[shot.requestIdentity]
        }
        return ReviewDocument(
            version: 0, run: report, parameters: shotParameters,
            jobs: await jobs?.jobs ?? [], busy: await jobs?.busy ?? false, canGenerate: canGenerate,
            generateNote: canGenerate ? nil : generateNote,
            finalExists: FileManager.default.fileExists(atPath: layout.absolute(layout.final)))
    }

    /// The request's settings as words (model, resolution, ratio, duration, seed, ...): every field but the content
    /// (prompt and images, shown apart, and large).
    static func parameters(store: any JobStore, identity: String) async throws -> [String: String] {
        guard let body = try await store.requestBody(identity: identity),
              case .object(let object) = try JSONDecoder().decode(JSONValue.self, from: Data(body.utf8)) else { return [:] }
        var result: [String: String] = [:]
        for (key, value) in object where key != "content" {
            switch value {
            case .bool(let flag): result[key] = flag ? "true" : "false"
            case .number(let number):
                result[key] = number.rounded() == number && abs(number) < 9.0e15 ? String(Int64(number)) : String(number)
            case .string(let text): result[key] = text
            default: break
            }
        }
        return result
    }
}

/// The page's document.
struct ReviewDocument: Encodable {
    var version: Int
    var run: RunReport
    var parameters: [String: [String: String]]
    var jobs: [ReviewJobs.Job]
    var busy: Bool
    var canGenerate: Bool
    var generateNote: String?
    var finalExists: Bool

    enum CodingKeys: String, CodingKey {
        case version, run, parameters, jobs, busy
        case canGenerate = "can_generate", generateNote = "generate_note", finalExists = "final_exists"
    }
}
