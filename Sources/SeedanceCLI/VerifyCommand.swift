import ArgumentParser
import Foundation
import Media
import Provenance
import QA

/// `seedance verify FILE... (--resolution R --ratio X --duration D [--audio|--no-audio] [--model M] | --request BODY.json
/// | --task TASK.json) [--frame-tolerance N] [--json]`.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check delivered clips against what was asked: size, length, frame rate, sound and content.",
        discussion: """
            Every file gets the same named checks, each with what was expected, what the file has and a verdict. \
            A failure is what a paying user would send back; a warning is worth knowing but not worth money (a run \
            regenerates a clip only for failures).

            Fail: container (not MP4/MOV), decode (truncated, or data the decoder rejects), video_codec (not \
            H.264/H.265; 4k not 10-bit H.265), pixel_format (not yuv420p), geometry (not the documented size for \
            the model family, resolution and ratio, after rotation), duration (not 24 x duration + 1 frames within \
            frame-tolerance), frame_rate (not exactly 24), audio (missing when asked, audible when not), \
            track_durations (audio and video more than track-limit apart), black (at the start or end for \
            edge-black or more, anywhere for long-black or more), frozen (still for frozen or more), silence (silent \
            for silent-share of the track or more).

            With a known model (--model, --request or --task), provenance: the clip's C2PA Content Credentials \
            fail when the file changed after signing, a signature does not verify, or the manifest names another \
            model family than the one asked for (doubao and dreamina names of one family match); no manifest is a \
            note; a signer that does not chain to a root given with --trust is a warning (a failure with \
            --require-trusted).

            Warn: faststart (moov at the end), time_base (cannot hold 1/24 s exactly), track_durations (between \
            track-tolerance and track-limit apart), black (a short fade), frozen (a short still), silence (pauses \
            of pause seconds or more, normal between lines of dialogue).

            Change a threshold with --threshold NAME=VALUE (repeatable; in a plan, a qa: mapping): \
            \(QAThresholds.Name.allCases.map { "\($0.rawValue) (\($0.help))" }.joined(separator: "; ")).

            Say what was asked in one of three ways: flags; the create-request body you POSTed (--request); or the \
            task object the API returned (--task), whose resolution, ratio and duration are what was really made. \
            Without --model, doubao-seedance-2-0-260128 (Seedance 2.x sizes) is assumed and the report says so. \
            --frames N replaces the length with an exact frame count: a joined sequence is checked against the sum \
            of its inputs' frames.

            Several files are checked in parallel, one per core (--jobs N to choose), each file's report in the \
            order given: a folder of deliveries is `seedance verify deliveries/*.mp4 ...`.

            Exit status: 0 every file passed (warnings pass); 1 a check failed; 2 bad input (an unreadable file, a \
            malformed request or task, a bad flag value).

            Examples:
              seedance verify clip.mp4 --resolution 720p --ratio 16:9 --duration 5
              seedance verify clip.mp4 --task task.json --threshold pause=2
              seedance verify a.mp4 b.mp4 --request body.json --json \\
                | jq '.[] | select(.passed | not) | .file'
              seedance verify joined.mp4 --request body.json --frames 363
              seedance verify clip.mp4 --task task.json --trust roots.pem --require-trusted
              seedance verify old.mp4 --resolution 1080p --ratio adaptive \\
                --duration 8 --no-audio --model doubao-seedance-1-0-pro-250528
            """
    )

    @Argument(help: "Clips to check (MP4 or MOV as delivered).")
    var files: [String]

    @Option(help: "Resolution asked for: 480p, 720p, 1080p or 4k.")
    var resolution: String?

    @Option(help: "Ratio asked for: 16:9, 4:3, 1:1, 3:4, 9:16, 21:9 or adaptive.")
    var ratio: String?

    @Option(help: "Duration asked for in whole seconds (-1: the model chose).")
    var duration: Int?

    @Flag(inversion: .prefixedNo, help: "Whether sound was asked for (generate_audio); default: yes, as the API.")
    var audio: Bool?

    @Option(help: "Model id (chooses the pixel table); default doubao-seedance-2-0-260128.")
    var model: String?

    @Option(name: .customLong("request"), help: ArgumentHelp("The create-request body (JSON) the clip was made from.", valueName: "body.json"))
    var requestFile: String?

    @Option(name: .customLong("task"), help: ArgumentHelp("The task object (JSON, from GET .../tasks/{id}) of the clip.", valueName: "task.json"))
    var taskFile: String?

    @Option(help: ArgumentHelp("Exact frame count expected (a joined sequence: the sum of its inputs'); replaces "
                               + "the length from --duration, --request or --task.", valueName: "n"))
    var frames: Int?

    @Option(help: ArgumentHelp("How many frames the length may be off by (the frame-tolerance threshold).",
                               valueName: "n"))
    var frameTolerance: Int?

    @Option(name: .customLong("threshold"),
            help: ArgumentHelp("Change a threshold, NAME=VALUE (repeatable): "
                               + QAThresholds.Name.allCases.map(\.rawValue).joined(separator: ", ") + ".",
                               valueName: "name=value"))
    var thresholdAssignments: [String] = []

    @Option(name: .customLong("starts-from"),
            help: ArgumentHelp("An image the clip should start from (the previous shot's last frame): adds the "
                               + "continuity check (luma PSNR of the first frame, threshold continuity).",
                               valueName: "image"))
    var startsFrom: String?

    @Option(name: .customLong("trust"),
            help: ArgumentHelp("Trusted roots for the provenance check (PEM); repeatable.", valueName: "pem"))
    var trustFiles: [String] = []

    @Flag(inversion: .prefixedNo,
          help: "Whether an untrusted signer fails the provenance check; default: a warning.")
    var requireTrusted = false

    @Option(help: ArgumentHelp("How many files to check at once (default: one per core). Memory grows with this, "
                               + "not with the number of files.", valueName: "n"))
    var jobs: Int?

    @Flag(help: "Print JSON (an object for one file, an array for several) instead of the readable report.")
    var json = false

    @Flag(help: "List every check, passes too (by default passes are counted in one line per file).")
    var verbose = false

    func run() async throws {
        let expectation = try makeExpectation()
        let thresholds = try makeThresholds()
        // The provenance check needs to know which model was asked for: not the default assumed without one.
        let modelKnown = model != nil || requestFile != nil || taskFile != nil
        if !modelKnown, !trustFiles.isEmpty || requireTrusted {
            throw CommandFailure(.badInput, "verify: --trust and --require-trusted judge the provenance check, which "
                                 + "needs the model: give --model, --request or --task")
        }
        let trust = try ProvenanceCommand.trustPolicy(trustFiles, command: "verify")

        if let jobs, jobs < 1 { throw CommandFailure(.badInput, "verify: --jobs must be 1 or more") }
        var results = await QA.checkAll(files, against: expectation, thresholds: thresholds,
                                        workers: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        if modelKnown {
            for index in results.indices {
                guard case .success(var report) = results[index] else { continue }
                let (check, facts) = await QA.checkProvenance(of: files[index], model: expectation.model, trust: trust,
                                                              requireTrusted: requireTrusted)
                report.add(provenance: check, facts)
                results[index] = .success(report)
            }
        }
        if json {
            StandardOutput.write(try JSONOutput.perFile(files, results) + "\n")
        } else {
            let reports = results.compactMap { try? $0.get() }
            StandardOutput.write(VerifyText.render(reports, expectation: expectation, verbose: verbose,
                                                   style: .standardOutput()))
        }
        var unreadable = 0
        for case .failure(let error) in results {
            unreadable += 1
            StandardError.write("seedance: verify: \(error.description)\n")
        }
        if unreadable > 0 {
            throw CommandFailure(.badInput, unreadable == 1 ? "" : "\(unreadable) of \(counted(files.count, "file")) could not be read")
        }
        let failed = results.compactMap { try? $0.get() }.filter { !$0.passed }
        if !failed.isEmpty {
            throw CommandFailure(.failedChecks, json || files.count == 1 ? ""
                                 : "\(failed.count) of \(counted(files.count, "file")) failed their checks")
        }
    }

    private func makeThresholds() throws -> QAThresholds {
        var thresholds = QAThresholds()
        do {
            if let frameTolerance { try thresholds.set(.frameTolerance, to: Double(frameTolerance)) }
            for assignment in thresholdAssignments { try thresholds.apply(assignment) }
        } catch {
            throw CommandFailure(.badInput, "verify: --\(error.description)")
        }
        return thresholds
    }

    private func makeExpectation() throws -> Expectation {
        var expectation = try askedFor()
        if let frames {
            guard frames > 0 else { throw CommandFailure(.badInput, "verify: --frames must be 1 or more") }
            expectation.length = .frames(frames)
        }
        expectation.startsFrom = startsFrom
        return expectation
    }

    private func askedFor() throws -> Expectation {
        let flagsGiven = resolution != nil || ratio != nil || duration != nil || model != nil || audio != nil
        let sources = [flagsGiven, requestFile != nil, taskFile != nil].filter { $0 }.count
        guard sources == 1 else {
            throw CommandFailure(.badInput, sources == 0
                ? "verify: say what was asked: --resolution, --ratio and --duration, or --request BODY.json, or --task TASK.json"
                : "verify: give either flags, --request or --task, not several")
        }
        if let frameTolerance, frameTolerance < 0 {
            throw CommandFailure(.badInput, "verify: --frame-tolerance must be 0 or more")
        }
        do {
            if let requestFile {
                return try Expectation.fromRequestBody(try readDocument(requestFile), file: requestFile)
            }
            if let taskFile {
                return try Expectation.fromTaskObject(try readDocument(taskFile), file: taskFile)
            }
            guard let resolution, let ratio, let duration = duration ?? frames.map({ _ in 5 }) else {
                let missing = [resolution == nil ? "--resolution" : nil, ratio == nil ? "--ratio" : nil,
                               duration == nil && frames == nil ? "--duration (or --frames)" : nil].compactMap { $0 }
                throw CommandFailure(.badInput, "verify: missing \(missing.joined(separator: ", ")) "
                                     + "(or use --request BODY.json / --task TASK.json)")
            }
            return try Expectation.fromFlags(model: model, resolution: resolution, ratio: ratio, duration: duration,
                                             generateAudio: audio)
        } catch let error as ExpectationError {
            throw CommandFailure(.badInput, "verify: \(error.description)")
        }
    }

    private func readDocument(_ path: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CommandFailure(.badInput, "verify: \(path): cannot read it (\(error.localizedDescription))")
        }
    }
}

