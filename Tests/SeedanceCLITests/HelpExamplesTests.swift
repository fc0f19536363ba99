import ArgumentParser
import SeedanceCLI
import Testing

/// Every example in every command's `--help`, as rendered at 80 columns, can be pasted: its lines fit, a command
/// that goes on over lines ends each of them with ` \`, and the command line parses (its options exist, its values
/// are valid). Running them is `HelpExamplesRunTests`.
@Suite struct HelpExamplesTests {
    @Test func everyCommandWithExamplesHasSome() {
        let examples = HelpText.allExamples()
        #expect(examples.count >= 30, "found \(examples.count) examples")
        let covered = Set(examples.map(\.command))
        for command in ["run", "resume", "regenerate", "report", "worker", "runs", "limits", "verify", "concat", "probe",
                        "generate", "submit", "status", "wait", "list", "cancel", "download", "demo", "simulator",
                        "thumbnail", "contact-sheet", "provenance"] {
            #expect(covered.contains(command), "seedance \(command) --help has no example")
        }
    }

    @Test(arguments: HelpText.allExamples())
    func exampleFitsAndContinues(_ example: HelpText.Example) {
        for (index, line) in example.lines.enumerated() {
            #expect(line.count <= HelpText.columns, "\(line.count) columns: \(line)")
            if index < example.lines.count - 1 {
                #expect(line.hasSuffix(" \\"), "a line of a command that goes on must end with ' \\': \(line)")
            }
            if index > 0 {
                #expect(line.hasPrefix("    "), "a continuation is indented: \(line)")
            }
        }
        #expect(example.lines.last?.hasSuffix("\\") == false, "the example ends with a continuation: \(example)")
    }

    @Test(arguments: HelpText.allExamples().filter { $0.text.hasPrefix("seedance ") })
    func exampleParses(_ example: HelpText.Example) throws {
        let arguments = try #require(HelpText.seedanceArguments(example.text))
        #expect(throws: Never.self, "\(example.text)") { _ = try SeedanceCommand.parseAsRoot(arguments) }
    }

    /// The rendered help keeps the example as written in the source (ArgumentParser re-wraps only lines longer
    /// than the width, so a rewrapped example would show up here as a line that is not in the discussion).
    @Test func renderedExamplesAreTheSourceLines() {
        for (name, type) in HelpText.commands() {
            let source = Set(type.configuration.discussion.split(separator: "\n").map(String.init))
            for example in HelpText.examples(command: name, help: HelpText.render(type)) {
                for line in example.lines {
                    #expect(source.contains(line), "seedance \(name) --help rewrapped an example line: \(line)")
                }
            }
        }
    }
}
