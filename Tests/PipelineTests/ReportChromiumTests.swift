import Foundation
import Hummingbird
import Logging
import Media
import Pipeline
import Testing
import TestSupport

/// The report page as a producer opens it: a real run through the simulator (a chained shot, a shot regenerated
/// after failing QA, a 4k HEVC clip), served from its folder on loopback and loaded in headless Chromium at phone
/// width. A script injected into a copy of the page checks every image, player and local link and the page width.
@Suite(.serialized, .enabled(if: try TestConditions.chromium)) struct ReportChromiumTests {
    static let plan = """
        name: report check
        defaults: {resolution: 480p, ratio: "16:9", duration: 4, audio: true}
        prices: {doubao-seedance-2-0: "USD 7.00"}
        shots:
          - id: opening
            prompt: a puppy walks into a room
            images: [{path: party-room.png, role: first_frame}]
          - id: chained
            prompt: the puppy eats cake
            first_frame: previous
          - id: garden
            prompt: the puppy runs in the garden
            images: [{path: garden.png, role: reference_image}]
        """

    var logger: Logger { SimulatorHarness.quietLogger("test.report") }

    @Test func theReportLoadsEveryResourceAndFitsAPhone() async throws {
        // Seed 3: the first black-clip draw hits, so some shot's first clip fails QA and is made again.
        try await SimulatorHarness.with(faults: "seed=3,black=0.5") { harness in
            let planPath = try harness.writePlan(Self.plan)
            var configuration = harness.configuration("review")
            configuration.maxRegenerations = 4
            let runner = try await PipelineRunner(plan: try PlanLoader.load(path: planPath), planFile: planPath,
                                                  configuration: configuration, service: harness.service, logger: logger)
            let summary = try await runner.run()
            #expect(summary.done == 3)
            let layout = try RunLayout(directory: configuration.outputDirectory)

            // A 4k HEVC delivery stands in for the garden shot's clip (the simulator renders H.264).
            let store = try SQLiteJobStore(path: layout.state, readOnly: true)
            let garden = try #require(try await store.shot("garden"))
            let accepted = try #require(try await store.attempts(shotID: "garden").last { $0.state == .succeeded })
            let attemptClip = layout.absolute(try #require(accepted.clipPath))
            let hevc = FixturePaths.fixtures.appendingPathComponent("realworld/android-hevc-rot90-mett-track-first.mp4").path
            try FileManager.default.removeItem(atPath: attemptClip)
            try FileManager.default.copyItem(atPath: hevc, toPath: attemptClip)
            let shotClip = layout.absolute(try #require(garden.clipPath))
            try FileManager.default.removeItem(atPath: shotClip)
            try FileManager.default.linkItem(atPath: attemptClip, toPath: shotClip)

            let paths = try await ReportWriter.forRun(directory: layout.directory).write()
            let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: paths.json)))

            // The data: a rejected attempt kept with its clip, the chain, the inputs, the preview, money that adds up.
            let rejected = report.shots.flatMap(\.attempts).filter { $0.state == "rejected" }
            #expect(!rejected.isEmpty, "a clip failed QA and was made again")
            #expect(rejected.allSatisfy { $0.clip.map { FileManager.default.fileExists(atPath: layout.absolute($0)) } == true })
            let chained = try #require(report.shots.first { $0.id == "chained" })
            #expect(chained.chainedFrom == "opening" && chained.chainedImage == "thumbs/opening-last.png")
            // The join side by side: the chained clip's own first frame, at the clip's size, and the check's verdict.
            let firstFrame = try probe(layout.absolute(try #require(chained.firstFrame)))
            let chainedClip = try probe(layout.absolute(try #require(chained.clip)))
            #expect(firstFrame.video?.width == chainedClip.video?.width)
            #expect(chained.qa?.checks.contains { $0.name == "continuity" && $0.verdict == .pass } == true)
            let gardenShot = try #require(report.shots.first { $0.id == "garden" })
            #expect(gardenShot.clipCodec == "hevc")
            let preview = try probe(layout.absolute(try #require(gardenShot.clipPreview)))
            #expect(preview.video?.codec == "h264" && preview.video?.displayWidth == 640)
            #expect(gardenShot.inputs?.first?.file == "inputs/garden-1.png")
            let totals = report.totals
            #expect(totals.acceptedTokens.map { $0 + (totals.retryTokens ?? -1) } == totals.tokens)
            #expect((totals.retryTokens ?? 0) > 0, "the rejected attempt was billed")
            let money = try #require(totals.money?.first)
            #expect(money.currency == "USD")
            #expect(abs(money.billed - Double(totals.tokens) * 7 / 1_000_000) < 1e-9)
            #expect(abs(money.accepted + money.retries - money.billed) < 1e-9)
            let timings = try #require(report.shots.first?.attempts.last?.timings)
            #expect(timings.downloading != nil && timings.checking != nil && timings.total != nil)

            // The page, in Chromium at 375 px.
            let html = try String(contentsOfFile: paths.html, encoding: .utf8)
            #expect(!html.contains(SimulatorHarness.apiKey))
            #expect(html.contains("queued") && html.contains("generating") && html.contains("checking"))
            #expect(html.contains("USD"))
            #expect(html.contains("Join with opening") && html.contains("thumbs/chained-first.png"))
            let checked = html.replacingOccurrences(of: "</body>", with: "<script>\(Self.checkScript)</script></body>")
            try checked.write(toFile: layout.absolute("report-check.html"), atomically: true, encoding: .utf8)
            // Headless Chromium's window is at least 500 px wide: the page is measured in a 375 px frame.
            try Self.phoneFrame.write(toFile: layout.absolute("report-phone.html"), atomically: true, encoding: .utf8)
            let verdict = try await Self.servingFolder(layout.directory) { base in
                try await Self.chromiumVerdict(url: "\(base)/report-phone.html", width: 500)
            }
            let checkedPage = try #require(verdict, "the check script ran")
            #expect(checkedPage.broken == [], "broken resources: \(checkedPage)")
            #expect(checkedPage.images >= 9 && checkedPage.videos >= 4 && checkedPage.links >= 10, "\(checkedPage)")
            #expect(checkedPage.innerWidth == 375 && checkedPage.scrollWidth <= 375, "the page overflows at phone width: \(checkedPage)")
        }
    }

    /// A page holding the report in a frame as wide as a phone.
    static let phoneFrame = """
        <!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0}</style></head><body>
        <iframe src="report-check.html" style="width:375px;height:800px;border:0;display:block"></iframe></body></html>
        """

    /// Runs in the page on load: waits for every image and player, asks every local link with HEAD, measures the
    /// page width, and writes the verdict as JSON into `<pre id="verdict">`.
    static let checkScript = """
        window.addEventListener('load', async () => {
          const broken = [];
          const imgs = [...document.images];
          imgs.forEach(i => { i.loading = 'eager'; });
          await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => { i.onload = r; i.onerror = r; })));
          imgs.forEach(i => { if (!(i.naturalWidth > 0)) broken.push('img ' + i.getAttribute('src')); });
          const videos = [...document.querySelectorAll('video')];
          await Promise.all(videos.map(v => v.readyState >= 1 || v.error ? null : new Promise(r => {
            v.addEventListener('loadedmetadata', r); v.addEventListener('error', r); setTimeout(r, 8000); v.load();
          })));
          videos.forEach(v => { if (v.readyState < 1 || v.error) broken.push('video ' + v.getAttribute('src') + ' state ' + v.readyState + (v.error ? ' error ' + v.error.code : '')); });
          const links = [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')).filter(h => !/^[a-z]+:/i.test(h) && !h.startsWith('#'));
          for (const href of links) {
            try { const r = await fetch(href, {method: 'HEAD'}); if (!r.ok) broken.push('link ' + href + ' ' + r.status); }
            catch (e) { broken.push('link ' + href + ' ' + e); }
          }
          const out = document.createElement('pre');
          out.id = 'verdict';
          out.textContent = JSON.stringify({done: true, broken, images: imgs.length, videos: videos.length, links: links.length,
            scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth});
          // In the phone frame the verdict goes to the top page, the one Chromium dumps (same origin).
          (window.parent || window).document.body.appendChild(out);
        });
        """

    /// What the check script found.
    struct Verdict: Codable, Sendable {
        var broken: [String]
        var images: Int
        var videos: Int
        var links: Int
        var scrollWidth: Int
        var innerWidth: Int
    }

    /// Loads `url` in headless Chromium at `width` px and returns the verdict the check script wrote (nil: none,
    /// the script did not finish; Chromium's output is printed).
    static func chromiumVerdict(url: String, width: Int) async throws -> Verdict? {
        let profile = try FixturePaths.temporaryDirectory("chromium")
        defer { try? FileManager.default.removeItem(at: profile) }
        let arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)",
                         "--window-size=\(width),800", "--hide-scrollbars", "--mute-audio",
                         "--virtual-time-budget=15000", "--dump-dom", url]
        // Chromium runs for seconds: off the cooperative pool, so the file server keeps answering.
        let result = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<RunResult, any Error>) in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try run(TestConditions.chromiumPath, arguments) })
            }
        }
        guard let start = result.stdout.range(of: "<pre id=\"verdict\">"),
              let end = result.stdout.range(of: "</pre>", range: start.upperBound..<result.stdout.endIndex) else {
            print("chromium wrote no verdict; stderr: \(result.stderr.suffix(2000))")
            return nil
        }
        let text = String(result.stdout[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        return try JSONDecoder().decode(Verdict.self, from: Data(text.utf8))
    }

    /// Serves `folder` over HTTP on a free loopback port while `body` runs (Hummingbird's file middleware).
    static func servingFolder<T: Sendable>(_ folder: String, _ body: (String) async throws -> T) async throws -> T {
        let router = Router()
        router.middlewares.add(FileMiddleware(folder, searchForIndexHtml: false))
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in
                                  readyContinuation.yield(channel.localAddress?.port ?? 0)
                                  readyContinuation.finish()
                              },
                              logger: SimulatorHarness.quietLogger("test.files"))
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { server.cancel() }
        var port = 0
        for await bound in ready { port = bound; break }
        #expect(port > 0)
        let result = try await body("http://127.0.0.1:\(port)")
        server.cancel()
        _ = await server.result
        return result
    }
}
