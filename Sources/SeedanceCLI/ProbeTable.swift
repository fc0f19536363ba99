import Foundation
import Media

/// The readable table `seedance probe` prints: one row per file.
enum ProbeTable {
    /// The table, fitted to `width` columns (cells wrap within their column).
    ///
    /// `provenance`, one entry per file (nil: nothing to say), adds the provenance lines: under the table, or in
    /// each file's block when the table does not fit.
    static func render(_ infos: [MediaInfo], provenance: [String?]? = nil,
                       width: Int = TerminalWidth.columns) -> String {
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
        let lines = provenance.map { Self.provenanceLines(zip(infos.map(\.file), $0).map { ($0, $1) }) }
        guard table.naturalWidth > width else {
            let texts = (lines ?? []).compactMap { file, line in
                line.map { infos.count == 1 ? "provenance: \($0)" : "\(file): provenance: \($0)" }
            }
            return table.render(width: width) + provenanceText(texts, width: width, indent: "")
        }
        // Too narrow for a line a file: a block per file, the path whole on its line and a field a line. (Cells
        // wrapped within eight columns made rows of six lines with paths and sizes cut in pieces: harder to read.)
        return infos.indices.map { index in
            var block = record(header: header, row: rows[index], width: width)
            if let lines, let line = lines.first(where: { $0.file == infos[index].file })?.line {
                // In a block the file is named above: the line goes in without it.
                block += provenanceText(["provenance: " + line], width: width, indent: "  ")
            }
            return block
        }.joined(separator: "\n")
    }

    /// The files' provenance lines: `provenance: ...` for one file (`none` when it has nothing to say), else one
    /// for each file that has something to say.
    static func provenanceLines(_ entries: [(file: String, line: String?)]) -> [(file: String, line: String?)] {
        if entries.count == 1 { return [(entries[0].file, entries[0].line ?? "none")] }
        return entries.filter { $0.line != nil }
    }

    /// Lines wrapped to `width`, each `indent`ed, continuation lines two columns deeper.
    static func provenanceText(_ texts: [String], width: Int, indent: String) -> String {
        let wrapped = texts.flatMap { text in
            TextTable.wrap(text, to: max(20, width - indent.count - 2)).enumerated().map { index, piece in
                indent + (index == 0 ? "" : "  ") + piece
            }
        }
        return wrapped.isEmpty ? "" : wrapped.joined(separator: "\n") + "\n"
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
        fixedDecimal(value, places: 3) + " s"
    }

    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KB", "MB", "GB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(count) B" : fixedDecimal(value, places: 1) + " " + units[unit]
    }

    static func frameRate(_ rate: Rational) -> String {
        guard let value = rate.value, rate.numerator != 0 else { return "-" }
        return value == value.rounded() ? String(Int(value)) : fixedDecimal(value, places: 3)
    }
}
