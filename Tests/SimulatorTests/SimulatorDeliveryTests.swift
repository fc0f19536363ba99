import CFFmpeg
import Foundation
@testable import Media
import SeedanceAPI
@testable import Simulator
import Testing
import TestSupport

/// What the simulator delivers by default: clips packaged like real Seedance 2.0 deliveries, made from the request's
/// images, with a last-frame PNG that has no mark.
@Suite struct SimulatorDeliveryTests {
    /// ffprobe, beside the ffmpeg CLI the other tests use.
    static let ffprobePath = TestConditions.ffprobePath

    static func dataURL(_ path: String) throws -> String {
        "data:image/png;base64," + (try Data(contentsOf: URL(fileURLWithPath: path))).base64EncodedString()
    }

    /// Creates a task, waits for it and downloads its video (and last frame when asked).
    static func deliver(_ h: SimulatorHarness, _ body: String, name: String) async throws
        -> (task: GenerationTask, clip: String, lastFrame: String?)
    {
        let task = try await h.waitUntilDone(try await h.create(body))
        try #require(task.status == .succeeded, "\(task.status)")
        let video = try await h.download(try #require(task.content?.videoURL), name: "\(name).mp4")
        #expect(video.status == 200)
        var last: String?
        if let url = task.content?.lastFrameURL {
            let png = try await h.download(url, name: "\(name).png")
            #expect(png.status == 200)
            last = png.path
        }
        return (task, video.path, last)
    }

    /// The decode timestamp of the first video packet, in the stream's time base.
    static func firstVideoDTS(_ path: String) throws -> Int64? {
        let input = try InputFile(path: path)
        guard let stream = input.bestStream(AVMEDIA_TYPE_VIDEO) else { return nil }
        let packet = try Packet()
        while try input.read(into: packet) {
            defer { packet.unref() }
            if packet.pointer.pointee.stream_index == stream.pointee.index { return packet.pointer.pointee.dts }
        }
        return nil
    }

    @Test(arguments: [("doubao-seedance-2-0-260128", 44_100), ("doubao-seedance-2-0-fast-260128", 32_000)])
    func clipsArePackagedLikeRealDeliveries(_ model: String, _ rate: Int) async throws {
        try await SimulatorHarness.with { h in
            // 4 s: the shortest 2.0 clip still holds two pauses in its speech.
            let body = #"{"model":"\#(model)","content":[{"type":"text","text":"a kite"}],"resolution":"480p","#
                + #""duration":4,"generate_audio":true}"#
            let (_, clip, _) = try await Self.deliver(h, body, name: "clip")
            #expect(TopLevelBoxes(path: clip).boxes.map(\.type) == ["ftyp", "uuid", "free", "mdat", "moov"])
            let info = try probe(clip)
            let video = try #require(info.video), audio = try #require(info.audio)
            #expect(video.codec == "h264" && video.profile == "High" && video.width == 864 && video.height == 496)
            #expect(video.frameCount == 97 && video.timeBase == Rational(1, 12_288) && info.faststart == false)
            #expect(audio.codec == "aac" && audio.profile == "LC" && audio.sampleRate == rate && audio.channels == 2)
            let overhang = (audio.duration ?? 0) - (video.duration ?? 0)
            #expect(overhang >= 0.020 && overhang <= 0.046, "audio runs \(overhang) s past the video")
            // 3 B-frames with a pyramid: the first packet decodes 2 frames (2 x 512 ticks) before it is shown.
            #expect(try Self.firstVideoDTS(clip) == -1024)
            // Speech, not a tone: at least two pauses of digital silence of 0.3-2 s between voiced stretches.
            let sound = try #require(try await analyzeContent(clip).audio)
            let pauses = sound.silent.filter { $0.end - $0.start >= 0.3 && $0.end - $0.start <= 2.05 && $0.start > 0 }
            #expect(pauses.count >= 2, "\(sound.silent)")
        }
    }

    @Test(.enabled(if: try TestConditions.ffprobe, "needs the ffprobe CLI"))
    func ffprobeAgreesOnTheDeliveredShape() async throws {
        let ffprobe = try #require(Self.ffprobePath)
        try await SimulatorHarness.with { h in
            let (_, clip, _) = try await Self.deliver(h, body(#""resolution":"480p","duration":4"#), name: "clip")
            let result = try run(ffprobe, ["-v", "error", "-show_streams", "-show_entries", "packet=dts",
                                           "-read_intervals", "%+#1", "-select_streams", "v", "-of", "json", clip])
            #expect(result.status == 0, "\(result.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let video = try #require((json["streams"] as? [[String: Any]])?.first)
            #expect(video["codec_name"] as? String == "h264" && video["profile"] as? String == "High")
            #expect(video["time_base"] as? String == "1/12288" && (video["has_b_frames"] as? Int ?? 0) >= 1)
            let packets = try #require(json["packets"] as? [[String: Any]])
            #expect(packets.first?["dts"] as? Int == -1024)
            let audio = try run(ffprobe, ["-v", "error", "-select_streams", "a", "-show_entries",
                                          "stream=codec_name,profile,sample_rate,channels", "-of", "csv=p=0", clip])
            #expect(audio.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "aac,LC,44100,2")
        }
    }

    @Test func aFirstFrameImageStartsTheClipWhetherDataURLOrLoopbackLink() async throws {
        try await SimulatorHarness.with { h in
            let garden = FixturePaths.fixture("demo/garden.png")
            let first = #"{"type":"image_url","image_url":{"url":"\#(try Self.dataURL(garden))"},"role":"first_frame"}"#
            let body1 = #"{"model":"doubao-seedance-2-0-260128","content":[{"type":"text","text":"a garden"},\#(first)],"#
                + #""resolution":"480p","ratio":"16:9","duration":4,"return_last_frame":true}"#
            let (task, clip, last) = try await Self.deliver(h, body1, name: "one")
            let fitted = try coverFittedImage(garden, width: 864, height: 496)
            let start = try #require(try extractFrame(from: clip, at: .seconds(0)).lumaPSNR(against: fitted))
            #expect(start >= 35, "\(start) dB")

            // Chained by link: the next task starts from the first one's last_frame_url, fetched on loopback.
            let lastURL = try #require(task.content?.lastFrameURL)
            let linked = #"{"type":"image_url","image_url":{"url":"\#(lastURL)"},"role":"first_frame"}"#
            let body2 = #"{"model":"doubao-seedance-2-0-260128","content":[{"type":"text","text":"more"},\#(linked)],"#
                + #""resolution":"480p","ratio":"16:9","duration":4}"#
            let (_, next, _) = try await Self.deliver(h, body2, name: "two")
            let previous = try coverFittedImage(try #require(last), width: 864, height: 496)
            let joined = try #require(try extractFrame(from: next, at: .seconds(0)).lumaPSNR(against: previous))
            #expect(joined >= 35, "\(joined) dB")
        }
    }

    @Test func theLastFramePNGIsTheDecodedLastFrameWithoutTheMark() async throws {
        try await SimulatorHarness.with { h in
            let fields = #""resolution":"480p","duration":4,"return_last_frame":true"#
            let (_, clip, png) = try await Self.deliver(h, body(fields + #","watermark":true"#), name: "marked")
            let (_, _, plainPNG) = try await Self.deliver(h, body(fields + #","watermark":false"#), name: "plain")
            let mark = WatermarkBox(width: 864, height: 496)
            func level(_ image: VideoImage) -> Double {
                image.meanLevel(x: mark.x + 2, y: mark.y + 2, width: mark.width - 4, height: mark.height - 4)
            }
            let video = try lastFrame(of: clip)
            let marked = try loadImage(try #require(png)), unmarked = try loadImage(try #require(plainPNG))
            #expect(level(video) > 200 && abs(level(marked) - level(unmarked)) < 4,
                    "video \(level(video)), PNG \(level(marked)), unmarked PNG \(level(unmarked))")
            let rows = mark.y / 16 * 16 * 864 * 3
            #expect(marked.rgb.prefix(rows) == video.rgb.prefix(rows), "elsewhere the PNG is the decoded frame")
        }
    }

    @Test func referenceImagesLendTheirColour() async throws {
        try await SimulatorHarness.with { h in
            let garden = FixturePaths.fixture("demo/garden.png")
            let reference = #"{"type":"image_url","image_url":{"url":"\#(try Self.dataURL(garden))"},"#
                + #""role":"reference_image"}"#
            let withReference = #"{"model":"doubao-seedance-2-0-260128","content":[{"type":"text","text":"a kite"},"#
                + #"\#(reference)],"resolution":"480p","duration":4}"#
            let (_, tinted, _) = try await Self.deliver(h, withReference, name: "tinted")
            let (_, plain, _) = try await Self.deliver(h, body(#""resolution":"480p","duration":4"#, prompt: "a kite"),
                                                       name: "plain")
            let colour = try meanColour(ofImage: garden)
            let target = [Double(colour.red), Double(colour.green), Double(colour.blue)]
            func distance(_ path: String) throws -> Double {
                let frame = try extractFrame(from: path, at: .seconds(1))
                var sums = [0.0, 0.0, 0.0]
                for (index, value) in frame.rgb.enumerated() { sums[index % 3] += Double(value) }
                return zip(sums.map { $0 / Double(frame.width * frame.height) }, target)
                    .map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
            }
            #expect(try distance(tinted) < 0.6 * distance(plain), "reference colour \(colour)")
        }
    }

    @Test func fourKIsTenBitH265AndPlainClipsStayAvailable() throws {
        let validation = RequestValidation()
        let request = try GenerationRequest.decode(Data(body(#""resolution":"4k","duration":4"#).utf8))
        let resolved = try validation.validate(request)
        let size = resolved.outputSize(adaptiveSource: nil)
        let real = ClipPlanner.spec(resolved: resolved, size: size, ratio: .r16x9, seed: 1, fault: nil,
                                    realDeliveryOf: request.model)
        #expect(real.coding == .hevcMain10 && real.width == 3840 && real.height == 2160 && real.sound == .speech)
        #expect(real.delivery == .seedance20(fast: false))
        let plain = ClipPlanner.spec(resolved: resolved, size: size, ratio: .r16x9, seed: 1, fault: nil)
        #expect(plain.coding == .h264 && plain.delivery == .plain && plain.sound == .tone)
        #expect(SimulatorConfiguration().realDeliveries)
    }

    /// The whole path once at full size: a 4k task delivers 3840x2160 10-bit H.265 Main 10 (about 20 s to render
    /// in a debug build), with the delivery's packaging.
    @Test func aFourKTaskDeliversTenBitH265() async throws {
        try await SimulatorHarness.with { h in
            let (_, clip, _) = try await Self.deliver(h, body(#""resolution":"4k","duration":4"#), name: "k4")
            let video = try #require(try probe(clip).video)
            #expect(video.codec == "hevc" && video.profile == "Main 10" && video.pixelFormat == "yuv420p10le")
            #expect(video.width == 3840 && video.height == 2160 && video.frameCount == 97)
            #expect(TopLevelBoxes(path: clip).boxes.map(\.type) == ["ftyp", "uuid", "free", "mdat", "moov"])
        }
    }
}
