import Foundation
import Media
import SeedanceAPI

/// One task the simulator holds: the request, what it will make, and where it is in its life cycle.
struct TaskRecord: Sendable {
    /// Where the render stands.
    enum RenderState: Sendable {
        case notStarted
        case rendering
        case done(RenderedClip)
        case failed(String)
    }

    let id: String
    let sequence: Int
    let request: GenerationRequest
    let resolved: ResolvedRequest
    /// The size the task reports (the documented one; a wrong-size fault renders another).
    let size: PixelSize
    /// The ratio the task reports (adaptive resolved to a fixed one).
    let ratio: AspectRatio
    let seed: Int64
    let spec: SyntheticClipSpec
    let clipFault: FaultKind?
    /// `unsigned` or `wrong-model-manifest` when one was drawn for the clip's content credentials.
    let provenanceFault: FaultKind?
    let failsAtEnd: Bool
    let createdAt: Date
    /// Earliest start (after the simulated queue time).
    let readyAt: Date
    /// When an unfinished task becomes `expired`.
    let expiresAt: Date
    var status: TaskStatus = .queued
    var error: TaskError?
    var updatedAt: Date
    var startedAt: Date?
    var render: RenderState = .notStarted

    var model: String { request.model }
}

/// Turns a validated request into what the simulator will render.
enum ClipPlanner {
    /// The synthetic clip for a task: the documented geometry, 24 fps, 24 x duration + 1 frames, the request's
    /// images (first frame, last frame, the reference images' colour) over moving content from prompt and seed,
    /// the mark when asked; packaged like a real delivery of `model` when given (speech when audio is asked, 4k as
    /// 10-bit H.265), else a plain clip with a tone; then bent by a clip fault if one was drawn.
    static func spec(resolved: ResolvedRequest, size: PixelSize, ratio: AspectRatio, seed: Int64,
                     fault: FaultKind?, realDeliveryOf model: String? = nil,
                     images: ClipImages = .none) -> SyntheticClipSpec {
        var hash = StableHash()
        hash.add(resolved.prompt)
        hash.add(UInt64(bitPattern: seed))
        var spec = SyntheticClipSpec(width: size.width, height: size.height, frameCount: resolved.frameCount,
                                     frameRate: OutputGeometry.framesPerSecond, picture: .moving,
                                     sound: resolved.generateAudio ? .tone : nil, watermark: resolved.watermark,
                                     variant: hash.value, firstImage: images.first,
                                     lastImage: images.first == nil ? nil : images.last, tint: images.tint)
        if let model {
            spec.delivery = .seedance20(fast: model.contains("fast"))
            if spec.sound != nil { spec.sound = .speech }
            if resolved.resolution == .k4 { spec.coding = .hevcMain10 }
        }
        switch fault {
        case .wrongSize?:
            // Another documented size of the same resolution: plausible, and wrong.
            let sizes = OutputGeometry.sizes(family: resolved.family, resolution: resolved.resolution)
            let index = sizes.firstIndex(of: size).map { ($0 + 1) % sizes.count } ?? 0
            let other = sizes.isEmpty ? PixelSize(size.width + 16, size.height) : sizes[index]
            spec.width = other.width
            spec.height = other.height
        case .noAudio?: spec.sound = nil
        case .silent?: spec.sound = .silence
        case .black?: spec.picture = .black
        case .frozen?: spec.picture = .frozen
        case .short?: spec.frameCount = max(1, spec.frameCount / 2)
        case .wrongStart?:
            spec.firstImage = nil
            spec.lastImage = nil
        default: break
        }
        return spec
    }

    /// The seed a task reports: the asked one, or for -1/absent one derived from the request (so identical requests
    /// render identically and hit the cache).
    static func seed(for request: GenerationRequest, resolved: ResolvedRequest) -> Int64 {
        if let seed = resolved.seed, seed >= 0 { return seed }
        var hash = StableHash()
        hash.add(request.model)
        hash.add(resolved.prompt)
        hash.add("\(resolved.resolution.rawValue)|\(resolved.ratio.rawValue)|\(resolved.frameCount)")
        for item in request.content { hash.add(item.mediaURL ?? item.text ?? "") }
        return Int64(hash.value % 4_294_967_296)
    }
}
