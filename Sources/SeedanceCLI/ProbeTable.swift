import Foundation
import Media

/// The readable table `seedance probe` prints: one row per file.
enum ProbeTable {
    /// The table, fitted to `width` columns (cells wrap within their column).
    static func render(_ infos: [MediaInfo], width: Int = TerminalWidth.columns) -> String {
        let header = ["FILE", "DURATION", "SIZE", "VIDEO", "FPS", "FRAMES", "AUDIO", "FASTSTART"]
        let rows = infos.map { info -> [String] in
            [
                info.file,
                info.duration.map { Format.seconds($0) } ?? "-",
                Format.bytes(info.sizeBytes),
                info.video.map(videoSummary) ?? "none",
                info.video.map { Format.frameRate($0.frameRate) } ?? "-",
                info.video?.frameCount.map(String.init) ?? "-",
                info.audio.map(audioSummary) ?? "none",
                info.faststart.map { $0 ? "yes" : "no" } ?? "-",
            ]
        }
        return TextTable(header: header, rows: rows).render(width: width)
    }

    private static func videoSummary(_ v: VideoStream) -> String {
        var text = v.codec
        if let profile = v.profile { text += " (\(profile))" }
        text += " \(v.width)x\(v.height)"
        if v.rotation != 0 { text += " rot \(v.rotation) -> \(v.displayWidth)x\(v.displayHeight)" }
        if let pix = v.pixelFormat { text += " \(pix)" }
        return text
    }

    private static func audioSummary(_ a: AudioStream) -> String {
        "\(a.codec) \(a.sampleRate) Hz \(a.channelLayout ?? "\(a.channels) ch")"
    }
}

/// Human formats shared by the readable outputs.
enum Format {
    static func seconds(_ value: Double) -> String {
        String(format: "%.3f s", value)
    }

    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KB", "MB", "GB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }

    static func frameRate(_ rate: Rational) -> String {
        guard let value = rate.value, rate.numerator != 0 else { return "-" }
        return value == value.rounded() ? String(Int(value)) : String(format: "%.3f", value)
    }
}