/// The readable report: per file a verdict line, then its failures, then its warnings, then its passes counted in
/// one line (`verbose`: listed one by one). Failures are red, warnings yellow and passes green when `style` says so.
enum VerifyText {
    static func render(_ reports: [QAReport], expectation: Expectation, verbose: Bool = false,
                       style: TextStyle = .plain) -> String {
        guard !reports.isEmpty else { return "" }
        var out = "expected: \(expectation.summary) [\(expectation.source)]\n"
        for note in expectation.notes { out += "note: \(note)\n" }
        for report in reports {
            let fails = report.failures.count, warns = report.checks.filter { $0.verdict == .warn }.count
            var summary = report.passed
                ? style.green("PASS") : style.red("FAIL") + " (\(fails) of \(counted(report.checks.count, "check")))"
            if warns > 0 { summary += ", " + style.yellow(counted(warns, "warning")) }
            out += "\n\(report.file): \(summary)\n"
            // One column width for the whole file, so --verbose and the short form line up the same way.
            let width = report.checks.map(\.name.count).max() ?? 0
            func line(_ check: QACheck, _ paint: (String) -> String) -> String {
                "  \(paint(check.verdict.rawValue.uppercased()))  "
                    + "\(check.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(check.message)\n"
            }
            for check in report.checks where check.verdict == .fail { out += line(check, style.red) }
            for check in report.checks where check.verdict == .warn { out += line(check, style.yellow) }
            let passes = report.checks.filter { $0.verdict == .pass }
            if verbose {
                for check in passes { out += line(check, style.green) }
            } else if !passes.isEmpty {
                out += "  " + style.green("\(counted(passes.count, "check")) passed") + "\n"
            }
        }
        return out
    }
}
