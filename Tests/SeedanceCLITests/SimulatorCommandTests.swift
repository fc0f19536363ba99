import AsyncHTTPClient
import Foundation
import Testing
import TestSupport

/// `seedance simulator`: prints its base URL when ready, serves, stops cleanly on SIGTERM and SIGINT.
@Suite struct SimulatorCommandTests {
    /// Starts the command and returns the process and the first stdout line.
    private func start(_ arguments: [String]) throws -> (Process, String) {
        let (process, line) = try startSeedance(["simulator"] + arguments)
        return (process, line.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func printsTheBaseURLServesAndStopsOnSignal(signal: Int32) async throws {
        let (process, line) = try start(["--port", "0", "--time-scale", "0.001"])
        defer { if process.isRunning { process.terminate() } }
        #expect(line.wholeMatch(of: /http:\/\/127\.0\.0\.1:\d+\/api\/v3/) != nil, "got \(line)")
        let stats = try #require(URL(string: line.replacingOccurrences(of: "/api/v3", with: "/_simulator/stats")))
        // AsyncHTTPClient, like the client: URLSession's curl handles leak under LeakSanitizer.
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: stats.absoluteString),
                                                           timeout: .seconds(10))
        #expect(response.status.code == 200)
        let body = try await response.body.collect(upTo: 1 << 20)
        #expect(String(decoding: body.readableBytesView, as: UTF8.self).contains("creates_accepted"))
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    /// A child that prints nothing cannot hang the test that starts it: the wait for its first line ends at the
    /// deadline.
    @Test func aSilentChildDoesNotHangTheStart() throws {
        let started = Date()
        let (process, line) = try startServer("/usr/bin/sleep", ["30"], timeout: 1)
        defer {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        #expect(line.isEmpty)
        #expect(Date().timeIntervalSince(started) < 10, "gave up at the deadline, not when the child ended")
        #expect(process.isRunning)
    }

    @Test func badFaultSpecIsAUsageError() throws {
        let result = try runSeedance(["simulator", "--faults", "explode=0.5"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("explode"))
    }

    @Test func helpDocumentsTheFaultSyntax() throws {
        let result = try runSeedance(["simulator", "--help"])
        #expect(result.status == 0)
        for word in ["--faults", "wrong-size", "seed=N", "--time-scale", "/api/v3"] {
            #expect(result.stdout.contains(word), "help lacks \(word)")
        }
    }

    @Test func rateWindowShortensTheLimitsMinute() async throws {
        let (process, line) = try start(["--port", "0", "--time-scale", "0.001", "--max-running", "1",
                                            "--rpm", "1", "--rate-window", "2.5"])
        defer {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        let tasks = try #require(URL(string: line + "/contents/generations/tasks"))
        func create(_ prompt: String) async throws -> (status: Int, body: String) {
            var request = HTTPClientRequest(url: tasks.absoluteString)
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer any")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(Array(#"{"model":"doubao-seedance-2-0-260128","content":[{"type":"text","text":"\#(prompt)"}]}"#.utf8))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), String(decoding: body.readableBytesView, as: UTF8.self))
        }
        #expect(try await create("a").status == 200)
        let refused = try await create("b")
        #expect(refused.status == 429 && refused.body.contains("exceeded 1 requests per 2.5 seconds"), "\(refused)")
    }

    @Test func rateWindowMustBePositive() throws {
        let result = try runSeedance(["simulator", "--rate-window", "0"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--rate-window"))
        #expect(try runSeedance(["simulator", "--help"]).stdout.contains("--rate-window"))
    }
}
