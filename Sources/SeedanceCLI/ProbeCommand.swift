import ArgumentParser
import Foundation
import Media
import Provenance
import QA

/// `seedance probe FILE... [--json]`.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Show container, video and audio facts of media files (like ffprobe, in-process).",
        discussion: """
            Several files are probed in parallel on all cores; output keeps the order given. A file that cannot be \
            read (missing, empty, an HTML error page, a truncated download) gets one line on stderr naming it and \
            the problem, the others are still reported, and the exit status is 2.

            A provenance line says what the file's C2PA manifest states, read without verifying it (fast): the \
            model, the software agent, the signer and issuer, the date, whether the signer is a test certificate, \
            and the container's AIGC label when there is one. `seedance provenance FILE` checks the manifest; \
            `seedance verify --model M` checks it against the model asked for. With several files, only the files \
            with something to say get a line.

            Examples:
              seedance probe clip.mp4
              seedance probe clips/*.mp4 --json \\
                | jq '.[] | {file, duration, video: .video.width}'
            """
    )

    @Argument(help: "Media files to probe (MP4, MOV, 3GP and anything FFmpeg reads).")
    var files: [String]

    @Flag(help: "Print JSON (an object for one file, an array for several) instead of a table.")
    var json = false

    func run() async throws {
        let results = await probeAll(files)
        let failures = results.compactMap { result -> MediaError? in
            if case .failure(let error) = result { return error } else { return nil }
        }
        // The manifest alone (no hashing), on every core as the probes: probe stays about as fast as before.
        let provenance = ProbeProvenance.readAll(results)
        if json {
            let entries: [FileResult<ProbedFile>] = zip(files, zip(results, provenance)).map { file, pair in
                switch pair.0 {
                case .success(let info): return .value(ProbedFile(info: info, provenance: pair.1.facts))
                case .failure(let error): return .failure(file: file, error: error.description)
                }
            }
            let text = files.count == 1 ? try JSONOutput.encode(entries[0]) : try JSONOutput.encode(entries)
            StandardOutput.write(text + "\n")
        } else {
            let infos = results.compactMap { try? $0.get() }
            let lines = zip(results, provenance).compactMap { result, facts in
                (try? result.get()).map { _ in facts.line }
            }
            if !infos.isEmpty { StandardOutput.write(ProbeTable.render(infos, provenance: lines)) }
        }
        for error in failures { StandardError.write("seedance: probe: \(error.description)\n") }
        if !failures.isEmpty {
            throw CommandFailure(.badInput, failures.count == 1 ? "" : "\(failures.count) of \(counted(files.count, "file")) could not be probed")
        }
    }
}

/// What `probe` found of a file's Content Credentials.
enum ProbeProvenance {
    /// No manifest and no AIGC label.
    case nothing
    /// A manifest, an AIGC label, or both.
    case found(ClipProvenance)
    /// A manifest store that cannot be read (`seedance provenance` says more).
    case unreadable(String, tags: [String: String])

    /// ``read(_:)`` of every probed file concurrently, in order (`nothing` for a file that failed to probe).
    static func readAll(_ results: [Result<MediaInfo, MediaError>]) -> [ProbeProvenance] {
        let slots = ProbeProvenanceSlots(count: results.count)
        DispatchQueue.concurrentPerform(iterations: results.count) { index in
            guard case .success(let info) = results[index] else { return }
            slots.set(index, read(info))
        }
        return slots.values
    }

    /// Reads the manifest of the probed file (not verifying it) and the AIGC label of its tags.
    static func read(_ info: MediaInfo) -> ProbeProvenance {
        do {
            let store = try ContentCredentials.read(path: info.file)
            return ClipProvenance(manifest: store?.activeManifest, tags: info.tags).map(ProbeProvenance.found) ?? .nothing
        } catch {
            return .unreadable(error.description, tags: info.tags)
        }
    }

    /// The JSON object: null without a manifest or AIGC label (or when the store cannot be read and there is no
    /// label).
    var facts: ClipProvenance? {
        switch self {
        case .nothing: return nil
        case .found(let facts): return facts
        case .unreadable(_, let tags): return ClipProvenance(manifest: nil, tags: tags)
        }
    }

    /// The text after `provenance: `; nil when there is nothing to say.
    var line: String? {
        switch self {
        case .nothing: return nil
        case .found(let facts): return facts.summary
        case .unreadable(let reason, let tags):
            return "a manifest store that cannot be read (\(reason))"
                + (AIGCLabel(tags: tags).map { "; AIGC label: \($0.summary)" } ?? "")
        }
    }
}

/// One file of `probe --json`: the probe's keys unchanged, and `provenance`.
struct ProbedFile: Encodable {
    let info: MediaInfo
    let provenance: ClipProvenance?

    private enum Keys: String, CodingKey { case provenance }

    func encode(to encoder: any Encoder) throws {
        try info.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(provenance, forKey: .provenance)
    }
}

/// Results written by concurrent readers, one slot each.
private final class ProbeProvenanceSlots: @unchecked Sendable {
    private var slots: [ProbeProvenance]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: .nothing, count: count) }

    func set(_ index: Int, _ value: ProbeProvenance) { lock.withLock { slots[index] = value } }

    var values: [ProbeProvenance] { lock.withLock { slots } }
}
