import Foundation

/// A `data:` URL split into its parts: `data:image/png;base64,iVBOR...`.
public struct DataURL: Sendable, Hashable {
    /// The media type as written (`image/png`).
    public var mediaType: String
    /// Whether the payload is base64.
    public var isBase64: Bool
    /// The payload text after the comma.
    public var payload: Substring

    /// Splits `url`; nil when it is not a data URL.
    public init?(_ url: String) {
        guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else { return nil }
        let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
        let parts = header.split(separator: ";")
        mediaType = parts.first.map(String.init) ?? ""
        isBase64 = parts.dropFirst().contains("base64")
        payload = url[url.index(after: comma)...]
    }

    /// The subtype (`png` of `image/png`).
    public var format: String { mediaType.split(separator: "/").dropFirst().first.map(String.init) ?? "" }

    /// The decoded bytes, nil when the base64 is malformed.
    public var data: Data? {
        isBase64 ? Data(base64Encoded: String(payload), options: .ignoreUnknownCharacters) : Data(payload.utf8)
    }
}
