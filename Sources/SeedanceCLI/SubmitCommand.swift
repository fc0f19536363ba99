import ArgumentParser
import Foundation
import SeedanceAPI

/// `seedance submit`: build (or read) a create body, check it, estimate its cost, create the task.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Create a video-generation task (checked and costed before anything is sent).",
        discussion: """
            Builds the create body from the flags (or sends --body FILE as written), checks it against the API's \
            documented rules (duration, frames, resolution and ratio per model, content modes and roles, seed, \
            execution_expires_after, data URLs, 64 MB), prints the token estimate (W x H x (24 x duration + 1) / 1024) \
            on stderr and the new task id on stdout.

            Says what it sends: a field not given is sent with an explicit value where it applies to the model and \
            mode, so no gateway's default decides. Documented defaults: generate_audio true (2.x, 1.5), duration 5, \
            execution_expires_after 172800, service_tier default (1.x only). Where the API documents none, the \
            simulator's: resolution 720p (1080p on 1.0 pro; 480p for a draft), ratio 16:9 (adaptive with a \
            first-frame image), camera_fixed false (not in reference mode), watermark false, return_last_frame false, \
            seed -1. Prompt flags (--rs 1080p) count as given. --dry-run shows the body.

            A --body file is sent as written, except that trailing commas (as in the API's one-page example) are \
            dropped with a note on stderr; any other invalid JSON is refused naming its line.

            Inputs: --image PATH|URL[:role] (repeat; role first_frame, last_frame or reference_image; a local file \
            becomes a data URL after the service's checks: JPEG, PNG, WebP, BMP, TIFF or GIF by its bytes, under \
            30 MB, sides 300...6000 px, width/height 0.4...2.5), --reference-video URL[:reference_video], \
            --reference-audio URL[:reference_audio] (2.x reference mode). --audio/--no-audio says whether the clip \
            has sound.

            The create call is paid: it is retried only when the request surely was not accepted (no connection, \
            429, 503). After a timeout or 5xx the outcome is unknown: check `seedance list` before submitting again.

            Configuration: --base-url or SEEDANCE_BASE_URL; key in SEEDANCE_API_KEY or ARK_API_KEY; model from \
            --model or SEEDANCE_MODEL (default doubao-seedance-2-0-260128).

            Examples:
              seedance submit --prompt "a red kite over a beach" --resolution 720p \\
                --ratio 16:9 --duration 5 --dry-run
              seedance submit --prompt "puppy birthday" --image dog.png:reference_image \\
                --image https://example.com/happy.png:reference_image \\
                --audio --wait -o clip.mp4
              seedance submit --body request.json --json
              seedance submit --prompt "a lighthouse at dusk" --seed -1 \\
                --duration -1 --dry-run
            """
    )

    @OptionGroup var api: APIOptions
    @OptionGroup var downloadLimit: DownloadOptions

    @Option(help: "Model id or endpoint id (default: $SEEDANCE_MODEL, else doubao-seedance-2-0-260128).")
    var model: String?

    @Option(help: "The text prompt (may carry legacy flags such as --rs 720p).")
    var prompt: String?

    @Option(help: "An image: PATH|URL[:first_frame|last_frame|reference_image]. Repeatable.")
    var image: [String] = []

    @Option(name: .customLong("reference-video"), help: "A reference video: URL[:reference_video] (2.x). Repeatable.")
    var referenceVideos: [String] = []

    @Option(name: .customLong("reference-audio"), help: "A reference audio: URL[:reference_audio] (2.x). Repeatable.")
    var referenceAudios: [String] = []

    @Option(name: .customLong("draft-task"), help: "Turn this draft task (cgt-...) into the final clip.")
    var draftTask: String?

    @Flag(inversion: .prefixedNo,
          help: "Whether the clip has sound (generate_audio; default true, 1.0 models make none).")
    var audio: Bool?

    @Option(help: "480p, 720p, 1080p (not 2.0 fast) or 4k (2.0 standard only); default 720p.")
    var resolution: Resolution?

    @Option(help: "16:9, 4:3, 1:1, 3:4, 9:16, 21:9 or adaptive (default 16:9; adaptive with a first frame).")
    var ratio: AspectRatio?

    // `.unconditional` takes the next word even when it starts with '-' (`--duration -1`).
    @Option(parsing: .unconditional, help: "Seconds: 2.x 4...15 or -1 (model chooses); 1.5 4...12 or -1; 1.0 2...12.")
    var duration: Int?

    @Option(help: "Frames (1.0 models only): 29...289 of the form 25+4n.")
    var frames: Int?

    @Option(parsing: .unconditional, help: "Seed: -1 (random) ... 4294967295.")
    var seed: Int64?

    @Flag(inversion: .prefixedNo, help: "Whether the camera stays still (not in reference mode; default no).")
    var cameraFixed: Bool?

    @Flag(inversion: .prefixedNo, help: "Whether a small 'AI generated' mark is drawn (default no).")
    var watermark: Bool?

    @Flag(inversion: .prefixedNo, help: "Whether the last frame is also delivered as PNG (for chaining; default no).")
    var returnLastFrame: Bool?

    @Option(name: .customLong("callback-url"), help: "URL the service POSTs the task to on each status change.")
    var callbackURL: String?

    @Option(name: .customLong("service-tier"), help: "default or flex (offline, half price; not on 2.x).")
    var serviceTier: ServiceTier?

    @Option(name: .customLong("execution-expires-after"), help: "Seconds (3600...259200) before an unfinished task expires.")
    var executionExpiresAfter: Int?

    @Flag(inversion: .prefixedNo, help: "Make a cheap 480p draft (finish it later with --draft-task).")
    var draft: Bool?

    @Option(name: .customLong("safety-identifier"), help: "End-user identifier for abuse monitoring.")
    var safetyIdentifier: String?

    @Option(help: "Scheduling priority (JSON value, passed through).")
    var priority: String?

    @Option(help: "Tools (JSON value, passed through).")
    var tools: String?

    @Option(name: .customLong("output-format"), help: "Output format options (JSON value, passed through).")
    var outputFormat: String?

    @Option(help: "Send this prepared JSON body as written instead of building one from flags (still checked).")
    var body: String?

    @Flag(name: .customLong("dry-run"), help: "Print the body and the estimate; send nothing (no key needed).")
    var dryRun = false

    @Flag(help: "Wait for the task and download the clip (to -o, default ID.mp4).")
    var wait = false

    @Option(name: .shortAndLong, help: "Where --wait saves the clip.")
    var output: String?

    @Option(help: "With --wait: give up waiting after this many seconds.")
    var timeout: Double?

    @Flag(help: "Print JSON on stdout: {id, estimate} (and the task with --wait).")
    var json = false

    func run() async throws {
        let configuration = try api.configuration(model: model, requireKey: !dryRun, download: downloadLimit)
        let (request, bodyData, firstFrame) = try buildBody(model: configuration.model)
        let estimate: CostEstimate
        do {
            let resolved = try RequestChecks.validate(request, bodySize: bodyData.count)
            estimate = CostEstimate(model: request.model, resolved: resolved, adaptiveSource: firstFrame,
                                    askedDuration: request.duration)
        } catch {
            throw CommandFailure(.badInput, error.description)
        }
        if dryRun {
            for warning in configuration.warnings { StandardError.write("seedance: warning: \(warning)\n") }
            if json {
                let bodyValue = try JSONDecoder().decode(JSONValue.self, from: bodyData)
                StandardOutput.write(try JSONOutput.encode(DryRun(body: bodyValue, estimate: estimate)) + "\n")
            } else {
                // The exact bytes that would be sent (documented member order), then the estimate.
                StandardOutput.write(String(decoding: bodyData, as: UTF8.self) + "\n")
                StandardError.write("estimate: \(estimate.summary)\n")
            }
            return
        }
        StandardError.write("estimate: \(estimate.summary)\n")
        try await api.withClient(configuration) { client in
            let created = try await client.create(body: bodyData)
            guard wait else {
                if json {
                    StandardOutput.write(try JSONOutput.encode(Submitted(id: created.id, estimate: estimate)) + "\n")
                } else {
                    StandardOutput.write(created.id + "\n")
                }
                return
            }
            StandardError.write("created \(created.id); waiting\n")
            let task = try await client.wait(for: created.id, timeout: timeout) { task in
                if stderrIsTerminal { StandardError.write("\(task.id): \(task.status)\n") }
            }
            if let usage = task.usage { StandardError.write("\(estimate.compare(with: usage))\n") }
            try await finish(task, client: client, output: output, json: json, estimate: estimate)
        }
    }

    /// The request, the exact bytes to send, and the first-frame image's size when it is a local file.
    func buildBody(model: String) throws -> (GenerationRequest, Data, PixelSize?) {
        if let body {
            let data = try Self.readBody(body)
            do {
                return (try GenerationRequest.decode(data), data, nil)
            } catch {
                throw CommandFailure(.badInput, "--body \(body): \(error)")
            }
        }
        var content: [ContentItem] = []
        var firstFrame: PixelSize?
        if let prompt { content.append(.text(prompt)) }
        for value in image {
            let input = try MediaInput.parse(value, type: .imageURL, option: "--image")
            if firstFrame == nil, input.role == nil || input.role == .firstFrame { firstFrame = input.image?.size }
            content.append(.image(url: input.url, role: input.role))
        }
        for value in referenceVideos {
            let input = try MediaInput.parse(value, type: .videoURL, option: "--reference-video")
            content.append(.video(url: input.url, role: input.role ?? .referenceVideo))
        }
        for value in referenceAudios {
            let input = try MediaInput.parse(value, type: .audioURL, option: "--reference-audio")
            content.append(.audio(url: input.url, role: input.role ?? .referenceAudio))
        }
        if let draftTask { content.append(.draft(taskID: draftTask)) }
        if content.isEmpty { throw CommandFailure(.badInput, "give --prompt, --image or --body") }
        var request = GenerationRequest(
            model: model, content: content, generateAudio: audio, resolution: resolution, ratio: ratio,
            duration: duration, frames: frames, seed: seed, cameraFixed: cameraFixed, watermark: watermark,
            returnLastFrame: returnLastFrame, callbackURL: callbackURL, serviceTier: serviceTier,
            executionExpiresAfter: executionExpiresAfter, draft: draft, safetyIdentifier: safetyIdentifier,
            priority: try jsonValue(priority, "--priority"), tools: try jsonValue(tools, "--tools"),
            outputFormat: try jsonValue(outputFormat, "--output-format"))
        // Only a valid request has defaults to fill in; an invalid one is refused as given (by `run`).
        if let resolved = try? RequestValidation(requireKnownModel: false).validate(request) {
            request = ExplicitDefaults.filled(request, resolved: resolved)
        }
        do {
            return (request, try WireJSON.encode(request), firstFrame)
        } catch {
            throw CommandFailure(.badInput, "cannot encode the request: \(error)")
        }
    }

    /// A `--body` file's bytes as they will be sent: strict JSON as written, or with trailing commas dropped (said
    /// in one note); any other invalid JSON is refused naming its line.
    static func readBody(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(.badInput, "--body \(path): cannot read the file")
        }
        do {
            try StrictJSON.check(data)
            return data
        } catch where error.isTrailingComma {
            let (fixed, lines) = StrictJSON.removingTrailingCommas(data)
            do {
                try StrictJSON.check(fixed)
            } catch {
                throw CommandFailure(.badInput, "--body \(path): not valid JSON: \(error)")
            }
            StandardError.write("seedance: note: --body \(path): dropped the trailing comma"
                + (lines.count == 1 ? " on line " : "s on lines ") + lines.map(String.init).joined(separator: ", ")
                + "; sending strict JSON\n")
            return fixed
        } catch {
            throw CommandFailure(.badInput, "--body \(path): not valid JSON: \(error)")
        }
    }

    private func jsonValue(_ text: String?, _ option: String) throws -> JSONValue? {
        guard let text else { return nil }
        if let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) { return value }
        return .string(text)
    }
}

