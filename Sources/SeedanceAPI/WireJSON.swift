import Foundation

/// The create body as compact JSON with its members in the documented order (model, content, generate_audio,
/// resolution, ratio, duration, ...; in items type, text or media, role), as the API reference and the seed write it.
///
/// Foundation's `JSONEncoder` on Linux orders members by hash, which is valid JSON but makes bodies hard to compare
/// with the documentation and unstable across runs; this writer is deterministic. Unset members are left out.
public enum WireJSON {
    /// The compact body of `request`.
    public static func encode(_ request: GenerationRequest) throws -> Data {
        var members: [(String, String)] = [("model", try string(request.model)),
                                           ("content", "[" + (try request.content.map(item).joined(separator: ",")) + "]")]
        func add(_ key: String, _ value: String?) { if let value { members.append((key, value)) } }
        add("generate_audio", request.generateAudio.map(String.init))
        add("resolution", try request.resolution.map { try string($0.rawValue) })
        add("ratio", try request.ratio.map { try string($0.rawValue) })
        add("duration", request.duration.map(String.init))
        add("frames", request.frames.map(String.init))
        add("seed", request.seed.map(String.init))
        add("camera_fixed", request.cameraFixed.map(String.init))
        add("watermark", request.watermark.map(String.init))
        add("return_last_frame", request.returnLastFrame.map(String.init))
        add("callback_url", try request.callbackURL.map(string))
        add("service_tier", try request.serviceTier.map { try string($0.rawValue) })
        add("execution_expires_after", request.executionExpiresAfter.map(String.init))
        add("draft", request.draft.map(String.init))
        add("safety_identifier", try request.safetyIdentifier.map(string))
        add("priority", try request.priority.map(value))
        add("tools", try request.tools.map(value))
        add("output_format", try request.outputFormat.map(value))
        return Data(object(members).utf8)
    }

    private static func item(_ item: ContentItem) throws -> String {
        var members: [(String, String)] = [("type", try string(item.type.rawValue))]
        if let text = item.text { members.append(("text", try string(text))) }
        if let media = item.imageURL { members.append(("image_url", object([("url", try string(media.url))]))) }
        if let media = item.videoURL { members.append(("video_url", object([("url", try string(media.url))]))) }
        if let media = item.audioURL { members.append(("audio_url", object([("url", try string(media.url))]))) }
        if let draft = item.draftTask { members.append(("draft_task", object([("id", try string(draft.id))]))) }
        if let role = item.role { members.append(("role", try string(role.rawValue))) }
        return object(members)
    }

    private static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }()

    /// A JSON string literal.
    private static func string(_ text: String) throws -> String {
        String(decoding: try encoder.encode(text), as: UTF8.self)
    }

    /// A pass-through value (objects with sorted keys).
    private static func value(_ value: JSONValue) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
