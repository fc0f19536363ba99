import AsyncHTTPClient
import Foundation
import Media
import SeedanceAPI
import Simulator
import Testing
import TestSupport

/// The life cycle end to end over loopback, with the rendered clips probed.
@Suite struct SimulatorLifecycleTests {
    @Test func clipHasTheDocumentedGeometryFramesAudioAndUsage() async throws {
        try await SimulatorHarness.with { h in
            let request = body(#""resolution":"480p","ratio":"9:16","duration":4,"generate_audio":true,"#
                + #""watermark":true,"return_last_frame":true,"seed":11"#)
            let id = try await h.create(request)
            #expect(id.hasPrefix("cgt-"))
            let task = try await h.waitUntilDone(id)
            #expect(task.status == .succeeded)
            #expect(task.ratio == "9:16" && task.resolution == "480p" && task.duration == 4 && task.seed == 11)
            #expect(task.framesPerSecond == 24)
            #expect(task.usage?.completionTokens == 496 * 864 * 97 / 1024)
            let video = try #require(task.content?.videoURL)
            let (status, path) = try await h.download(video, name: "clip.mp4")
            #expect(status == 200)
            let info = try probe(path)
            let stream = try #require(info.video)
            #expect(stream.codec == "h264" && stream.width == 496 && stream.height == 864)
            #expect(stream.frameCount == 97 && stream.frameRate == Rational(24, 1))
            #expect(info.audio?.codec == "aac" && info.audio?.sampleRate == 44_100)
            // Packaged like a real delivery: moov at the end (SimulatorDeliveryTests checks the rest).
            #expect(info.faststart == false)
            let png = try await h.download(try #require(task.content?.lastFrameURL), name: "last.png")
            #expect(png.status == 200)

            // Downloads resume with a byte range.
            let whole = try Data(contentsOf: URL(fileURLWithPath: path))
            let tail = try await h.send("GET", video, key: nil, headers: ["Range": "bytes=1000-"])
            #expect(tail.status == 206 && tail.body == whole.dropFirst(1000))
            let bad = try await h.send("GET", video, key: nil, headers: ["Range": "bytes=\(whole.count)-"])
            #expect(bad.status == 416)
            #expect(try probe(png.path).video.map { [$0.width, $0.height] } == [496, 864])

            // The same request again is served from the render cache.
            let again = try await h.waitUntilDone(try await h.create(request))
            #expect(again.status == .succeeded)
            let stats = try await h.simulator.stats()
            #expect(stats.createsAccepted == 2 && stats.renders == 1 && stats.cacheHits == 1)
            #expect(stats.downloads == 4)   // clip, PNG, ranged, out-of-range request
        }
    }

    @Test func contentFollowsPromptAndSeed() async throws {
        try await SimulatorHarness.with { h in
            // The media of a clip: its bytes from the first mdat on. What comes before differs per task even for
            // one render, since each task's C2PA manifest names it.
            func clip(_ prompt: String, seed: Int, name: String) async throws -> Data {
                let task = try await h.waitUntilDone(try await h.create(
                    body(#""resolution":"480p","duration":4,"seed":\#(seed)"#, prompt: prompt)))
                let (_, path) = try await h.download(try #require(task.content?.videoURL), name: name)
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                let mdat = try #require(data.range(of: Data("mdat".utf8)))
                return data[(mdat.lowerBound - 4)...]
            }
            let a = try await clip("a heron", seed: 1, name: "a.mp4")
            let b = try await clip("a heron", seed: 2, name: "b.mp4")
            let c = try await clip("a crane", seed: 1, name: "c.mp4")
            let again = try await clip("a heron", seed: 1, name: "again.mp4")
            #expect(a != b && a != c && a == again)
            let stats = try await h.simulator.stats()
            #expect(stats.renders == 3 && stats.cacheHits == 1)
        }
    }

    @Test func portInUseFailsToStartInsteadOfHanging() async throws {
        try await SimulatorHarness.with { h in
            var configuration = SimulatorConfiguration()
            configuration.port = try #require(h.simulator.baseURL.port)
            await #expect(throws: (any Error).self) {
                let second = try await SimulatorServer(configuration: configuration).start()
                await second.stop()
            }
        }
    }

    @Test func seedance1FramesAndNoAudio() async throws {
        try await SimulatorHarness.with { h in
            let id = try await h.create(#"{"model":"doubao-seedance-1-0-lite-t2v-250428","content":[{"type":"text","#
                + #""text":"a fox --rs 480p --rt 21:9"}],"frames":29,"generate_audio":false}"#)
            let task = try await h.waitUntilDone(id)
            #expect(task.status == .succeeded && task.frames == 29 && task.duration == nil)
            #expect(task.resolution == "480p" && task.ratio == "21:9")
            let (_, path) = try await h.download(try #require(task.content?.videoURL), name: "v1.mp4")
            let info = try probe(path)
            #expect(info.video?.width == 960 && info.video?.height == 416 && info.video?.frameCount == 29)
            #expect(info.audio == nil)
        }
    }

    @Test func adaptiveRatioFollowsTheFirstFrameImage() async throws {
        try await SimulatorHarness.with { h in
            // A 600x800 PNG made here: 3:4 is the nearest ratio.
            let clip = h.directory.appendingPathComponent("src.mp4").path
            let png = h.directory.appendingPathComponent("first.png").path
            try renderSyntheticClip(SyntheticClipSpec(width: 600, height: 800, frameCount: 1, sound: nil),
                                    to: clip, lastFramePNG: png)
            let data = try Data(contentsOf: URL(fileURLWithPath: png)).base64EncodedString()
            let request = #"{"model":"doubao-seedance-2-0-260128","content":[{"type":"text","text":"zoom in"},"#
                + #"{"type":"image_url","image_url":{"url":"data:image/png;base64,\#(data)"},"role":"first_frame"}],"#
                + #""resolution":"720p","ratio":"adaptive","duration":4,"generate_audio":false}"#
            let task = try await h.waitUntilDone(try await h.create(request))
            #expect(task.ratio == "3:4")
            let (_, path) = try await h.download(try #require(task.content?.videoURL), name: "adaptive.mp4")
            let info = try probe(path)
            #expect(info.video?.width == 834 && info.video?.height == 1112)
        }
    }

    @Test func callbacksReceiveEveryStatusChange() async throws {
        let url = try await CallbackReceiver.with { receiver in
            try await SimulatorHarness.with { h in
                let id = try await h.create(body(#""duration":4,"resolution":"480p","callback_url":"\#(receiver.url)""#))
                _ = try await h.waitUntilDone(id)
                let deadline = Date().addingTimeInterval(10)
                while await receiver.statuses(of: id).count < 3 && Date() < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(await receiver.statuses(of: id) == ["queued", "running", "succeeded"])
            }
            return receiver.url
        }
        // The receiver was stopped before `with` returned: its port no longer answers.
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        await #expect(throws: (any Error).self) { _ = try await HTTPClient.shared.execute(request, timeout: .seconds(5)) }
    }

    @Test func unfinishedTaskExpires() async throws {
        try await SimulatorHarness.with({ c in
            c.timeScale = 0.0001       // execution_expires_after 3600 s -> 0.36 s
            c.runSeconds = 1_000_000   // never finishes by itself
        }) { h in
            let id = try await h.create(body(#""execution_expires_after":3600,"resolution":"480p","duration":4"#))
            let task = try await h.waitUntilDone(id)
            #expect(task.status == .expired)
        }
    }

    /// The links' clock is the test's: the link expires exactly when the test moves the clock past its lifetime,
    /// however slow the machine (a real 1 s lifetime raced the download on a loaded one).
    @Test func linksExpireAndRereadingGivesAFreshOne() async throws {
        let clock = ManualClock()
        try await SimulatorHarness.with({ c in
            c.linkLifetime = 1_000     // 1 s at 0.001, of the test's clock
            c.linkClock = SimulatorClock { clock.now }
        }) { h in
            let id = try await h.create(body(#""resolution":"480p","duration":4,"generate_audio":false"#))
            let task = try await h.waitUntilDone(id)
            let url = try #require(task.content?.videoURL)
            clock.advance(by: 0.999)
            #expect(try await h.download(url, name: "a.mp4").status == 200, "valid until its lifetime is over")
            clock.advance(by: 0.01)
            let expired = try await h.send("GET", url, key: nil)
            #expect(expired.status == 403)
            #expect(String(decoding: expired.body, as: UTF8.self).contains("AccessDenied"))
            let fresh = try #require(try await h.task(id).content?.videoURL)
            #expect(fresh != url)
            #expect(try await h.download(fresh, name: "b.mp4").status == 200)
            // A tampered link is refused.
            #expect(try await h.send("GET", fresh.replacingOccurrences(of: "signature=", with: "signature=0"),
                                     key: nil).status == 403)
        }
    }
}

/// A clock that moves only when told.
final class ManualClock: Sendable {
    private let current = Locked(Date(timeIntervalSince1970: 1_800_000_000))

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
