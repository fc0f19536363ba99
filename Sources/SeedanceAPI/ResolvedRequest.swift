/// A validated request with every default filled in and the prompt's legacy flags applied: what will be made.
///
/// Body fields win over prompt flags; a flag whose value the family cannot make is ignored (lenient, like the service).
public struct ResolvedRequest: Sendable, Hashable {
    /// The model family.
    public var family: ModelFamily
    /// How the inputs steer the clip.
    public var mode: InputMode
    /// The prompt with legacy flags removed.
    public var prompt: String
    /// Output resolution class.
    public var resolution: Resolution
    /// Output ratio (`adaptive` resolves with `outputSize(adaptiveSource:)`).
    public var ratio: AspectRatio
    /// Length in whole seconds (the model's choice, 5, when -1 was asked).
    public var duration: Int
    /// Frames to make: `frames` when given (1.0), else 24 x duration + 1.
    public var frameCount: Int
    /// Whether the request used `frames` rather than `duration`.
    public var usesFrames: Bool
    /// The requested seed; nil or -1 means random.
    public var seed: Int64?
    /// Whether a mark is drawn in the lower right corner.
    public var watermark: Bool
    /// Whether the camera stays still.
    public var cameraFixed: Bool
    /// Whether the clip has sound.
    public var generateAudio: Bool
    /// Whether the last frame is delivered as PNG.
    public var returnLastFrame: Bool
    /// Seconds after which an unfinished task expires.
    public var executionExpiresAfter: Int
    /// The processing tier.
    public var serviceTier: ServiceTier

    /// Whether this is a draft (`draft: true`): made at `draftResolution`, so billed less by the token formula.
    public var draft: Bool

    /// The resolution of a draft. The contract gives no price rule for drafts; this project bills them by the
    /// documented formula at their 480p size.
    public static let draftResolution = Resolution.p480

    /// The service's default `execution_expires_after` (48 h).
    public static let defaultExpiresAfter = 172_800

    /// Fills in `request`'s defaults for `family` and `mode`.
    public init(request r: GenerationRequest, family: ModelFamily, mode: InputMode) {
        let flags = PromptFlags(parsing: r.prompt ?? "")
        self.family = family
        self.mode = mode
        prompt = flags.prompt
        let flagResolution = flags.resolution.flatMap { family.resolutions(model: r.model).contains($0) ? $0 : nil }
        let defaultResolution: Resolution = family == .v1_0 && r.model.contains("pro") ? .p1080 : .p720
        draft = r.draft ?? false
        resolution = draft ? Self.draftResolution : r.resolution ?? flagResolution ?? defaultResolution
        let defaultRatio: AspectRatio = mode == .firstFrame || mode == .firstAndLastFrame ? .adaptive : .r16x9
        ratio = r.ratio ?? flags.ratio ?? defaultRatio
        let flagDuration = flags.duration.flatMap { family.durationRange.contains($0) || $0 == -1 ? $0 : nil }
        let asked = r.duration ?? flagDuration ?? 5
        duration = asked == -1 ? 5 : asked
        let flagFrames = family == .v1_0 ? flags.frames.flatMap { (29...289).contains($0) && ($0 - 25) % 4 == 0 ? $0 : nil } : nil
        if let frames = r.frames ?? flagFrames {
            frameCount = frames
            usesFrames = true
        } else {
            frameCount = OutputGeometry.frameCount(duration: duration)
            usesFrames = false
        }
        seed = r.seed ?? flags.seed.flatMap { (-1...4_294_967_295).contains($0) ? $0 : nil }
        watermark = r.watermark ?? flags.watermark ?? false
        cameraFixed = r.cameraFixed ?? flags.cameraFixed ?? false
        generateAudio = r.generateAudio ?? (family != .v1_0)
        returnLastFrame = r.returnLastFrame ?? false
        executionExpiresAfter = r.executionExpiresAfter ?? Self.defaultExpiresAfter
        serviceTier = r.serviceTier ?? .default
    }

    /// The output size: the documented size for the ratio; for `adaptive`, the documented size whose ratio is nearest
    /// to `adaptiveSource` (the first-frame image), or 16:9 (the model's choice) when the image size is unknown.
    public func outputSize(adaptiveSource: PixelSize? = nil) -> PixelSize {
        let chosen = ratio == .adaptive ? (adaptiveSource.map(Self.nearestRatio) ?? .r16x9) : ratio
        return OutputGeometry.size(family: family, resolution: resolution, ratio: chosen)
            ?? OutputGeometry.size(family: family, resolution: .p720, ratio: .r16x9)
            ?? PixelSize(1280, 720)
    }

    /// The fixed ratio nearest to `size`'s (compared on a log scale, so 2:1 is as far from 1:1 as 1:2).
    public static func nearestRatio(to size: PixelSize) -> AspectRatio {
        guard size.width > 0, size.height > 0 else { return .r16x9 }
        let target = log(Double(size.width) / Double(size.height))
        return AspectRatio.fixed.min { abs(log($0.value ?? 1) - target) < abs(log($1.value ?? 1) - target) } ?? .r16x9
    }

    /// Tokens billed for a clip of `size`: W x H x frames / 1024.
    public func tokens(size: PixelSize) -> Int { OutputGeometry.tokens(size: size, frames: frameCount) }

    /// The clip's length in seconds as the task reports it.
    public var reportedDuration: Double {
        usesFrames ? Double(frameCount) / Double(OutputGeometry.framesPerSecond) : Double(duration)
    }
}

import Foundation
