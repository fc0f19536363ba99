/// What a request will cost, from the documented formula `tokens = W x H x (24 x duration + 1) / 1024`, and how
/// the billed `usage` compares afterwards.
public struct CostEstimate: Sendable, Hashable, Codable {
    /// The model id.
    public var model: String
    /// Resolution class.
    public var resolution: String
    /// Ratio asked for (`adaptive` is estimated at 16:9, the model's usual choice).
    public var ratio: String
    /// Output width in pixels.
    public var width: Int
    /// Output height in pixels.
    public var height: Int
    /// Frames made (24 x duration + 1, or `frames`).
    public var frames: Int
    /// Estimated tokens.
    public var tokens: Int
    /// Whether the size is a guess (`adaptive` without a known first-frame size, or `duration: -1`).
    public var approximate: Bool

    enum CodingKeys: String, CodingKey {
        case model, resolution, ratio, width, height, frames, tokens, approximate
    }

    /// The estimate for a validated request; `adaptiveSource` is the first-frame image's size when known.
    public init(model: String, resolved: ResolvedRequest, adaptiveSource: PixelSize? = nil, askedDuration: Int? = nil) {
        let size = resolved.outputSize(adaptiveSource: adaptiveSource)
        self.model = model
        resolution = resolved.resolution.rawValue
        ratio = resolved.ratio.rawValue
        width = size.width
        height = size.height
        frames = resolved.frameCount
        tokens = resolved.tokens(size: size)
        approximate = (resolved.ratio == .adaptive && adaptiveSource == nil) || askedDuration == -1
    }

    /// The estimate for `request` (validated with `RequestChecks`).
    public init(request: GenerationRequest) throws(ClientError) {
        let resolved = try RequestChecks.validate(request)
        self.init(model: request.model, resolved: resolved, askedDuration: request.duration)
    }

    /// One line: `1280x720, 121 frames: about 108900 tokens`.
    public var summary: String {
        "\(model) \(resolution) \(ratio) \(width)x\(height), \(frames) frames: "
            + (approximate ? "about " : "") + "\(tokens) tokens"
    }

    /// How the billed usage compares: `billed 108900 tokens (estimate 108900, +0.0%)`.
    public func compare(with usage: TaskUsage) -> String {
        let billed = usage.totalTokens
        guard tokens > 0 else { return "billed \(billed) tokens" }
        let difference = Double(billed - tokens) / Double(tokens) * 100
        let sign = difference >= 0 ? "+" : ""
        return "billed \(billed) tokens (estimate \(tokens), \(sign)\(String(format: "%.1f", difference))%)"
    }
}

import Foundation
