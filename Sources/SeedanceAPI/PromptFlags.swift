/// The legacy parameter flags a prompt may carry: `"a cat --rs 720p --rt 16:9 --dur 5 --seed 11 --cf false --wm true"`.
///
/// Parsing is lenient, as the service's is: a flag with a value it does not understand is dropped (and stays out of
/// the cleaned prompt), never an error. Long spellings (`--resolution`, `--ratio`, `--duration`, `--camerafixed`,
/// `--watermark`, `--frames`) are understood too.
public struct PromptFlags: Sendable, Hashable {
    /// `--rs` / `--resolution`.
    public var resolution: Resolution?
    /// `--rt` / `--ratio`.
    public var ratio: AspectRatio?
    /// `--dur` / `--duration`.
    public var duration: Int?
    /// `--frames`.
    public var frames: Int?
    /// `--seed`.
    public var seed: Int64?
    /// `--cf` / `--camerafixed`.
    public var cameraFixed: Bool?
    /// `--wm` / `--watermark`.
    public var watermark: Bool?
    /// The prompt with the flags removed.
    public var prompt: String

    /// Parses the flags out of `text`.
    public init(parsing text: String) {
        var words: [Substring] = []
        let tokens = text.split(separator: " ", omittingEmptySubsequences: false)
        var index = 0
        prompt = ""
        while index < tokens.count {
            let token = tokens[index]
            guard token.hasPrefix("--"), index + 1 < tokens.count else {
                words.append(token)
                index += 1
                continue
            }
            let value = String(tokens[index + 1])
            var known = true
            switch token.dropFirst(2).lowercased() {
            case "rs", "resolution": resolution = Resolution(rawValue: value.lowercased())
            case "rt", "ratio": ratio = AspectRatio(rawValue: value.lowercased())
            case "dur", "duration": duration = Int(value)
            case "frames": frames = Int(value)
            case "seed": seed = Int64(value)
            case "cf", "camerafixed", "camera_fixed": cameraFixed = PromptFlags.bool(value)
            case "wm", "watermark": watermark = PromptFlags.bool(value)
            default: known = false
            }
            if known {
                index += 2
            } else {
                words.append(token)
                index += 1
            }
        }
        prompt = words.joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }

    private static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1", "yes": true
        case "false", "0", "no": false
        default: nil
        }
    }
}

import Foundation
