import Foundation
import Testing
import TestSupport

/// What a person at a terminal sees, from the built binary on a pseudo-terminal, against the same commands piped:
/// the live status block of a run and the coloured verify report, and plain text when the output is not a terminal.
@Suite(.serialized) struct TerminalOutputTests {
    /// The test's environment as a terminal session has it.
    private func terminalEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm-256color"
        environment["NO_COLOR"] = nil
        return environment.merging(extra) { $1 }
    }

    /// The lines of the block as it was left: the screen when the cursor was shown again, from the block's first line.
    private func finalBlock(_ output: String) -> [String] {
        guard let shown = output.range(of: "\u{1B}[?25h", options: .backwards) else { return [] }
        let screen = TerminalScreen.lines(after: String(output[..<shown.lowerBound]))
        guard let start = screen.lastIndex(where: { $0.hasPrefix("shots    ") }) else { return [] }
        return Array(screen[start...])
    }

    @Test func theDemoOnATerminalRedrawsItsBlockInPlaceAndEndsWithTheFinalState() throws {
        let folder = try FixturePaths.temporaryDirectory("live-demo")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runInPseudoTerminal(FixturePaths.seedanceBinary.path,
                                             ["demo", "-o", folder.appendingPathComponent("out").path],
                                             environment: terminalEnvironment(), columns: 72, rows: 30)
        #expect(result.status == 0, "\(result.output)")
        let output = result.output
        #expect(output.range(of: #"\x{1B}\[[0-9]+A"#, options: .regularExpression) != nil, "no cursor movement")
        #expect(output.contains("\u{1B}[2K") && output.contains("\u{1B}[?25l"))
        let block = finalBlock(output)
        #expect(block.first == "shots    3 of 3 done", "\(block)")
        #expect(block.contains { $0.hasPrefix("elapsed  ") && $0.hasSuffix("· finished") }, "\(block)")
        let tokens = try #require(block.first { $0.hasPrefix("tokens   ") }, "\(block)")
        #expect(tokens.range(of: #"^tokens   [0-9,]+ billed$"#, options: .regularExpression) != nil, "\(tokens)")
        // The screen as a person reads it: the block once (redrawn in place, not repeated), the final video's path
        // kept above it and in the summary below, no line wider than the terminal.
        let screen = TerminalScreen.lines(after: output)
        #expect(screen.filter { $0.hasPrefix("shots    ") }.count == 1, "\(screen.joined(separator: "\n"))")
        #expect(screen.contains { $0.hasPrefix("final video: ") && $0.contains("out/final.mp4") },
                "\(screen.joined(separator: "\n"))")
        let blockStart = try #require(screen.firstIndex { $0.hasPrefix("shots    ") })
        #expect(block.allSatisfy { $0.count < 72 }, "\(block)")
        #expect(screen[..<blockStart].contains { $0.hasPrefix("final video: ") }, "the path is kept above the block")
    }

    @Test func theDemoPipedOrPlainPrintsLinesWithoutEscapeSequences() throws {
        let folder = try FixturePaths.temporaryDirectory("plain-demo")
        defer { try? FileManager.default.removeItem(at: folder) }
        let piped = try runSeedance(["demo", "-o", folder.appendingPathComponent("piped").path],
                                    environment: terminalEnvironment())
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(!piped.stderr.contains("\u{1B}") && !piped.stdout.contains("\u{1B}"))
        #expect(piped.stderr.contains("arrival: done (verified"), "\(piped.stderr)")
        #expect(piped.stderr.contains("final video: "))
        // --plain on a terminal: the same plain lines.
        let plain = try runInPseudoTerminal(FixturePaths.seedanceBinary.path,
                                            ["demo", "--plain", "-o", folder.appendingPathComponent("plain").path],
                                            environment: terminalEnvironment())
        #expect(plain.status == 0, "\(plain.output)")
        #expect(!plain.output.contains("\u{1B}"), "\(plain.output)")
        #expect(plain.output.contains("cake: done (verified"))
    }

    @Test func interruptedOnATerminalTheBlockIsFinishedAndTheCursorShown() throws {
        let folder = try FixturePaths.temporaryDirectory("live-interrupt")
        defer { try? FileManager.default.removeItem(at: folder) }
        // A slow service (minutes of simulated time take seconds) and a Ctrl-C once the block is up.
        let result = try runInPseudoTerminal(FixturePaths.seedanceBinary.path,
                                             ["demo", "--time-scale", "0.2", "-o", folder.appendingPathComponent("out").path],
                                             environment: terminalEnvironment()) { pid, outputSoFar in
            // Once the block is up (the run and its Ctrl-C handling started), and a moment later.
            let deadline = Date().addingTimeInterval(60)
            while !outputSoFar().contains("\u{1B}[?25l") && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
            Thread.sleep(forTimeInterval: 1)
            kill(pid, SIGINT)
        }
        #expect(result.status == 130, "\(result.output)")
        let output = result.output
        let hidden = try #require(output.range(of: "\u{1B}[?25l", options: .backwards))
        let shown = try #require(output.range(of: "\u{1B}[?25h", options: .backwards), "the cursor is shown again")
        #expect(hidden.lowerBound < shown.lowerBound)
        let screen = TerminalScreen.lines(after: output)
        let stopping = try #require(screen.firstIndex { $0.hasPrefix("stopping: no new tasks") }, "\(screen)")
        let block = try #require(screen.lastIndex { $0.hasPrefix("shots    ") })
        #expect(stopping < block, "the words stay above the block")
        #expect(screen.last?.hasPrefix("seedance: interrupted: ") == true, "\(screen)")
    }

    @Test func verifyOnATerminalShowsFailuresFirstInColourAndCountsThePasses() throws {
        let bad = FixturePaths.fixture("qa/v1-size.mp4")
        let asked = ["--resolution", "720p", "--ratio", "16:9", "--duration", "2"]
        let terminal = try runInPseudoTerminal(FixturePaths.seedanceBinary.path, ["verify", bad] + asked,
                                               environment: terminalEnvironment())
        #expect(terminal.status == 1)
        #expect(terminal.output.contains("\u{1B}[31mFAIL\u{1B}[0m  geometry"), "\(terminal.output)")
        let passed = try #require(terminal.output.range(of: #"\x{1B}\[32m[0-9]+ checks passed\x{1B}\[0m"#,
                                                        options: .regularExpression), "\(terminal.output)")
        let fail = try #require(terminal.output.range(of: "FAIL\u{1B}[0m  geometry"))
        #expect(fail.lowerBound < passed.lowerBound, "failures come first")
        #expect(!terminal.output.contains("PASS\u{1B}[0m  "), "passes are counted, not listed")

        let piped = try runSeedance(["verify", bad] + asked, environment: terminalEnvironment())
        #expect(piped.status == 1)
        #expect(!piped.stdout.contains("\u{1B}"), "\(piped.stdout)")
        #expect(piped.stdout.contains("  FAIL  geometry"))
        #expect(piped.stdout.range(of: #"\n  [0-9]+ checks passed\n"#, options: .regularExpression) != nil)

        let noColour = try runInPseudoTerminal(FixturePaths.seedanceBinary.path, ["verify", bad] + asked,
                                               environment: terminalEnvironment(["NO_COLOR": "1"]))
        #expect(!noColour.output.contains("\u{1B}"), "NO_COLOR: \(noColour.output)")

        let verbose = try runSeedance(["verify", "--verbose", bad] + asked)
        let lines = verbose.stdout.split(separator: "\n").map(String.init)
        let firstPass = try #require(lines.firstIndex { $0.hasPrefix("  PASS  ") })
        let lastFail = try #require(lines.lastIndex { $0.hasPrefix("  FAIL  ") })
        #expect(lastFail < firstPass && !verbose.stdout.contains("checks passed"))
        let counted = try #require(piped.stdout.range(of: #"[0-9]+ checks passed"#, options: .regularExpression))
        #expect("\(lines.filter { $0.hasPrefix("  PASS  ") }.count) checks passed" == piped.stdout[counted])
    }
}
