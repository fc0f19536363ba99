import ArgumentParser
import Foundation
@testable import SeedanceCLI
import Testing
import TestSupport

/// `--callback-url URL --listen HOST:PORT` on the commands that run a plan: what parses, and the one line and exit
/// status 2 of what does not.
@Suite struct CallbackOptionsTests {
    /// The usage line `seedance` prints for `arguments`, or nil when they parse.
    static func usageLine(_ arguments: [String]) -> String? {
        do {
            _ = try SeedanceCommand.parseAsRoot(arguments)
            return nil
        } catch {
            return SeedanceCommand.usageLine(for: error, arguments: arguments)
        }
    }

    @Test(arguments: ["run plan.yaml -o out", "generate --prompt kite -o out", "resume out"])
    func callbacksParseOnEveryRunCommand(_ command: String) throws {
        let base = command.split(separator: " ").map(String.init)
        let parsed = try SeedanceCommand.parseAsRoot(base + ["--listen", "127.0.0.1:8700", "--callback-url",
                                                             "https://hooks.example.com/seedance",
                                                             "--safety-poll-interval", "120"])
        let options: RunOptions? = switch parsed {
        case let run as RunCommand: run.options
        case let generate as GenerateCommand: generate.options
        case let resume as ResumeCommand: resume.options
        default: nil
        }
        let callbacks = try #require(options?.callbacks)
        #expect(callbacks.enabled && callbacks.safetyPollInterval == 120)
        let configuration = try #require(options).configuration(directory: "out")
        let inbox = try #require(configuration.callbacks)
        #expect(configuration.safetyPollInterval == 120)
        // Each task is told the public URL with the run's secret as its last segment; messages show it redacted.
        #expect(inbox.callbackURL == "https://hooks.example.com/seedance/\(inbox.secret.value)")
        #expect(inbox.secret.value.count == 64)
        #expect(inbox.redactedURL?.contains(inbox.secret.value) == false)
        // Without the options, no inbox: the run polls.
        let plain = try #require(try SeedanceCommand.parseAsRoot(["run", "plan.yaml", "-o", "out"]) as? RunCommand)
        #expect(plain.options.configuration(directory: "out").callbacks == nil)
    }

    @Test func aCallbackURLNeedsListen() {
        let line = Self.usageLine(["run", "plan.yaml", "-o", "out", "--callback-url", "https://hooks.example.com/x"])
        #expect(line?.hasPrefix("seedance: --callback-url needs --listen HOST:PORT") == true, "\(line ?? "parsed")")
    }

    @Test(arguments: ["ftp://hooks.example.com/x", "hooks.example.com/x", "https:///x", "https://h.example/x?a=1"])
    func aBadCallbackURLIsRefused(_ url: String) {
        let line = Self.usageLine(["run", "plan.yaml", "-o", "out", "--listen", "127.0.0.1:0", "--callback-url", url])
        #expect(line?.hasPrefix("seedance: --callback-url: \"\(url)\" is not an http(s) URL") == true, "\(line ?? "parsed")")
    }

    @Test func listenAloneMustNameAnAddressTheServiceCanCall() {
        let every = Self.usageLine(["run", "plan.yaml", "-o", "out", "--listen", "0.0.0.0:8700"])
        #expect(every?.contains("--listen 0.0.0.0:8700 binds every interface") == true, "\(every ?? "parsed")")
        let bad = Self.usageLine(["generate", "--prompt", "kite", "-o", "out", "--listen", "8700"])
        #expect(bad?.hasPrefix("seedance: --listen: expected HOST:PORT") == true, "\(bad ?? "parsed")")
        let safety = Self.usageLine(["run", "plan.yaml", "-o", "out", "--listen", "127.0.0.1:0", "--safety-poll-interval", "0"])
        #expect(safety?.contains("--safety-poll-interval must be a positive number") == true, "\(safety ?? "parsed")")
    }

    @Test
    func theBinarySaysABadCallbackURLInOneLineAndExitsTwo() throws {
        let result = try runSeedance(["run", "plan.yaml", "-o", "out", "--listen", "127.0.0.1:0",
                                      "--callback-url", "ftp://hooks.example.com/x"], environment: [:])
        #expect(result.status == 2, "\(result.status): \(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("seedance: --callback-url: "), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
