import ArgumentParser
import Foundation
import Media
import QA

/// `seedance verify FILE... (--resolution R --ratio X --duration D [--audio|--no-audio] [--model M] | --request BODY.json
/// | --task TASK.json) [--frame-tolerance N] [--json]`.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check delivered clips against what was asked: size, length, frame rate, sound and content.",
        discussion: """
            Every file gets the same named checks, each with what was expected, what the file has and a verdict \
            (pass, warn, fail): container (MP4/MOV), video_codec (H.264/H.265; 4k 10-bit H.265), pixel_format \
            (yuv420p), faststart (a warning when moov is at the end), geometry (the documented size for the model \
            family, resolution and ratio, after rotation; adaptive takes any size of the resolution), duration \
            (24 x duration + 1 frames within --frame-tolerance), frame_rate (exactly 24), track_durations (audio as \
            long as video), audio (audible when generate_audio is true; absent or silent when false), black, \
            frozen and silence (by decoding, with FFmpeg's blackdetect, freezedetect and silencedetect).

            Say what was asked in one of three ways: flags; the create-request body you POSTed (--request); or the \
            task object the API returned (--task), whose resolution, ratio and duration are what was really made. \
            Without --model the seed's doubao-seedance-2-0-260128 (Seedance 2.x sizes) is assumed and the report \
            says so.

            Exit status: 0 every file passed (warnings pass); 1 a check failed; 2 bad input (an unreadable file, a \
            malformed request or task, a bad flag value).

            Examples:
              seedance verify clip.mp4 --resolution 720p --ratio 16:9 --duration 5
              seedance verify shot1.mp4 shot2.mp4 --request body.json --json | jq '.[] | select(.passed | not)'
              seedance verify clip.mp4 --task task.json --frame-tolerance 1
              seedance verify clip.mp4 --resolution 1080p --ratio adaptive --duration 8 --no-audio \\
                  --model doubao-seedance-1-0-pro-250528
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

    @Option(name: .customLong("request"), help: "The create-request body (JSON) the clip was made from.")
    var requestFile: String?

    @Option(name: .customLong("task"), help: "The task object (JSON, from GET .../tasks/{id}) of the clip.")
    var taskFile: String?

    @Option(help: "How many frames the length may be off by.")
    var frameTolerance: Int = 3

    @Flag(help: "Print JSON (an object for one file, an array for several) instead of the readable report.")
    var json = false

    func run() async throws {
        let expectation = try makeExpectation()
        var thresholds = QAThresholds()
        thresholds.frameTolerance = frameTolerance

        let results = await QA.checkAll(files, against: expectation, thresholds: thresholds)
        if json {
            let entries: [FileResult<QAReport>] = zip(files, results).map { file, result in
                switch result {
                case .success(let report): return .value(report)
                case .failure(let error): return .failure(file: file, error: error.description)
                }
            }
            let text = files.count == 1 ? try JSONOutput.encode(entries[0]) : try JSONOutput.encode(entries)
            StandardOutput.write(text + "\n")
        } else {
            let reports = results.compactMap { try? $0.get() }
            StandardOutput.write(VerifyText.render(reports, expectation: expectation))
        }
        var unreadable = 0
        for case .failure(let error) in results {
            unreadable += 1
            StandardError.write("seedance: verify: \(error.description)\n")
        }
        if unreadable > 0 {
            throw CommandFailure(.badInput, unreadable == 1 ? "" : "\(unreadable) of \(files.count) files could not be read")
        }
        let failed = results.compactMap { try? $0.get() }.filter { !$0.passed }
        if !failed.isEmpty {
            throw CommandFailure(.failedChecks, json || files.count == 1 ? ""
                                 : "\(failed.count) of \(files.count) files failed their checks")
        }
    }

    private func makeExpectation() throws -> Expectation {
        let flagsGiven = resolution != nil || ratio != nil || duration != nil || model != nil || audio != nil
        let sources = [flagsGiven, requestFile != nil, taskFile != nil].filter { $0 }.count
        guard sources == 1 else {
            throw CommandFailure(.badInput, sources == 0
                ? "verify: say what was asked: --resolution, --ratio and --duration, or --request BODY.json, or --task TASK.json"
                : "verify: give either flags, --request or --task, not several")
        }
        guard frameTolerance >= 0 else {
            throw CommandFailure(.badInput, "verify: --frame-tolerance must be 0 or more")
        }
        do {
            if let requestFile {
                return try Expectation.fromRequestBody(try readDocument(requestFile), file: requestFile)
            }
            if let taskFile {
                return try Expectation.fromTaskObject(try readDocument(taskFile), file: taskFile)
            }
            guard let resolution, let ratio, let duration else {
                let missing = [resolution == nil ? "--resolution" : nil, ratio == nil ? "--ratio" : nil,
                               duration == nil ? "--duration" : nil].compactMap { $0 }
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

/// The readable report: per file a verdict line, then one line per check.
enum VerifyText {
    static func render(_ reports: [QAReport], expectation: Expectation) -> String {
        guard !reports.isEmpty else { return "" }
        var out = "expected: \(expectation.summary) [\(expectation.source)]\n"
        for note in expectation.notes { out += "note: \(note)\n" }
        for report in reports {
            let fails = report.failures.count, warns = report.checks.filter { $0.verdict == .warn }.count
            var summary = report.passed ? "PASS" : "FAIL (\(fails) of \(report.checks.count) checks)"
            if warns > 0 { summary += ", \(warns) warning\(warns == 1 ? "" : "s")" }
            out += "\n\(report.file): \(summary)\n"
            let width = report.checks.map(\.name.count).max() ?? 0
            for check in report.checks {
                let name = check.name.padding(toLength: width, withPad: " ", startingAt: 0)
                out += "  \(check.verdict.rawValue.uppercased())  \(name)  \(check.message)\n"
            }
        }
        return out
    }
}
