import Foundation
import SeedanceAPI

/// A `--image`, `--reference-video` or `--reference-audio` value: `PATH|URL[:role]`. Local files become data URLs (images only: the API takes
/// videos and audios as URLs or asset ids).
struct MediaInput {
    var url: String
    var role: ContentRole?
    /// Format and size of a local image, read from its bytes (nil for URLs).
    var image: ImageFacts?

    /// Splits `value` into source and role (a role suffix is recognised only when it is a known role, since URLs
    /// contain colons), and turns an existing local file into a data URL.
    static func parse(_ value: String, type: ContentType, option: String) throws -> MediaInput {
        var source = value
        var role: ContentRole?
        if let colon = value.lastIndex(of: ":") {
            let suffix = String(value[value.index(after: colon)...])
            let candidate = ContentRole(rawValue: suffix)
            if ContentRole.allowed(for: type).contains(candidate) {
                role = candidate
                source = String(value[..<colon])
            } else if ["first_frame", "last_frame", "reference_image", "reference_video", "reference_audio"]
                .contains(suffix) {
                throw CommandFailure(.badInput, "\(option) \(value): role \(suffix) is not allowed here (allowed: "
                    + ContentRole.allowed(for: type).map(\.rawValue).joined(separator: ", ") + ")")
            } else if suffix.wholeMatch(of: /[a-z][a-z_]*/) != nil,
                      !FileManager.default.fileExists(atPath: (value as NSString).expandingTildeInPath) {
                // A word after the last colon is meant as a role (no URL or data URL ends so): name it as one.
                throw CommandFailure(.badInput, "\(option) \(value): unknown role \(suffix) (roles: "
                    + ContentRole.allowed(for: type).map(\.rawValue).joined(separator: ", ") + ")")
            }
        }
        if source.isEmpty { throw CommandFailure(.badInput, "\(option): empty value") }
        let lower = source.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("asset://")
            || lower.hasPrefix("data:") {
            return MediaInput(url: source, role: role)
        }
        let path = (source as NSString).expandingTildeInPath
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure(.badInput, "\(option) \(source): no such file, and not an http(s) URL, data URL or asset://ID")
        }
        guard type == .imageURL else {
            throw CommandFailure(.badInput, "\(option) \(source): the API takes \(type.rawValue) inputs as URLs or "
                + "asset ids only, not local files")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(.badInput, "\(option) \(source): cannot read the file")
        }
        // The service's input limits, checked before anything is sent; the format comes from the bytes.
        let facts: ImageFacts
        do {
            facts = try ImageChecks.check(data)
        } catch {
            throw CommandFailure(.badInput, "\(option) \(source): \(error.reason)")
        }
        return MediaInput(url: "data:image/\(facts.format);base64,\(data.base64EncodedString())", role: role,
                          image: facts)
    }
}