/// `--dry-run --json` output.
private struct DryRun: Encodable {
    var body: JSONValue
    var estimate: CostEstimate
}

/// `submit --json` output.
private struct Submitted: Encodable {
    var id: String
    var estimate: CostEstimate
}

/// After a wait: download a succeeded clip to `output` (default `ID.mp4`), report the task; exit 3 when the task
/// did not succeed.
func finish(_ task: GenerationTask, client: Client, output: String?, json: Bool, estimate: CostEstimate? = nil,
            download: Bool = true) async throws {
    var savedPath: String?
    if task.status == .succeeded && download {
        // The id comes from the service: never let it pick a directory.
        let path = output ?? "\(TaskID.fileName(task.id)).mp4"
        let result = try await client.download(task.id, .video, to: URL(fileURLWithPath: path), task: task,
                                               progress: downloadProgress)
        if stderrIsTerminal { StandardError.write("\n") }
        savedPath = result.path
        if !json { StandardError.write("saved \(result.path) (\(result.bytes) bytes)\n") }
    }
    if json {
        StandardOutput.write(try JSONOutput.encode(WaitResult(task: task, file: savedPath, estimate: estimate)) + "\n")
    } else {
        StandardOutput.write(summaryLine(task) + "\n")
    }
    if task.status != .succeeded {
        throw CommandFailure(.remoteFailure, "task \(task.id) ended \(task.status)"
            + (task.error.map { ": \($0.code): \($0.message)" } ?? ""))
    }
}

/// Progress on a terminal: `downloaded 1.2 / 3.4 MB`.
let downloadProgress: @Sendable (Int64, Int64?) -> Void = { done, total in
    guard stderrIsTerminal else { return }
    let mb = { (bytes: Int64) in String(format: "%.1f", Double(bytes) / 1_048_576) }
    StandardError.write("\rdownloaded \(mb(done))" + (total.map { " / \(mb($0))" } ?? "") + " MB")
}

/// The JSON of `wait` / `submit --wait`: the task plus where the clip was saved.
struct WaitResult: Encodable {
    var task: GenerationTask
    var file: String?
    var estimate: CostEstimate?
}

extension Resolution: ExpressibleByArgument {}
extension AspectRatio: ExpressibleByArgument {}
extension ServiceTier: ExpressibleByArgument {}
