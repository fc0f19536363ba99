import AsyncHTTPClient
import Foundation
import Testing
import TestSupport

/// `seedance review` as a user starts it: the address with its token on the first line, the page behind it, one-line
/// errors with exit 2 for a folder that is not a run, a bad --listen, or an address that cannot be served.
@Suite(.serialized) struct ReviewCommandTests {
    @Test func aDemoRunIsServedAtThePrintedAddress() async throws {
        let folder = try FixturePaths.temporaryDirectory("review-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = folder.appendingPathComponent("run").path
        let demo = try runSeedance(["demo", "-o", run, "--time-scale", "0.002"], environment: [:])
        try #require(demo.status == 0, "\(demo.stderr)")

        let (process, line) = try startSeedance(["review", run], environment: [:])
        defer {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        #expect(line.range(of: #"^http://127\.0\.0\.1:[0-9]+/\?token=[0-9a-f]{64}$"#, options: .regularExpression) != nil,
                "first line: \(line)")
        let page = try await HTTPClient.shared.execute(HTTPClientRequest(url: line), timeout: .seconds(30))
        #expect(page.status == .ok)
        let html = String(buffer: try await page.body.collect(upTo: 1 << 20))
        #expect(html.contains("/review.js"))
        // SIGTERM ends it cleanly.
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func aFolderThatIsNotARunIsOneLineAndExitTwo() throws {
        let folder = try FixturePaths.temporaryDirectory("review-not-a-run")
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = try runSeedance(["review", folder.path], environment: [:])
        #expect(empty.status == 2)
        #expect(empty.stderr.hasPrefix("seedance: \(folder.path): not a run folder (state.sqlite is missing)"), "\(empty.stderr)")
        #expect(empty.stderr.split(separator: "\n").count == 1 && empty.stdout.isEmpty)
        let missing = try runSeedance(["review", folder.appendingPathComponent("nope").path], environment: [:])
        #expect(missing.status == 2 && missing.stderr.contains("no such folder"), "\(missing.stderr)")
        let listen = try runSeedance(["review", folder.path, "--listen", "8700"], environment: [:])
        #expect(listen.status == 2 && listen.stderr.hasPrefix("seedance: --listen: expected HOST:PORT, got \"8700\""), "\(listen.stderr)")
    }

    @Test func anAddressBeyondThisMachineIsWarnedAbout() throws {
        let folder = try FixturePaths.temporaryDirectory("review-warning")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = folder.appendingPathComponent("run").path
        try #require(try runSeedance(["demo", "-o", run, "--time-scale", "0.002"], environment: [:]).status == 0)
        // 192.0.2.1 (TEST-NET-1) is no address of this machine: binding fails, nothing is sent anywhere.
        let result = try runSeedance(["review", run, "--listen", "192.0.2.1:0"], environment: [:])
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.first?.hasPrefix("seedance: warning: serving 192.0.2.1:0 beyond this machine: anyone on the network") == true,
                "\(result.stderr)")
        #expect(result.status == 2 && lines.count == 2 && lines.last?.hasPrefix("seedance: --listen 192.0.2.1:0: cannot serve") == true,
                "\(result.stderr)")
    }
}
