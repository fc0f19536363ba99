import Foundation
import Media

/// The files the report page shows that the run itself does not make: copies of local input images, and H.264
/// previews of clips a browser cannot play. Both go in the run folder so the page works offline, from the folder.
final class ReportMedia: @unchecked Sendable {
    let layout: RunLayout
    /// Previews already made in this report, by the clip's file identity (a shot's clip is a hard link to its
    /// attempt's clip: one preview serves both).
    private var previews: [FileIdentity: String?] = [:]

    /// Preview width in pixels: enough to judge a shot on a laptop or phone, small enough to write in seconds.
    static let previewWidth = 640
    /// Video codecs Chromium (and so most review browsers) cannot decode.
    static let unplayableCodecs: Set<String> = ["hevc", "h265"]

    init(layout: RunLayout) { self.layout = layout }

    /// The clip's codec and, when browsers cannot play it, the preview to play instead (nil when none could be made).
    func playable(_ clip: String) -> (codec: String?, preview: String?) {
        let path = layout.absolute(clip)
        guard let info = try? probe(path), let video = info.video else { return (nil, nil) }
        guard Self.unplayableCodecs.contains(video.codec) else { return (video.codec, nil) }
        let identity = FileIdentity(path)
        if let identity, let made = previews[identity] { return (video.codec, made) }
        let preview = makePreview(of: clip, width: video.displayWidth, height: video.displayHeight)
        if let identity { previews[identity] = preview }
        return (video.codec, preview)
    }

    /// `previews/<clip path with / as ->` written once (kept while newer than the clip) with the concat normaliser:
    /// one clip, scaled by libavfilter to 640 px wide, encoded H.264 + AAC under a temporary name and renamed.
    private func makePreview(of clip: String, width: Int, height: Int) -> String? {
        let relative = "previews/" + clip.replacingOccurrences(of: "/", with: "-")
        let source = layout.absolute(clip), target = layout.absolute(relative)
        if let made = modified(target), let original = modified(source), made >= original { return relative }
        var options = ConcatOptions(mode: .normalize)
        options.width = Self.previewWidth
        // Keep the display aspect; yuv420p needs even sizes.
        options.height = max(2, Int((Double(Self.previewWidth) * Double(height) / Double(max(width, 1))).rounded()) & ~1)
        options.crf = 26
        do {
            _ = try concatenate([source], to: target, options: options)
            return relative
        } catch {
            return nil
        }
    }

    /// `thumbs/<shot>-first.png`: the clip's first decoded frame, written once (kept while newer than the clip),
    /// for the join of a chained shot: set beside the frame it should continue from, a jump shows at a glance.
    func firstFrame(of clip: String, shotID: String) -> String? {
        let relative = "thumbs/\(shotID)-first.png"
        let source = layout.absolute(clip), target = layout.absolute(relative)
        if let made = modified(target), let original = modified(source), made >= original { return relative }
        return (try? writeThumbnail(of: source, at: .seconds(0), to: target)) != nil ? relative : nil
    }

    private func modified(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// A shot's inputs as the plan lists them; local files are copied to `inputs/<shot>-<n>.<ext>` (once: an
    /// existing copy is kept, so the report still shows them after the plan's folder moved).
    func inputs(of shot: PlanShot, shotID: String, planFile: String?) -> [RunReport.Input] {
        shot.references.enumerated().map { index, reference in
            var input = RunReport.Input(kind: reference.kind.rawValue, role: reference.role,
                                        source: reference.source.hasPrefix("data:")
                                            ? String(reference.source.prefix(40)) + "…" : reference.source)
            if reference.source.hasPrefix("https://") || reference.source.hasPrefix("http://") {
                input.url = reference.source
            } else if !reference.isURL {
                input.file = copyInput(reference.source, shotID: shotID, index: index + 1, planFile: planFile)
            }
            return input
        }
    }

    private func copyInput(_ source: String, shotID: String, index: Int, planFile: String?) -> String? {
        let ext = (source as NSString).pathExtension.lowercased()
        let relative = "inputs/\(shotID)-\(index)" + (ext.isEmpty ? "" : ".\(ext)")
        let target = layout.absolute(relative)
        if FileManager.default.fileExists(atPath: target) { return relative }
        let directory = planFile.map { ($0 as NSString).deletingLastPathComponent } ?? layout.directory
        let path = source.hasPrefix("/") ? source : (directory as NSString).appendingPathComponent(source)
        guard let data = FileManager.default.contents(atPath: path), (try? layout.writeAtomically(data, to: relative)) != nil
        else { return nil }
        return relative
    }
}
