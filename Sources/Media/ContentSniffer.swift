import Foundation

/// Says in words what a file that FFmpeg cannot read looks like, so the error tells the user what they got
/// (typically an HTML or JSON error page saved under a video's name).
enum ContentSniffer {
    static func describe(path: String) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "not a media file FFmpeg can read" }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 512)) ?? Data()
        return describe(head: head)
    }

    static func describe(head: Data) -> String {
        let text = String(decoding: head.prefix(512), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if text.hasPrefix("<!doctype html") || text.hasPrefix("<html") || text.contains("<html") {
            return "not a video: it is an HTML page (an error page saved as a video?)"
        }
        if text.hasPrefix("<?xml") || text.hasPrefix("<") {
            return "not a video: it is XML or HTML text (an error page saved as a video?)"
        }
        if text.hasPrefix("{") || text.hasPrefix("[") {
            return "not a video: it is JSON text (an API error saved as a video?)"
        }
        let printable = head.prefix(256).filter { ($0 >= 0x20 && $0 < 0x7f) || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }
        if !head.isEmpty, printable.count == min(head.count, 256) {
            return "not a video: it is plain text"
        }
        return "not a media file FFmpeg can read (unknown or corrupt data)"
    }
}
