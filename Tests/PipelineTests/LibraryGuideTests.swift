import Foundation
import Logging
import Media
import Pipeline
import QA
import SeedanceAPI
import Simulator
import Testing
import TestSupport

/// The code of the libraries' DocC articles and docs/library.md, run for real: an article whose example stops
/// compiling or stops doing what it says fails here.
@Suite(.serialized) struct LibraryGuideTests {
    /// Media.docc/ReadingAndCuttingClips.md.
    @Test func mediaArticle() throws {
        let folder = try FixturePaths.temporaryDirectory("library-media")
        defer { try? FileManager.default.removeItem(at: folder) }
        let clip = FixturePaths.fixture("qa/good-720p-5s.mp4")

        let info = try probe(clip)
        #expect(info.video?.width == 1280 && info.video?.height == 720)
        #expect(info.video?.frameCount == 121)
        #expect(info.audio?.codec == "aac")

        let poster = folder.appendingPathComponent("poster.jpg").path
        let still = try writeThumbnail(of: clip, at: .seconds(2.5), to: poster)
        #expect(try probe(still.file).video?.width == 1280)

        let sheet = folder.appendingPathComponent("sheet.jpg").path
        let grid = try writeContactSheet(of: clip, to: sheet, options: ContactSheetOptions(count: 6, tileWidth: 160))
        #expect(try probe(grid.file).video?.width ?? 0 > 160 * 2)

        let joined = folder.appendingPathComponent("joined.mp4").path
        let summary = try concatenate([clip, clip], to: joined)
        #expect(summary.videoFrames == 242)
        #expect(try probe(joined).video?.frameCount == 242)
    }

    /// QA.docc/CheckingADeliveredClip.md.
    @Test func qaArticle() throws {
        let expectation = try Expectation.fromFlags(model: nil, resolution: "720p", ratio: "16:9", duration: 5,
                                                    generateAudio: true)
        let good = try QA.check(FixturePaths.fixture("qa/good-720p-5s.mp4"), against: expectation)
        #expect(good.passed, "\(good.failures)")
        let black = try QA.check(FixturePaths.fixture("qa/black-end.mp4"), against: expectation)
        #expect(!black.passed)
        #expect(black.failures.map(\.name).contains("black"))
    }

    /// SeedanceAPI.docc/SubmittingAndWaiting.md and Simulator.docc/TestingOffline.md.
    @Test func clientAndSimulatorArticles() async throws {
        var settings = SimulatorConfiguration()
        settings.apiKey = "any-key-for-tests"
        settings.timeScale = 0.01
        settings.dataDirectory = try FixturePaths.temporaryDirectory("library-simulator")
        #expect(try FaultPlan(spec: "seed=7,500=0.2,truncate=0.1,black=0.2") != FaultPlan())
        var quiet = Logger(label: "docs")
        quiet.logLevel = .critical
        let simulator = try await SimulatorServer(configuration: settings, logger: quiet).start()
        let folder = try FixturePaths.temporaryDirectory("library-client")
        let client = Client(configuration: ClientConfiguration(baseURL: simulator.baseURL,
                                                               apiKey: APIKey("any-key-for-tests")),
                            logger: quiet)
        do {
            let request = GenerationRequest(model: "doubao-seedance-2-0-260128",
                                            content: [.text("A puppy in a party hat")],
                                            generateAudio: true, resolution: .p480, ratio: .r16x9, duration: 4)
            let created = try await client.create(request)
            let task = try await client.wait(for: created.id)
            #expect(task.status == .succeeded)
            let clip = try await client.download(created.id, to: folder.appendingPathComponent("puppy.mp4"))
            #expect(try probe(clip.path).video?.frameCount == 97)
            #expect(task.usage?.completionTokens ?? 0 > 0)
        } catch {
            try? await client.shutdown()
            await simulator.stop()
            throw error
        }
        try await client.shutdown()
        await simulator.stop()
        try? FileManager.default.removeItem(at: folder)
        try? FileManager.default.removeItem(at: settings.dataDirectory!)
    }

    /// Pipeline.docc/RunningAPlan.md.
    @Test func pipelineArticle() async throws {
        try await SimulatorHarness.with { harness in
            let planFile = try harness.writePlan("""
                defaults: {resolution: 480p, ratio: "16:9", duration: 4}
                shots:
                  - {id: arrive, prompt: a puppy walks into a room}
                  - {id: cake, prompt: the puppy eats cake, first_frame: previous}
                """)
            let plan = try PlanLoader.load(path: planFile)
            var configuration = harness.configuration("edit")
            configuration.maxRegenerations = 1
            let runner = try await PipelineRunner(plan: plan, planFile: planFile, configuration: configuration,
                                                  service: ClientService(client: harness.client),
                                                  logger: SimulatorHarness.quietLogger("docs"))
            let summary = try await runner.run()
            #expect(summary.done == 2 && summary.failed == 0)
            let final = try #require(summary.finalVideo)
            #expect(try probe(final).video?.frameCount == 2 * 97)
            let written = try await ReportWriter.forRun(directory: summary.directory).write()
            #expect(FileManager.default.fileExists(atPath: written.html))
        }
    }
}
