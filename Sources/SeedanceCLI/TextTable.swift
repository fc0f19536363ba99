import Foundation

/// A plain left-aligned text table with two spaces between columns, fitted to a width: when the natural table is
/// wider, the widest columns are narrowed and their cells wrap within the column (at spaces when a word fits, else
/// mid-word), so no line is longer than the width and every field stays in its column.
struct TextTable {
    var header: [String]
    var rows: [[String]]

    /// Space between columns.
    static let gap = 2

    /// Narrowest a column is made when the table must shrink (a header word or a short value still reads).
    static let minimumColumn = 6

    /// The widest line of the table at its natural width.
    var naturalWidth: Int {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return widths.reduce(0, +) + Self.gap * max(0, widths.count - 1)
    }

    /// The longest word (run without a space) of each column: how narrow it can be without cutting a word.
    var longestWords: [Int] {
        let all = [header] + rows
        return header.indices.map { column in
            all.map { $0[column].split(separator: " ").map(\.count).max() ?? 0 }.max() ?? 0
        }
    }

    /// The table as lines, each at most `width` columns when the columns can be narrowed that far; nil renders
    /// at its natural width.
    func render(width: Int? = nil) -> String {
        let all = [header] + rows
        var widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        if let width { widths = Self.fit(widths, longestWords: longestWords, to: width) }
        var lines: [String] = []
        for row in all {
            let cells = row.enumerated().map { column, cell in Self.wrap(cell, to: widths[column]) }
            let height = cells.map(\.count).max() ?? 1
            for index in 0..<height {
                var parts = cells.enumerated().map { column, lines in
                    let text = index < lines.count ? lines[index] : ""
                    return column == cells.count - 1 ? text
                        : text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                }
                // No trailing blanks when the last cells of a wrapped line are empty.
                while let last = parts.last, last.allSatisfy({ $0 == " " }), parts.count > 1 { parts.removeLast() }
                var line = parts.joined(separator: String(repeating: " ", count: Self.gap))
                while line.hasSuffix(" ") { line.removeLast() }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Column widths whose sum (with gaps) is at most `width`. First the widest column that can wrap at a space
    /// gives up a column at a time, down to its longest word (so words stay whole); then, if that is not enough,
    /// the widest of all, down to `minimumColumn` (or its natural width when that is smaller).
    static func fit(_ natural: [Int], longestWords: [Int]? = nil, to width: Int) -> [Int] {
        var widths = natural
        let gaps = gap * max(0, widths.count - 1)
        let floors = zip(longestWords ?? natural, natural).map { max($0, min($1, minimumColumn)) }
        for phase in 0..<2 {
            while widths.reduce(0, +) + gaps > width {
                let floor = { (column: Int) in phase == 0 ? floors[column] : minimumColumn }
                guard let widest = widths.indices.filter({ widths[$0] > floor($0) })
                    .max(by: { widths[$0] < widths[$1] }) else { break }
                widths[widest] -= 1
            }
        }
        return widths
    }

    /// `text` in lines of at most `width` characters: broken at the last space that fits, else cut.
    static func wrap(_ text: String, to width: Int) -> [String] {
        guard width > 0, text.count > width else { return [text] }
        var lines: [String] = []
        var rest = Substring(text)
        while rest.count > width {
            let head = rest.prefix(width + 1)
            if let space = head.lastIndex(of: " "), space > rest.startIndex {
                lines.append(String(rest[..<space]))
                rest = rest[rest.index(after: space)...]
            } else {
                lines.append(String(rest.prefix(width)))
                rest = rest.dropFirst(width)
            }
        }
        if !rest.isEmpty { lines.append(String(rest)) }
        return lines
    }
}
