import CFFmpeg
import Foundation
@testable import Media
import Testing
import TestSupport

/// Decode -> filter -> encode -> mux -> probe with the shared primitives, checking the frames survive exactly.
@Suite struct PrimitivesRoundTripTests {
    @Test func decodeFilterEncodeMuxKeepsEveryFrame() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.mp4").path

        let input = try InputFile(path: FixturePaths.fixture("probe/frame-index.mp4"))
        let stream = try #require(input.bestStream(AVMEDIA_TYPE_VIDEO))
        let decoder = try MediaDecoder(input: input, stream: stream)
        let graph = try FilterGraph(sources: [("in", .of(decoder))], sinks: [("out", true)],
                                    description: "[in]scale=160:120,format=yuv420p[out]")
        let muxer = try OutputFile(path: output)
        let encoder = try MediaEncoder(codecName: "libx264", options: ["preset": "ultrafast", "crf": "0"]) { ctx in
            ctx.pointee.width = 160
            ctx.pointee.height = 120
            ctx.pointee.pix_fmt = AV_PIX_FMT_YUV420P
            ctx.pointee.time_base = graph.timeBase(ofSink: 0)
            ctx.pointee.framerate = AVRational(num: 24, den: 1)
            if muxer.needsGlobalHeader { ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        }
        let outStream = try muxer.addStream(encoder: encoder)
        try muxer.writeHeader()

        let packet = try Packet(), frame = try Frame(), filtered = try Frame(), encoded = try Packet()
        func drainEncoder() throws {
            while try encoder.receive(into: encoded) == .produced {
                av_packet_rescale_ts(encoded.pointer, encoder.context.pointee.time_base, outStream.pointee.time_base)
                encoded.pointer.pointee.stream_index = outStream.pointee.index
                try muxer.write(encoded)
            }
        }
        func drainGraph() throws {
            while try graph.pull(from: 0, into: filtered) == .produced {
                _ = try encoder.send(filtered)
                filtered.unref()
                try drainEncoder()
            }
        }
        func drainDecoder() throws {
            while try decoder.receive(into: frame) == .produced {
                try graph.push(frame, to: 0)
                try drainGraph()
            }
        }
        while try input.read(into: packet) {
            if packet.pointer.pointee.stream_index == stream.pointee.index {
                _ = try decoder.send(packet)
                try drainDecoder()
            }
            packet.unref()
        }
        _ = try decoder.send(nil)
        try drainDecoder()
        try graph.push(nil, to: 0)
        try drainGraph()
        _ = try encoder.send(nil)
        try drainEncoder()
        try muxer.finish()

        let info = try probe(output)
        let video = try #require(info.video)
        #expect(video.width == 160 && video.height == 120)
        #expect(video.frameCount == 48)
        #expect(info.faststart == true)
        // No temporary file is left beside the output.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.mp4"])
    }

    @Test func unfinishedOutputLeavesNothingBehind() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let muxer = try OutputFile(path: dir.appendingPathComponent("never.mp4").path)
            _ = muxer
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
