import ArgumentParser
import Foundation
import Logging
import Simulator

/// `seedance simulator [--host H] [--port N] [--time-scale X] [--faults SPEC] [--api-key K]`.
struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulator",
        abstract: "Run a local Seedance API that renders real clips: no key, no network, no cost.",
        discussion: """
            Serves the API's routes (create, get, list, delete under /api/v3/contents/generations/tasks) with the \
            service's validation, error envelope, status life cycle (queued, running, succeeded or failed) and \
            limits, and renders real H.264 MP4s at the documented size for the model, resolution and ratio: 24 fps, \
            24 x duration + 1 frames, AAC audio when generate_audio is true. video_url links are served by the \
            simulator and expire like the service's signed links. GET /_simulator/stats counts what it was asked.

            When ready it prints its base URL on stdout, one line, e.g. http://127.0.0.1:8123/api/v3, and serves \
            until SIGINT (Ctrl-C) or SIGTERM. --port 0 (the default) picks a free port.

            Time: the service takes about a minute per clip; every simulated duration (5 s in the queue, 60 s \
            running, links valid 24 h, execution_expires_after) is multiplied by --time-scale (default 0.05: a clip \
            in about 3 s). The rate limit window is real time: one minute, or --rate-window seconds.

            Faults (--faults SPEC): a comma-separated list of KIND=RATE (RATE in 0...1), drawn reproducibly from \
            seed=N; slow-seconds=S sets the delay of slow answers; all=RATE sets every kind.
              429         an API call answered 429 ServerOverloaded (nothing created)
              500         an API call answered 500 InternalServiceError (nothing created)
              drop        the connection closes unanswered (a create still creates)
              slow        the answer comes slow-seconds late
              fail        the task fails with OutputVideoSensitiveContentDetected
              truncate    a download is cut short (first 60% of the file)
              expire      a link is handed out expired (403; re-read the task)
              wrong-size  the clip has another documented size
              no-audio    the clip has no audio track although audio was asked for
              silent      the clip's audio is silence
              black       the clip is black
              frozen      the clip shows one frozen picture
              short       the clip has half the frames
              wrong-start the clip ignores its first-frame image (starts elsewhere)
              unsigned    the clip keeps its placeholder C2PA box (no content credentials)
              wrong-model-manifest
                          the clip's C2PA manifest names the other speed of the model family

            Clips packaged as real deliveries carry a C2PA manifest signed with a test certificate made at \
            start; its root is served at /_simulator/c2pa-root.pem for a C2PA reader's trust anchors.

            Examples:
              seedance simulator --port 8123
              seedance simulator --time-scale 0.01 \\
                --faults seed=7,429=0.1,fail=0.05,black=0.2
              seedance simulator --port 8123 &    # prints http://127.0.0.1:8123/api/v3
              printf '%s' '{"model":"doubao-seedance-2-0-260128","duration":5,' \\
                '"content":[{"type":"text","text":"a red kite"}]}' > body.json
              curl -s -H 'Authorization: Bearer any' -H 'Content-Type: application/json' \\
                -d @body.json http://127.0.0.1:8123/api/v3/contents/generations/tasks
            """
    )

    /// `--time-scale` said once, for `simulator` and `demo` alike: a factor on simulated durations.
    static let timeScaleHelp = "Multiplies every simulated duration: 1 is the service's pace (about a minute per "
        + "clip), 0.02 makes a clip take about a second."

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free port.")
    var port = 0

    @Option(name: .customLong("time-scale"), help: ArgumentHelp(SimulatorCommand.timeScaleHelp))
    var timeScale = 0.05

    @Option(help: "Faults to inject, e.g. seed=7,429=0.1,fail=0.05 (see above).")
    var faults: String?

    @Flag(inversion: .prefixedNo,
          help: ArgumentHelp("Render clips shaped like real Seedance 2.0 deliveries (moov at the end after a uuid "
                             + "box, 44.1 kHz speech-like audio, 32 kHz for -fast models, a little longer than the "
                             + "video, B-frames; 4k as 10-bit H.265); --no-real-deliveries renders plain clips "
                             + "(48 kHz tone as long as the video, no B-frames, moov first)."))
    var realDeliveries = true

    @Option(name: .customLong("api-key"), help: "The only API key accepted (default: any non-empty key).")
    var apiKey: String?

    @Option(name: .customLong("max-running"), help: "Tasks running at once; more wait in the queue.")
    var maxRunning = 10

    @Option(name: .customLong("rpm"), help: "Create calls per model per minute (per --rate-window) before 429.")
    var requestsPerMinute = 600

    @Option(name: .customLong("rate-window"),
            help: "Real seconds --rpm counts over, for tests (default 60: the service's minute).")
    var rateWindow = 60.0

    @Option(name: .customLong("queue-capacity"), help: "Queued tasks at most before 429 QuotaExceeded.")
    var queueCapacity = 120

    @Option(name: .customLong("link-lifetime"), help: "Simulated seconds a video_url stays valid (scaled).")
    var linkLifetime = 86_400.0

    @Option(name: .customLong("cache-dir"),
            help: "Keep rendered clips here across runs (default: a temporary folder removed at exit).")
    var cacheDirectory: String?

    func run() async throws {
        var configuration = SimulatorConfiguration()
        configuration.softwareVersion = SeedanceVersion.current
        configuration.host = host
        guard (0...65_535).contains(port) else { throw CommandFailure(.badInput, "--port \(port) is not a port number") }
        configuration.port = port
        guard timeScale > 0, timeScale.isFinite else {
            throw CommandFailure(.badInput, "--time-scale must be a positive number")
        }
        configuration.timeScale = timeScale
        configuration.apiKey = apiKey
        configuration.maxRunning = max(1, maxRunning)
        configuration.requestsPerMinute = max(1, requestsPerMinute)
        guard rateWindow > 0, rateWindow.isFinite else {
            throw CommandFailure(.badInput, "--rate-window must be a positive number of seconds")
        }
        configuration.rateWindow = rateWindow
        configuration.queueCapacity = max(0, queueCapacity)
        configuration.linkLifetime = linkLifetime
        configuration.realDeliveries = realDeliveries
        if let cacheDirectory { configuration.dataDirectory = URL(fileURLWithPath: cacheDirectory) }
        if !["127.0.0.1", "localhost", "::1"].contains(host) {
            StandardError.write("seedance: warning: serving plain HTTP on \(host), reachable beyond this machine\n")
        }
        if let faults {
            do {
                configuration.faults = try FaultPlan(spec: faults)
            } catch {
                throw CommandFailure(.badInput, "--faults: \(error.description)")
            }
        }
        var logger = Logger(label: "seedance.simulator")
        logger.logLevel = .warning
        let server = SimulatorServer(configuration: configuration, logger: logger)
        do {
            try await server.run(handleSignals: true) { url in
                StandardOutput.write(url.absoluteString + "\n")
            }
        } catch {
            throw CommandFailure(.remoteFailure, "simulator: \(error)")
        }
    }
}
