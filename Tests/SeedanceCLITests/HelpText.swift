import ArgumentParser
import SeedanceCLI

/// The help of every command as a user sees it at 80 columns, and the examples in it.
enum HelpText {
    /// The width help is checked at: a terminal's default, and what ArgumentParser uses when stdout is not one.
    static let columns = 80

    /// Every command with its path (`run`, `simulator`, ...), depth first; the root is `""`.
    static func commands(_ type: any ParsableCommand.Type = SeedanceCommand.self,
                         path: [String] = []) -> [(name: String, type: any ParsableCommand.Type)] {
        var result: [(name: String, type: any ParsableCommand.Type)] = [(path.joined(separator: " "), type)]
        for sub in type.configuration.subcommands {
            result += commands(sub, path: path + [sub.configuration.commandName ?? "\(sub)".lowercased()])
        }
        return result
    }

    /// The help of `type` rendered at `columns`, as `seedance X --help` prints it.
    static func render(_ type: any ParsableCommand.Type, columns: Int = columns) -> String {
        SeedanceCommand.helpMessage(for: type, columns: columns)
    }

    /// One example of a help text: its lines as rendered, and the command they make once `\` continuations are
    /// joined.
    struct Example: CustomStringConvertible, Sendable {
        /// The command whose help shows it (`probe`).
        var command: String
        /// The rendered lines, indentation included.
        var lines: [String]
        /// The command line, continuations joined.
        var text: String { lines.map { $0.trimmingCharacters(in: .whitespaces) }
            .map { $0.hasSuffix("\\") ? String($0.dropLast()).trimmingCharacters(in: .whitespaces) : $0 }
            .joined(separator: " ") }
        var description: String { "\(command): \(text)" }
    }

    /// The examples under `Example:` / `Examples:` of a rendered help: a line indented by two spaces starts one,
    /// the lines after a line ending in ` \` continue it; a blank or unindented line ends the block.
    static func examples(command: String, help: String) -> [Example] {
        var result: [Example] = []
        var inBlock = false, continuing = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line == "Example:" || line == "Examples:" { inBlock = true; continuing = false; continue }
            guard inBlock else { continue }
            guard line.hasPrefix("  ") else { inBlock = false; continue }
            if continuing, !result.isEmpty {
                result[result.count - 1].lines.append(line)
            } else {
                result.append(Example(command: command, lines: [line]))
            }
            continuing = line.hasSuffix("\\")
        }
        return result
    }

    /// Every example of every command's help at 80 columns.
    static func allExamples() -> [Example] {
        commands().flatMap { examples(command: $0.name, help: render($0.type)) }
    }

    /// Words of a shell line: blanks separate, single and double quotes group (no expansion).
    static func split(_ line: String) -> [String] {
        var words: [String] = [], word = "", quote: Character?, inWord = false
        for character in line {
            if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(word) }
                word = ""
                inWord = false
            } else {
                word.append(character)
                inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }

    /// The arguments of a `seedance ...` example for the parser: the words after `seedance`, cut where the line
    /// pipes or chains into another program or a comment starts; nil for a line that is not a `seedance` command.
    static func seedanceArguments(_ text: String) -> [String]? {
        guard text.hasPrefix("seedance ") else { return nil }
        var words = split(text)
        if let cut = words.firstIndex(where: { ["#", "&&", "&", "|", ";", ">"].contains($0) }) {
            words = Array(words[..<cut])
        }
        return Array(words.dropFirst())
    }
}
