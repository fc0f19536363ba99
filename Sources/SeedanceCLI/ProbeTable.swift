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
        let table = TextTable(header: header, rows: rows)
        guard table.naturalWidth > width else { return table.render(width: width) }
        // Too narrow for a line a file: a block per file, the path whole on its line and a field a line. (Cells
        // wrapped within eight columns made rows of six lines with paths and sizes cut in pieces: harder to read.)
        return infos.indices.map { index in
            record(header: header, row: rows[index], width: width)
        }.joined(separator: "\n")
    }

    /// The provenance lines under the table, wrapped to `width`: `provenance: ...` for one file (`none` when it
    /// has nothing to say), `FILE: provenance: ...` for each of several files that has something to say.
    static func provenanceLines(_ lines: [(file: String, line: String?)], width: Int = TerminalWidth.columns) -> String {
        let text: [String]
        if lines.count == 1 {
            text = ["provenance: " + (lines[0].line ?? "none")]
        } else {
            text = lines.compactMap { file, line in line.map { "\(file): provenance: \($0)" } }
        }
        guard !text.isEmpty else { return "" }
        return text.flatMap { TextTable.wrap($0, to: max(20, width)) }.joined(separator: "\n") + "\n"
    }

    /// One file as a block: its path, then `  LABEL  value` lines wrapped to `width`.
    static func record(header: [String], row: [String], width: Int) -> String {
        var lines = TextTable.wrap(row[0], to: width)
        let labelWidth = header.dropFirst().map(\.count).max() ?? 0
        let indent = 2 + labelWidth + TextTable.gap
        for (label, value) in zip(header.dropFirst(), row.dropFirst()) {
            let pieces = TextTable.wrap(value, to: max(10, width - indent))
            for (number, piece) in pieces.enumerated() {
                let head = number == 0 ? label.lowercased() : ""
                lines.append("  " + head.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
                             + String(repeating: " ", count: TextTable.gap) + piece)
            }
        }
        return lines.joined(separator: "\n") + "\n"
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
