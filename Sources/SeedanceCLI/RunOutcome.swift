import Foundation
import Pipeline

/// How a run is confirmed, watched for Ctrl-C, and how its end becomes one line and an exit status (a plan or store
/// error on the way is said by `ErrorVoice`, like every other failure).
enum RunOutcome {
    /// `--dry-run`: prints what the plan would change and cost, touching nothing.
    static func preview(plan: Plan, planFile: String, directory: String, json: Bool, shared: SharedRun? = nil) async throws {
        let difference = try await PipelineRunner.preview(plan: plan, planFile: planFile, directory: directory, shared: shared)
        show(difference, json: json)
        if !json { StandardError.write("dry run: nothing was sent\n") }
    }

    /// Prints the difference: lines on stderr, or one JSON event on stdout.
    static func show(_ difference: PlanDiff, json: Bool) {
        if json {
            var object: [String: Any] = ["event": "plan", "time": Date().timeIntervalSince1970,
                                         "creates": difference.creates, "estimated_tokens": difference.estimatedTokens,
                                         "removed": difference.removed, "replaced_overrides": difference.replacedOverrides]
            var changes: [String: [String]] = [:]
            for entry in difference.entries { changes[entry.change.rawValue, default: []].append(entry.id) }
            object["shots"] = changes
            if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
                StandardOutput.write(String(decoding: data, as: UTF8.self) + "\n")
            }
        } else {
            StandardError.write(difference.summary.joined(separator: "\n") + "\n")
        }
    }

    /// Asks on a terminal whether to spend; true without a terminal (scripts and cron jobs go on).
    static func confirm(_ difference: PlanDiff) -> Bool {
        guard isatty(0) == 1, isatty(2) == 1 else { return true }
        StandardError.write("Go ahead and create \(counted(difference.creates, "task"))? [y/N] ")
        guard let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
        return answer == "y" || answer == "yes"
    }

    /// Shows the difference, asks when it spends, runs with Ctrl-C handled, and ends with DESIGN.md's exit status.
    /// `resumeCommand` is how the user continues the run (`seedance resume DIR` unless given).
    static func finish(_ runner: PipelineRunner, options: RunOptions, spend: SpendOptions, baseURL: URL,
                       ask: Bool = true, resumeCommand: String? = nil, clip: String? = nil) async throws {
        let difference = runner.difference
        show(difference, json: options.json)
        if spend.dryRun {
            if !options.json { StandardError.write("dry run: nothing was sent\n") }
            return
        }
        if ask, !spend.yes, difference.creates > 0, !options.json, !confirm(difference) {
            StandardError.write("nothing was sent\n")
            return
        }
        // Kept until the process ends: a second Ctrl-C while the summary is printed still exits 130 with a word.
        let interrupts = InterruptHandler { await runner.stop(.interrupted) }
        let summary: RunSummary
        do {
            // A shared run's callbacks go to the store, where every worker of the run reads them.
            let sink = runner.sharedDatabase.map { SharedCallbackSink(database: $0) }
            var ran = try await options.callbacks.serving(runner.callbackInbox, sink: sink, logger: runner.runLogger,
                                                          json: options.json) { try await runner.run() }
            if let sink, let confirmed = ran.callbacks {
                var counts = await sink.counts
                counts.confirmations = confirmed.confirmations
                ran.callbacks = counts
            }
            summary = ran
        } catch {
            // A run that ends by an error leaves no block half-drawn and no cursor hidden above its error line.
            LiveStatusDisplay.closeCurrent()
            throw error
        }
        LiveStatusDisplay.closeCurrent()
        withExtendedLifetime(interrupts) {}
        if options.json {
            StandardOutput.write(try JSONOutput.encode(summary).replacingOccurrences(of: "\n", with: "") + "\n")
        } else {
            var lines = ["\(counted(summary.done, "shot")) done, \(summary.failed) failed; "
                + "\(counted(summary.createsNow, "create call")) now, \(summary.creates) in all; "
                + "\(RunStatusBlock.grouped(summary.tokens)) token\(summary.tokens == 1 ? "" : "s") billed in all"]
            // A one-shot run has no final video: say where its clip is, so the user need not look for it.
            if let clip, summary.finalVideo == nil {
                let path = (summary.directory as NSString).appendingPathComponent(clip)
                if FileManager.default.fileExists(atPath: path) { lines.append("clip: \(path)") }
            }
            if let video = summary.finalVideo {
                lines.append("final video: \(video) (\(summary.finalPassed == true ? "verified" : "FAILED its checks"))")
            }
            if let counts = summary.callbacks {
                lines.append("callbacks: \(counted(counts.accepted, "hint")) confirmed in \(counted(counts.confirmations, "list call")); "
                    + "ignored \(counts.ignored) (bad secret \(counts.badSecret), unreadable \(counts.malformed), "
                    + "replayed \(counts.replayed), unknown task \(counts.unknownTask))")
            }
            lines.append("report: \(summary.report)")
            lines.append("run folder: \(summary.directory)")
            StandardError.write(lines.joined(separator: "\n") + "\n")
        }
        let resume = "`\(resumeCommand ?? "seedance resume \(shellQuoted(summary.directory))")`"
        switch summary.ending {
        case .finished:
            if !summary.succeeded { throw CommandFailure(.failedChecks) }
        case .interrupted:
            var out = "\(counted(summary.atService, "task")) still running at the service"
            if summary.readyToFetch > 0 { out += ", \(counted(summary.readyToFetch, "clip")) made and not fetched yet" }
            throw CommandFailure(.interrupted, "interrupted: \(out); \(resume) collects them without paying again")
        case .unreachable(let message):
            throw CommandFailure(.remoteFailure, "the service at \(baseURL.absoluteString) could not be reached "
                + "(\(oneLine(message))); nothing was lost: \(resume) continues")
        case .unauthorized(let message):
            throw CommandFailure(.remoteFailure, "the service refused the API key (\(oneLine(message))); set a working "
                + "SEEDANCE_API_KEY and \(resume) continues")
        case .timeLimit(let limit):
            throw CommandFailure(.failedChecks, "the run passed its time limit of \(Int(limit)) s; \(resume) continues")
        case .budget(let message):
            throw CommandFailure(.failedChecks, "\(message); \(resume) with a larger --budget-tokens continues")
        case .cannotWrite(let message):
            throw CommandFailure(.badInput, "\(oneLine(message)); nothing was lost: \(resume) continues once there is room")
        }
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: "; ")
    }

    static func shellQuoted(_ path: String) -> String {
        path.allSatisfy { $0.isLetter || $0.isNumber || "/._-+".contains($0) } ? path
            : "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// SIGINT and SIGTERM while a run goes: the first asks the run to stop (it writes its state and report), the
/// second exits at once with 130 (the store is transactional, so its state is still consistent).
final class InterruptHandler: @unchecked Sendable {
    private let lock = NSLock()
    private var sources: [any DispatchSourceSignal] = []
    private var count = 0

    init(_ onFirst: @escaping @Sendable () async -> Void) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in
                let first = lock.withLock { count += 1; return count == 1 }
                if first {
                    // Above the live block when there is one, so it stays in the scrollback.
                    LiveStatusDisplay.say("\nstopping: no new tasks; waiting for creates being sent, then writing the "
                        + "report (Ctrl-C again to quit at once)")
                    Task { await onFirst() }
                } else {
                    LiveStatusDisplay.closeCurrent()
                    StandardError.write("seedance: interrupted twice: quit at once; the run's state is consistent, "
                        + "`seedance resume` continues it\n")
                    exit(ExitStatus.interrupted.rawValue)
                }
            }
            source.resume()
            sources.append(source)
        }
    }
}
