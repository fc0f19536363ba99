import CFFmpeg
import Foundation
@testable import Media
import Testing
import TestSupport

/// The encoder: frames and samples in, a faststart H.264/AAC MP4 out, exactly as asked.
@Suite struct ClipWriterTests {
    @Test func framesAndSamplesInExactMP4Out() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("drawn.mp4").path
        let writer = try ClipWriter(path: path, settings: ClipSettings(width: 320, height: 240, frameRate: 24,
                                                                      audio: AudioSettings(sampleRate: 48_000, channels: 2)))
        for index in 0..<48 {
            try writer.appendVideoFrame { planes in planes.fill(y: UInt8(16 + 4 * index)) }
        }
        // Two seconds of a 440 Hz tone in uneven pieces (the writer re-frames them for AAC).
        var written = 0
        for piece in [1000, 30_000, 65_000] {
            let samples = (0..<piece).flatMap { i -> [Float] in
                let v = Float(sin(2 * Double.pi * 440 * Double(written + i) / 48_000) * 0.3)
                return [v, v]
            }
            try writer.appendAudio(interleaved: samples)
            written += piece
        }
        #expect(!FileManager.default.fileExists(atPath: path))   // nothing before finish
        try writer.finish()

        let info = try probe(path)
        let video = try #require(info.video)
        #expect(video.codec == "h264" && video.width == 320 && video.height == 240)
        #expect(video.frameCount == 48 && video.frameRate == Rational(24, 1) && video.pixelFormat == "yuv420p")
        let audio = try #require(info.audio)
        #expect(audio.codec == "aac" && audio.sampleRate == 48_000 && audio.channels == 2)
        #expect(abs((audio.duration ?? 0) - 2.0) < 0.05)
        #expect(info.faststart == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["drawn.mp4"])
        #expect(try lumaOfFrame(path, index: 10) == 56)
    }

    @Test func syntheticClipWithLastFramePNG() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("synthetic.mp4").path
        let png = dir.appendingPathComponent("last.png").path
        let start = Date()
        try renderSyntheticClip(SyntheticClipSpec(width: 1280, height: 720, frameCount: 121, watermark: true,
                                                  variant: 42), to: path, lastFramePNG: png)
        let seconds = Date().timeIntervalSince(start)
        let info = try probe(path)
        #expect(info.video?.width == 1280 && info.video?.height == 720 && info.video?.frameCount == 121)
        #expect(info.audio?.codec == "aac")
        #expect(abs((info.duration ?? 0) - 121.0 / 24) < 0.05)
        let image = try probe(png)
        #expect(image.video?.codec == "png" && image.video?.width == 1280 && image.video?.height == 720)
        #expect(seconds < 10, "a 5 s 720p clip took \(seconds) s")
    }

    @Test func blackAndMuteVariants() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("black.mp4").path
        try renderSyntheticClip(SyntheticClipSpec(width: 160, height: 120, frameCount: 25, picture: .black, sound: nil),
                                to: path)
        let info = try probe(path)
        #expect(info.audio == nil && info.video?.frameCount == 25)
        #expect(try lumaOfFrame(path, index: 12) == 16)
        #expect(throws: MediaError.self) {
            try ClipWriter(path: dir.appendingPathComponent("odd.mp4").path, settings: ClipSettings(width: 161, height: 120))
        }
    }

    /// The mean luma of frame `index`, decoded with the shared primitives.
    private func lumaOfFrame(_ path: String, index: Int) throws -> Int {
        let input = try InputFile(path: path)
        let stream = try #require(input.bestStream(AVMEDIA_TYPE_VIDEO))
        let decoder = try MediaDecoder(input: input, stream: stream)
        let packet = try Packet(), frame = try Frame()
        var seen = 0
        func take() throws -> Int? {
            while try decoder.receive(into: frame) == .produced {
                defer { frame.unref(); seen += 1 }
                if seen == index {
                    let f = frame.pointer.pointee
                    var total = 0
                    for row in 0..<Int(f.height) {
                        for column in 0..<Int(f.width) { total += Int(f.data.0![row * Int(f.linesize.0) + column]) }
                    }
                    return Int((Double(total) / Double(Int(f.width) * Int(f.height))).rounded())
                }
            }
            return nil
        }
        while try input.read(into: packet) {
            if packet.pointer.pointee.stream_index == stream.pointee.index {
                _ = try decoder.send(packet)
                if let value = try take() { return value }
            }
            packet.unref()
        }
        _ = try decoder.send(nil)
        return try #require(try take())
    }
}
