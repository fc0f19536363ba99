import AsyncHTTPClient
import Foundation
import Testing
import TestSupport

/// `seedance review --store URL [--run ID]` as a user starts it: one-line errors (a folder and a store together or
/// `--run` without a store, exit 2; a store that cannot be reached, exit 3; a run the store does not have, or whose
/// folder this machine cannot see, exit 2),
/// the list of runs served from `SEEDANCE_STORE`, and the store's password in no output and no page.
@Suite(.serialized) struct ReviewStoreCommandTests {
    static let secret = "hunter2-review-cli-secret"

    @Test func aFolderAndAStoreTogetherOrARunWithoutAStoreAreOneLineAndExitTwo() throws {
        let url = "postgres://seedance:\(Self.secret)@127.0.0.1:1/seedance"
        let both = try runSeedance(["review", "out/edit1", "--store", url], environment: [:])
        #expect(both.status == 2 && both.stdout.isEmpty)
        #expect(both.stderr.hasPrefix("seedance: review either a run folder (out/edit1) or a store (--store), not both"), "\(both.stderr)")
        #expect(both.stderr.split(separator: "\n").count == 1 && !both.stderr.contains(Self.secret))
        let folderRun = try runSeedance(["review", "out/edit1", "--run", "edit1"], environment: [:])
        #expect(folderRun.status == 2 && folderRun.stderr.hasPrefix("seedance: --run names a run of a store"), "\(folderRun.stderr)")
        let runOnly = try runSeedance(["review", "--run", "edit1"], environment: [:])
        #expect(runOnly.status == 2 && runOnly.stderr.hasPrefix("seedance: --run names a run of a store: add --store"), "\(runOnly.stderr)")
        let nothing = try runSeedance(["review"], environment: [:])
        #expect(nothing.status == 2 && nothing.stderr.hasPrefix("seedance: name the run folder to review, or a shared store"), "\(nothing.stderr)")
        let badID = try runSeedance(["review", "--store", url, "--run", "../edit1"], environment: [:])
        #expect(badID.status == 2 && badID.stderr.contains("--run: \"../edit1\" cannot name a run"), "\(badID.stderr)")
        let notPostgres = try runSeedance(["review", "--store", "mysql://u:\(Self.secret)@h/db"], environment: [:])
        #expect(notPostgres.status == 2 && notPostgres.stderr.contains("is not a postgres:// URL"), "\(notPostgres.stderr)")
        for result in [folderRun, runOnly, nothing, badID, notPostgres] {
            #expect(result.stderr.split(separator: "\n").count == 1 && !result.stderr.contains(Self.secret))
        }
    }

    @Test func anUnreachableStoreIsOneLineAndExitThree() throws {
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        let result = try runSeedance(["review", "--store", "postgres://seedance:\(Self.secret)@127.0.0.1:1/seedance"],
                                     environment: [:])
        #expect(result.status == 3 && result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("seedance: cannot reach the PostgreSQL server at 127.0.0.1:1"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1 && !result.stderr.contains(Self.secret))
        // The same through SEEDANCE_STORE.
        let fromEnvironment = try runSeedance(["review", "--run", "edit1"],
                                              environment: ["SEEDANCE_STORE": "postgres://seedance:\(Self.secret)@127.0.0.1:1/seedance"])
        #expect(fromEnvironment.status == 3 && !fromEnvironment.stderr.contains(Self.secret), "\(fromEnvironment.stderr)")
    }

    @Test(.enabled(if: try TestConditions.postgres))
    func anUnknownRunIsExitTwoAndTheListIsServedWithoutThePassword() async throws {
        let server = try PostgresServer.start(password: Self.secret)
        defer { server.stop() }
        try server.createDatabase("reviewcli")
        let url = server.url(database: "reviewcli")
        let unknown = try runSeedance(["review", "--store", url, "--run", "nope"], environment: [:])
        #expect(unknown.status == 2 && unknown.stdout.isEmpty)
        #expect(unknown.stderr.hasPrefix("seedance: postgres://postgres@127.0.0.1:\(server.port)/reviewcli: no run \"nope\""),
                "\(unknown.stderr)")
        #expect(unknown.stderr.split(separator: "\n").count == 1 && !unknown.stderr.contains(Self.secret))
        // A run whose folder is not on this machine (the shared root mounted elsewhere): said, nothing made there.
        _ = try server.psql("INSERT INTO run (id, folder, created_at) VALUES ('away', '/nonexistent/runs/away', 0)",
                            database: "reviewcli")
        let away = try runSeedance(["review", "--store", url, "--run", "away"], environment: [:])
        #expect(away.status == 2 && away.stdout.isEmpty)
        #expect(away.stderr.hasPrefix("seedance: run away lives in /nonexistent/runs/away, which this machine cannot see"),
                "\(away.stderr)")
        #expect(away.stderr.split(separator: "\n").count == 1 && !away.stderr.contains(Self.secret))
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent/runs/away"))

        // No folder and SEEDANCE_STORE set: the store's runs are listed.
        let (process, line) = try startSeedance(["review"], environment: ["SEEDANCE_STORE": url])
        defer {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        #expect(line.range(of: #"^http://127\.0\.0\.1:[0-9]+/\?token=[0-9a-f]{64}$"#, options: .regularExpression) != nil,
                "first line: \(line)")
        let page = try await HTTPClient.shared.execute(HTTPClientRequest(url: line), timeout: .seconds(30))
        #expect(page.status == .ok)
        let html = String(buffer: try await page.body.collect(upTo: 1 << 20))
        #expect(html.contains("<a href=\"/runs/away/\">away</a>") && html.contains("/nonexistent/runs/away"), "\(html)")
        #expect(html.contains("postgres://postgres@127.0.0.1:\(server.port)/reviewcli"), "\(html)")
        #expect(!html.contains(Self.secret) && !line.contains(Self.secret))
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
