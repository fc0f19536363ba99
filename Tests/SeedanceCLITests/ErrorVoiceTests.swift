import Foundation
@testable import SeedanceCLI
import Testing
import TestSupport

/// Every failure is one `seedance: ...` line on stderr with DESIGN.md's exit status: through the real binary for
/// usage, file-system and state-file errors, and `ErrorVoice.failure(for:)` directly on constructed errors.
@Suite struct ErrorVoiceTests {
    /// The environment of a run that must fail before any network call.
    let offline = ["SEEDANCE_API_KEY": "x", "SEEDANCE_BASE_URL": "http://127.0.0.1:9/api/v3"]

    /// stderr's lines (without the final newline).
    func lines(_ text: String) -> [Substring] { text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() }

    func expectOneLine(_ result: RunResult, status: Int32, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == status, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(lines(result.stderr).count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("seedance: "), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasSuffix("\n"), sourceLocation: sourceLocation)
        #expect(!result.stderr.contains("Error: "), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "\(result.stdout)", sourceLocation: sourceLocation)
    }

    // MARK: through the binary

    @Test func aMissingArgumentIsOneLineNamingTheSubcommandsHelp() throws {
        let result = try runSeedance(["run"])
        expectOneLine(result, status: 2)
        #expect(result.stderr.contains("<plan>"), "\(result.stderr)")
        #expect(result.stderr.contains("see 'seedance run --help'"), "\(result.stderr)")
    }

    @Test func anUnknownOptionIsOneLine() throws {
        let result = try runSeedance(["probe", "--frobnicate", "x"])
        expectOneLine(result, status: 2)
        #expect(result.stderr.contains("--frobnicate"), "\(result.stderr)")
        #expect(result.stderr.contains("see 'seedance probe --help'"), "\(result.stderr)")
    }

    @Test func helpAndVersionStillGoToStdout() throws {
        let help = try runSeedance(["run", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: seedance run"))
        #expect(help.stderr.isEmpty)
        let version = try runSeedance(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == SeedanceVersion.current)
    }

    @Test func anOutputFolderUnderAFileIsOneLineNamingIt() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = dir.appendingPathComponent("plan.yaml")
        try "shots:\n  - prompt: a kite\n".write(to: plan, atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("file")
        try "not a folder".write(to: file, atomically: true, encoding: .utf8)
        let output = file.appendingPathComponent("sub").path
        let result = try runSeedance(["run", plan.path, "-o", output], environment: offline)
        expectOneLine(result, status: 2)
        #expect(result.stderr.contains(output), "\(result.stderr)")
        #expect(result.stderr.contains("cannot create the run folder: not a directory"), "\(result.stderr)")
    }

    @Test func aGarbageStateFileIsOneLine() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) })
        try garbage.write(to: dir.appendingPathComponent("state.sqlite"))
        let result = try runSeedance(["report", dir.path])
        expectOneLine(result, status: 2)
        #expect(result.stderr.contains("state"), "\(result.stderr)")
        #expect(!result.stderr.contains("SQLite error"), "\(result.stderr)")
        #expect(result.stderr.contains("not a database"), "\(result.stderr)")
    }

    // MARK: ErrorVoice.failure(for:)

    @Test func cocoaFileErrorsNameThePathAndTheErrno() {
        let underlying = NSError(domain: NSPOSIXErrorDomain, code: Int(EACCES))
        let error = CocoaError(.fileWriteNoPermission,
                               userInfo: [NSFilePathErrorKey: "/root/x/out", NSUnderlyingErrorKey: underlying])
        let failure = ErrorVoice.failure(for: error)
        #expect(failure.status == .badInput)
        #expect(failure.message == "/root/x/out: cannot write: permission denied")

        // On Linux the underlying error is a POSIXError struct.
        let struct_ = CocoaError(.fileWriteUnknown,
                                 userInfo: [NSFilePathErrorKey: "/tmp/f/sub", NSUnderlyingErrorKey: POSIXError(.ENOTDIR)])
        #expect(ErrorVoice.failure(for: struct_).message == "/tmp/f/sub: cannot write: not a directory (a file is in the way)")

        let missing = ErrorVoice.failure(for: CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: "/nope"]))
        #expect(missing.status == .badInput)
        #expect(missing.message == "/nope: cannot read: no such file or folder")
    }

    @Test func posixErrorsSayStrerror() {
        let failure = ErrorVoice.failure(for: POSIXError(.ENOSPC))
        #expect(failure.status == .badInput)
        #expect(failure.message == String(cString: strerror(ENOSPC)))
    }

    struct Shot: Decodable { var duration: Int }
    struct Body: Decodable { var shots: [Shot] }

    @Test func decodingErrorsGiveTheCodingPathOnOneLine() throws {
        let data = Data(#"{"shots": [{"duration": 5}, {"duration": "five"}]}"#.utf8)
        do {
            _ = try JSONDecoder().decode(Body.self, from: data)
            Issue.record("decoded")
        } catch {
            let failure = ErrorVoice.failure(for: error)
            #expect(failure.status == .badInput)
            #expect(failure.message.contains("shots[1].duration"), "\(failure.message)")
            #expect(!failure.message.contains("\n"))
        }
    }

    struct Chatty: Error, CustomStringConvertible {
        var description: String { "first line\n  second line\n\n" + String(repeating: "x", count: 500) }
    }

    @Test func anyOtherErrorIsExitOneCollapsedAndCut() {
        let failure = ErrorVoice.failure(for: Chatty())
        #expect(failure.status == .failedChecks)
        #expect(failure.message.hasPrefix("first line; second line; xxx"))
        #expect(!failure.message.contains("\n"))
        #expect(failure.message.count <= ErrorVoice.maxUnknownLength)
        #expect(ErrorVoice.line(for: failure)?.hasPrefix("seedance: first line") == true)
    }

    @Test func commandFailuresKeepTheirStatusOnOneLine() {
        let failure = ErrorVoice.failure(for: CommandFailure(.remoteFailure, "network down\nretry later"))
        #expect(failure.status == .remoteFailure)
        #expect(failure.message == "network down; retry later")
        #expect(ErrorVoice.line(for: CommandFailure(.failedChecks)) == nil)
        #expect(ErrorVoice.failure(for: CancellationError()).status == .interrupted)
        #expect(ExitStatus.interrupted.rawValue == 130)
    }

    @Test func noArgumentsPrintsTheOverviewAndExitsTwo() throws {
        let result = try runSeedance([])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("OVERVIEW: Generate, verify and assemble videos"))
        for group in ["RUNS SUBCOMMANDS", "CLIPS SUBCOMMANDS", "API CALLS SUBCOMMANDS"] {
            #expect(result.stderr.contains(group), "\(group)")
        }
        let unknown = try runSeedance(["frobnicate"])
        #expect(unknown.status == 2 && unknown.stderr.split(separator: "\n").count == 1, "\(unknown.stderr)")
    }
}
