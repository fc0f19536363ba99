import Foundation
import Provenance

/// How a simulator behaves: where it listens, how fast time runs, its limits and its faults.
///
/// Durations marked "simulated" are multiplied by `timeScale` (0.01 makes a 60 s generation take 0.6 s); the
/// rate-limit window is real time.
public struct SimulatorConfiguration: Sendable {
    /// Address to bind (loopback by default).
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free one.
    public var port: Int = 0
    /// The only API key accepted (`Authorization: Bearer KEY`); nil accepts any non-empty key.
    public var apiKey: String?
    /// Multiplies every simulated duration.
    public var timeScale: Double = 1
    /// Simulated seconds a task waits in the queue before it may start.
    public var queueSeconds: Double = 5
    /// Simulated seconds a task runs (the clip is rendered meanwhile; it finishes when both are done).
    public var runSeconds: Double = 60
    /// Simulated seconds a `video_url` / `last_frame_url` stays valid (the service's signed links: 24 h).
    public var linkLifetime: Double = 86_400
    /// The clock signed links are stamped and checked with: the system clock unless a test sets one it controls
    /// (then a link expires when the test says, not when a loaded machine happens to get round to it).
    public var linkClock: SimulatorClock = .system
    /// Create calls per model per `rateWindow` before 429 (the service's 600 a minute for enterprise accounts).
    public var requestsPerMinute: Int = 600
    /// Real seconds the rate limit counts over: `requestsPerMinute` creates per model in any `rateWindow` seconds,
    /// then 429. The service's window is a minute; tests shorten it to see the limit lift without waiting one.
    public var rateWindow: Double = 60
    /// Tasks running at once; more wait in the queue (10 for enterprise accounts).
    public var maxRunning: Int = 10
    /// Tasks waiting in the queue at most; more are refused with 429 `QuotaExceeded`.
    public var queueCapacity: Int = 120
    /// Largest request body accepted (64 MB).
    public var maxBodyBytes: Int = 64 * 1024 * 1024
    /// Where rendered clips are cached; nil uses a fresh temporary directory removed at stop.
    public var dataDirectory: URL?
    /// Encoder threads per render (0: FFmpeg chooses).
    public var renderThreads: Int = 0
    /// Injected faults.
    public var faults: FaultPlan = FaultPlan()
    /// Render clips shaped like real Seedance 2.0 deliveries (`DeliveryTraits.seedance20`: moov at the end after a
    /// placeholder `uuid` box, AAC at 44.1 kHz, 32 kHz for `-fast` models, running 30 ms past the video, x264 High
    /// with 3 B-frames; 4k as 10-bit H.265) with speech-like sound that pauses between lines. Such clips pass QA
    /// with warnings only (moov at the end, pauses), as real ones do. On by default, so what a client does with a
    /// real delivery is what it is tested with; off gives the plain clips of old (48 kHz tone as long as the
    /// video, no B-frames, moov first), which a few tests of the plain packaging ask for.
    public var realDeliveries = true
    /// The key and certificates that sign real-delivery clips (C2PA, claim v2, ES256); nil makes a fresh test
    /// identity when the server is made (`SimulatorServer.signingIdentity`, its root served at
    /// `/_simulator/c2pa-root.pem`).
    public var signingIdentity: TestSigningIdentity?
    /// The version the manifests give the simulator (claim generator and software agent "seedance simulator").
    public var softwareVersion = "0.1.0"

    /// The defaults: loopback, a free port, real-time durations, the service's documented limits, no faults.
    public init() {}

    /// `seconds` of simulated time in real seconds.
    func real(_ seconds: Double) -> Double { max(0, seconds * timeScale) }
}

/// Where the simulator reads the time for its signed links.
public struct SimulatorClock: Sendable {
    /// The current time.
    public let now: @Sendable () -> Date

    /// A clock reading `now`.
    public init(_ now: @escaping @Sendable () -> Date) { self.now = now }

    /// The system's wall clock.
    public static let system = SimulatorClock { Date() }
}
