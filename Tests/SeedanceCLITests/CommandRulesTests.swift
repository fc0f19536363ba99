import ArgumentParser
import Foundation
@testable import SeedanceCLI
import Testing
import TestSupport

/// The rules every command keeps, checked by walking `SeedanceCommand`'s subcommands: help renders, a flag means the
/// same everywhere, a boolean setting can be said both ways, an option is offered only where it applies, and an
/// unknown option is one line pointing at the command's help.
@Suite struct CommandRulesTests {
    /// An option or flag as the help lists it.
    struct Listed: Equatable {
        /// Long names, without dashes: `audio` and `no-audio` for `--audio/--no-audio`.
        var names: [String]
        /// Whether it takes a value (`--output <output>`).
        var takesValue: Bool
    }

    /// The options and flags in a command's rendered help (the `OPTIONS:` and other sections: every line whose
    /// label starts with a dash).
    static func listed(_ help: String) -> [Listed] {
        help.split(separator: "\n").compactMap { line -> Listed? in
            guard line.hasPrefix("  -") else { return nil }
            let label = line.dropFirst(2).components(separatedBy: "  ")[0]
            var names: [String] = []
            for part in label.components(separatedBy: ", ") {
                for name in part.split(separator: " ")[0].split(separator: "/") where name.hasPrefix("--") {
                    names.append(String(name.dropFirst(2)))
                }
            }
            return names.isEmpty ? nil : Listed(names: names, takesValue: label.contains("<"))
        }
    }

    /// Boolean flags that rightly have no `--no-` form, and why.
    static let withoutNegation: [String: String] = [
        "json": "chooses the output format; leaving it out is the opposite",
        "yes": "answers the question before spending; not answering is the default",
        "verbose": "adds logging; the default is quiet",
        "dry-run": "asks for a preview instead of the action; not a setting",
        "help": "prints help",
        "version": "prints the version",
        "wait": "submit: an action (wait for the task and download it), not a setting",
        "last": "thumbnail: picks the frame instead of --at; the opposite is --at",
        "last-frame": "download: picks which file to fetch instead of the video; the opposite is the default",
        "retry-failed": "resume: an action asked for once, not a setting of the run",
        "plain": "chooses the output format like --json: lines instead of the live block; the block is the default "
            + "only on a terminal, so there is nothing for a --no-plain to force",
    ]

    /// The commands that download a clip, and so take `--max-download-mb`.
    static let downloading: Set<String> = ["wait", "download", "submit", "generate", "run", "resume", "regenerate",
                                           "worker"]

    @Test func everyCommandsHelpRendersAtEightyColumns() {
        for (name, type) in HelpText.commands() {
            let help = HelpText.render(type)
            #expect(help.contains("USAGE: seedance"), "seedance \(name) --help")
            for line in help.split(separator: "\n") where line.count > HelpText.columns {
                Issue.record("seedance \(name) --help: \(line.count) columns: \(line)")
            }
        }
    }

    @Test func soundIsAudioAndReferencesAreNamedSo() {
        for (name, type) in HelpText.commands() {
            let listed = Self.listed(HelpText.render(type))
            let names = listed.flatMap(\.names)
            #expect(!names.contains("generate-audio"), "seedance \(name): --generate-audio is --audio/--no-audio")
            for entry in listed where entry.names.contains("audio") {
                #expect(!entry.takesValue && entry.names.contains("no-audio"),
                        "seedance \(name): --audio is the flag 'the clip has sound' (--audio/--no-audio)")
            }
            #expect(!names.contains("video"), "seedance \(name): a reference video is --reference-video")
        }
        let submit = Self.listed(HelpText.render(SubmitCommand.self)).flatMap(\.names)
        #expect(submit.contains("reference-audio") && submit.contains("reference-video"))
    }

    @Test func maxDownloadIsOfferedOnlyWhereSomethingIsDownloaded() {
        for (name, type) in HelpText.commands() where !name.isEmpty {
            let offered = Self.listed(HelpText.render(type)).contains { $0.names.contains("max-download-mb") }
            #expect(offered == Self.downloading.contains(name),
                    "seedance \(name) \(offered ? "offers" : "lacks") --max-download-mb")
        }
    }

    @Test func everyBooleanSettingCanBeSaidBothWays() {
        var pairs = 0
        for (name, type) in HelpText.commands() {
            for entry in Self.listed(HelpText.render(type)) where !entry.takesValue {
                if entry.names.count == 2, entry.names[1] == "no-" + entry.names[0] { pairs += 1 }
                let positive = entry.names.filter { !$0.hasPrefix("no-") }
                if let lone = entry.names.first(where: { $0.hasPrefix("no-") }), positive.isEmpty {
                    Issue.record("seedance \(name): --\(lone) without --\(lone.dropFirst(3))")
                }
                for flag in positive where !entry.names.contains("no-\(flag)") {
                    #expect(Self.withoutNegation[flag] != nil,
                            "seedance \(name): --\(flag) has no --no-\(flag) (or a reason in withoutNegation)")
                }
            }
        }
        // The walk saw the pairs it should (--audio/--no-audio in generate, verify, submit; --verify and --concat in
        // every run command; ...): a help format the parser above misread would find none.
        #expect(pairs >= 20, "found \(pairs) --X/--no-X pairs")
    }

    @Test(arguments: ["status", "list", "probe", "generate", "runs", "simulator", "concat", "provenance"])
    func anUnknownOptionIsOneLinePointingAtTheHelp(_ command: String) throws {
        let result = try runSeedance([command, "--no-such-option"], environment: [:])
        #expect(result.status == 2, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("seedance: "), "\(result.stderr)")
        #expect(result.stderr.hasSuffix("see 'seedance \(command) --help'\n"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
