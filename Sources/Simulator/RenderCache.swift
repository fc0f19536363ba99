import Dispatch
import Foundation
import Media

/// A rendered clip on disk: the MP4 and its last frame as PNG.
struct RenderedClip: Sendable, Hashable {
    var video: String
    var lastFrame: String
}

/// Renders synthetic clips one at a time off Swift's cooperative pool, keeping each result on disk under a name
/// derived from its spec, so identical requests reuse the file and concurrent identical requests share one render.
actor RenderCache {
    private let directory: URL
    private let threads: Int
    private let queue = DispatchQueue(label: "seedance.simulator.render")
    private var inFlight: [String: Task<RenderedClip, any Error>] = [:]
    private(set) var renders = 0
    private(set) var hits = 0

    init(directory: URL, threads: Int) {
        self.directory = directory
        self.threads = threads
    }

    /// The clip for `spec`, rendered now or taken from the cache; with `lastFrame`, its last-frame PNG too (made
    /// only when asked: it costs a decode of the clip's last group of pictures, on the render's hot path).
    func clip(for spec: SyntheticClipSpec, lastFrame: Bool = true) async throws -> RenderedClip {
        let name = Self.key(spec)
        let key = name + (lastFrame ? "+png" : "")
        let clip = RenderedClip(video: directory.appendingPathComponent("\(name).mp4").path,
                                lastFrame: directory.appendingPathComponent("\(name).png").path)
        if let running = inFlight[key] {
            hits += 1
            return try await running.value
        }
        if FileManager.default.fileExists(atPath: clip.video),
           !lastFrame || FileManager.default.fileExists(atPath: clip.lastFrame) {
            hits += 1
            return clip
        }
        renders += 1
        let queue = self.queue, threads = self.threads
        let task = Task<RenderedClip, any Error> {
            try await withCheckedThrowingContinuation { continuation in
                queue.async {
                    continuation.resume(with: Result {
                        try renderSyntheticClip(spec, to: clip.video, lastFramePNG: lastFrame ? clip.lastFrame : nil,
                                                threads: threads)
                        return clip
                    })
                }
            }
        }
        inFlight[key] = task
        defer { inFlight[key] = nil }
        return try await task.value
    }

    /// Waits for renders under way (used at stop so no render writes into a removed directory).
    func drain() async {
        for task in inFlight.values { _ = try? await task.value }
    }

    /// A file name that is a pure function of the spec.
    static func key(_ spec: SyntheticClipSpec) -> String {
        var parts = "\(spec.width)x\(spec.height)-\(spec.frameCount)f-\(spec.frameRate)fps-\(spec.picture.rawValue)"
        parts += "-\(spec.sound?.rawValue ?? "mute")-\(spec.watermark ? "wm" : "nowm")-\(String(spec.variant, radix: 16))"
        if spec.delivery != .plain {
            let d = spec.delivery
            parts += "-\(d.audioSampleRate)hz-\(Int((d.audioOverhang * 1000).rounded()))ms-b\(d.bFrames)"
                + "-\(d.faststart ? "fs" : "moovend")-\(d.provenanceBox ? "c2pa16k" : "nouuid")"
        }
        if spec.coding != .h264 { parts += "-\(spec.coding.rawValue)" }
        if let image = spec.firstImage { parts += "-first\(image.digest)" }
        if let image = spec.lastImage { parts += "-last\(image.digest)" }
        if let tint = spec.tint { parts += String(format: "-tint%02x%02x%02x", tint.red, tint.green, tint.blue) }
        return parts
    }
}
