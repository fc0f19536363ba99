import Crypto
import Foundation
import SeedanceAPI

/// A shot's identity: a fingerprint of everything that decides its clip, so a run is a build of its plan.
///
/// - the request identity: SHA-256 of the create body as canonical JSON (sorted keys), which holds the model, the
///   prompt, every parameter, each URL and the bytes of each local image (sent as data URLs);
/// - the take (how many times `seedance regenerate` asked for the shot again as it is);
/// - for a shot that starts from the previous shot's last frame, the previous shot's identity.
public enum ShotIdentity {
    /// SHA-256 of `text`, lowercase hex.
    public static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The create body as canonical JSON: the text stored in the run and hashed into the request identity.
    public static func canonicalBody(_ request: GenerationRequest) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(request), as: UTF8.self)
    }

    /// The shot identity from its request identity, take and (for a chained shot) the previous shot's identity.
    public static func identity(request: String, take: Int, after previous: String?) -> String {
        var text = "request \(request)\ntake \(take)"
        if let previous { text += "\nafter \(previous)" }
        return digest(text)
    }
}

/// The fields of a create that the task object echoes back (the prompt and images are not echoed): what
/// reconciliation can match a listed task on, and what decides whether two creates could be told apart.
public struct EchoedFields: Sendable, Hashable, Codable {
    public var model: String
    public var seed: Int64
    public var resolution: String?
    public var ratio: String?
    public var duration: Int?
    public var frames: Int?
    public var generateAudio: Bool?
    public var draft: Bool?
    public var serviceTier: String?

    /// The echoed fields of `request` as sent (its seed set).
    public init(_ request: GenerationRequest) {
        model = request.model
        seed = request.seed ?? -1
        resolution = request.resolution?.rawValue
        // `adaptive` and -1 are answered with the value the model chose: they match anything.
        ratio = request.ratio.flatMap { $0 == .adaptive ? nil : $0.rawValue }
        duration = request.duration.flatMap { $0 < 0 ? nil : $0 }
        frames = request.frames
        generateAudio = request.generateAudio
        draft = request.draft
        serviceTier = request.serviceTier?.rawValue
    }

    /// Creates with the same key cannot be told apart by the list call; the scheduler never has two of them
    /// unsettled at once, so creation order tells them apart.
    public var key: String { Self.key(model: model, seed: seed) }

    /// The key of a create of `model` with `seed`.
    public static func key(model: String, seed: Int64) -> String { "\(model)|\(seed)" }

    /// Whether `task` could be the task of a create with these fields: every field the task echoes agrees.
    public func matches(_ task: GenerationTask) -> Bool {
        if let model = task.model, model != self.model { return false }
        if let seed = task.seed, seed != self.seed { return false }
        if let want = resolution, let got = task.resolution, want != got { return false }
        if let want = ratio, let got = task.ratio, want != got { return false }
        if let want = duration, let got = task.duration, Int(got.rounded()) != want { return false }
        if let want = frames, let got = task.frames, want != got { return false }
        if let want = generateAudio, let got = task.generateAudio, want != got { return false }
        if let want = draft, let got = task.draft, want != got { return false }
        if let want = serviceTier, let got = task.serviceTier, want != got { return false }
        return true
    }

    /// As stored on the attempt.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// From an attempt's `echo` column (nil for attempts of the first release, which recorded only the seed).
    public static func decode(_ json: String) -> EchoedFields? {
        guard !json.isEmpty else { return nil }
        return try? JSONDecoder().decode(EchoedFields.self, from: Data(json.utf8))
    }
}
