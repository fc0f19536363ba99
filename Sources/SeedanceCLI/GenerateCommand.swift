import ArgumentParser
import Foundation
import Pipeline
import SeedanceAPI

/// `seedance generate --prompt TEXT ... -o DIR`: one shot through the whole pipeline.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate one clip: submit, wait, download, verify, thumbnail and report into a run folder.",
        discussion: """
            The one-shot form of `seedance run` (same folder layout, same resume). Local images are checked against \
            the API's limits and sent as data URLs. Run again into the same folder with other flags and the clip is \
            made again (the earlier one stays in DIR/attempts/); with the same flags nothing is sent.

            With --listen (and --callback-url) the service's callbacks say when the clip is ready and polls \
            become a safety net (docs/callbacks.md).

            Examples:
              seedance generate --prompt "A puppy in a party hat" \\
                --image dog.png:first_frame --resolution 720p --ratio 16:9 \\
                --duration 5 -o out/puppy
              seedance generate --prompt "A kite over a beach" -o out/kite \\
                --listen 0.0.0.0:8700 --callback-url https://hooks.example.com/cb
            """
    )

    @Option(help: "What to make.")
    var prompt: String

    @Option(name: .customLong("image"), help: "An image: PATH or URL, optionally :first_frame, :last_frame or :reference_image. Repeatable.")
    var images: [String] = []

    @Option(help: "Model id (default: SEEDANCE_MODEL, else doubao-seedance-2-0-260128).")
    var model: String?

    @Option(help: "480p, 720p, 1080p or 4k.")
    var resolution = "720p"

    @Option(help: "16:9, 4:3, 1:1, 3:4, 9:16, 21:9 or adaptive.")
    var ratio = "16:9"

    @Option(help: "Seconds.")
    var duration = 5

    @Flag(inversion: .prefixedNo, help: "Whether the clip has sound.")
    var audio = true

    @Flag(inversion: .prefixedNo, help: "Whether the small \"AI generated\" mark is drawn.")
    var watermark = false

    @Option(help: "Seed (-1 random).")
    var seed: Int64?

    @Option(name: .shortAndLong, help: "The run folder.")
    var output: String

    @OptionGroup var api: APIOptions
    @OptionGroup var downloadLimit: DownloadOptions
    @OptionGroup var options: RunOptions
    @OptionGroup var spend: SpendOptions

    /// A plan error of the one-shot plan, said in terms of the command's flags (`--image`, `--duration`).
    static func flagMessage(_ error: PlanError) -> String {
        guard var field = error.field else { return error.reason }
        field = field.replacingOccurrences(of: "shots[0].", with: "")
        if let bracket = field.firstIndex(of: "[") { field = String(field[..<bracket]) }
        let flag = ["images": "--image", "audio": "--audio", "camera_fixed": "--camera-fixed"][field] ?? "--\(field)"
        return "\(flag): \(error.reason)"
    }

    func run() async throws {
        let model = self.model ?? APIOptions.environment["SEEDANCE_MODEL"]
        let plan = Plan.oneShot(prompt: prompt, references: images.map(PlanReference.init(imageSpec:)),
                                settings: ShotSettings(model: model, resolution: resolution, ratio: ratio,
                                                       duration: duration, audio: audio, watermark: watermark, seed: seed))
        // Relative image paths are relative to where the command runs.
        let planFile = FileManager.default.currentDirectoryPath + "/(command line)"
        var runConfiguration = options.configuration(directory: output)
        runConfiguration.concatenate = false
        if spend.dryRun {
            do {
                return try await RunOutcome.preview(plan: plan, planFile: planFile, directory: output, json: options.json)
            } catch let error as PlanError {
                throw CommandFailure(.badInput, Self.flagMessage(error))
            }
        }
        let configuration = try api.configuration(model: model, download: downloadLimit)
        try await api.withClient(configuration) { client in
            let runner: PipelineRunner
            do {
                runner = try await PipelineRunner(plan: plan, planFile: planFile, configuration: runConfiguration,
                                                  service: ClientService(client: client), logger: api.logger,
                                                  observer: ProgressPrinter(json: options.json, plain: options.plain).observer)
            } catch let error as PlanError {
                throw CommandFailure(.badInput, Self.flagMessage(error))
            }
            try await RunOutcome.finish(runner, options: options, spend: spend, baseURL: configuration.baseURL,
                                        clip: "clips/\(Plan.oneShotID).mp4")
        }
    }
}
