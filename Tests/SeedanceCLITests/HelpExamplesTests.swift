import ArgumentParser
import SeedanceCLI
import Testing

/// Every example in every command's `--help` parses: the command line a user pastes from the help is one the tool
/// accepts (its options exist, its values are valid).
@Suite struct HelpExamplesTests {
    /// A `seedance` example of a help text, as a command line split the way a shell would.
    struct Example: CustomStringConvertible, Sendable {
        var command: String
        var line: String
        var arguments: [String]
        var description: String { "\(command): \(line)" }
    }

    /// Every command, with its path (`seedance run`, ...), depth first.
    static func commands(_ type: any ParsableCommand.Type = SeedanceCommand.self,
                         path: [String] = []) -> [(String, any ParsableCommand.Type)] {
        let name = path.joined(separator: " ")
        var result: [(String, any ParsableCommand.Type)] = path.isEmpty ? [] : [(name, type)]
        for sub in type.configuration.subcommands {
            result += commands(sub, path: path + [sub.configuration.commandName ?? "\(sub)".lowercased()])
        }
        return result
    }

    /// The `seedance ...` lines of a help text's examples, `\` continuations joined, comments dropped, a line that
    /// pipes or chains into another program cut there.
    static func examples() -> [Example] {
        var result: [Example] = []
        for (name, type) in commands() {
            var lines = type.configuration.discussion.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            var index = 0
            while index < lines.count {
                var line = lines[index].trimmingCharacters(in: .whitespaces)
                while line.hasSuffix("\\"), index + 1 < lines.count {
                    index += 1
                    line = String(line.dropLast()) + " " + lines[index].trimmingCharacters(in: .whitespaces)
                }
                index += 1
                guard line.hasPrefix("seedance ") else { continue }
                var words = split(line)
                if let cut = words.firstIndex(where: { ["#", "&&", "&", "|", ";", ">"].contains($0) }) { words = Array(words[..<cut]) }
                result.append(Example(command: name, line: line, arguments: Array(words.dropFirst())))
            }
            lines.removeAll()
        }
        return result
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

    @Test func everyCommandWithExamplesHasSome() {
        let examples = Self.examples()
        #expect(examples.count >= 30, "found \(examples.count) examples")
        let covered = Set(examples.map(\.command))
        for command in ["run", "resume", "regenerate", "report", "worker", "runs", "limits", "verify", "concat", "probe"] {
            #expect(covered.contains(command), "seedance \(command) --help has no example")
        }
    }

    @Test(arguments: examples())
    func exampleParses(_ example: Example) {
        #expect(throws: Never.self, "\(example.line)") { _ = try SeedanceCommand.parseAsRoot(example.arguments) }
    }
}
