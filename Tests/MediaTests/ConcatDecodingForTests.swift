import CFFmpeg
import Foundation
@testable import Media

/// What a test learns by decoding a file completely with the Media primitives.
struct DecodedMedia {
    /// Per video frame in presentation order: the frame-index fixtures' N (from the centre pixel's luma 16 + 4N).
    var frameIndices: [Int] = []
    /// Per video frame: the luma at (4, height/2), near the left edge (black when the clip was padded).
    var leftEdgeLuma: [Int] = []
    /// Per video frame: the centre pixel's luma.
    var centreLuma: [Int] = []
    /// Per video frame: presentation time in seconds.
    var frameTimes: [Double] = []
    /// Width and height of the decoded frames.
    var width = 0, height = 0
    /// Decoded audio, first channel, as float samples.
    var audio: [Float] = []
    var sampleRate = 0
    var channels = 0
}

enum ConcatDecoding {
    /// Decodes every video and audio packet of `path` (the best streams) to the end.
    static func decode(_ path: String) throws -> DecodedMedia {
        let input = try InputFile(path: path)
        var result = DecodedMedia()
        let videoStream = input.bestStream(AVMEDIA_TYPE_VIDEO)
        let audioStream = input.bestStream(AVMEDIA_TYPE_AUDIO)
        // One thread: FFmpeg's warnings then come from the calling thread, where a scoped capture sees them.
        let video = try videoStream.map { try MediaDecoder(input: input, stream: $0, threads: 1) }
        let audio = try audioStream.map { try MediaDecoder(input: input, stream: $0, threads: 1) }
        let packet = try Packet(), frame = try Frame()
        var videoFrames: [(pts: Int64, index: Int, edge: Int, centre: Int)] = []

        func takeVideo() throws {
            guard let video, let stream = videoStream else { return }
            while try video.receive(into: frame) == .produced {
                let f = frame.pointer.pointee
                result.width = Int(f.width)
                result.height = Int(f.height)
                guard let plane = f.data.0 else { continue }
                let stride = Int(f.linesize.0)
                let centre = Int(plane[(Int(f.height) / 2) * stride + Int(f.width) / 2])
                let edge = Int(plane[(Int(f.height) / 2) * stride + 4])
                let index = Int((Double(centre - 16) / 4).rounded())
                videoFrames.append((f.best_effort_timestamp, index, edge, centre))
                _ = stream
                frame.unref()
            }
        }
        func takeAudio() throws {
            guard let audio else { return }
            while try audio.receive(into: frame) == .produced {
                let f = frame.pointer.pointee
                result.sampleRate = Int(f.sample_rate)
                result.channels = Int(f.ch_layout.nb_channels)
                // AAC decodes to planar float: plane 0 is the first channel.
                if f.format == AV_SAMPLE_FMT_FLTP.rawValue, let plane = f.extended_data?[0] {
                    plane.withMemoryRebound(to: Float.self, capacity: Int(f.nb_samples)) { samples in
                        result.audio.append(contentsOf: UnsafeBufferPointer(start: samples, count: Int(f.nb_samples)))
                    }
                }
                frame.unref()
            }
        }
        while try input.read(into: packet) {
            let index = packet.pointer.pointee.stream_index
            if let video, index == video.stream.pointee.index {
                _ = try video.send(packet)
                try takeVideo()
            } else if let audio, index == audio.stream.pointee.index {
                _ = try audio.send(packet)
                try takeAudio()
            }
            packet.unref()
        }
        if let video { _ = try video.send(nil); try takeVideo() }
        if let audio { _ = try audio.send(nil); try takeAudio() }
        videoFrames.sort { $0.pts < $1.pts }
        result.frameIndices = videoFrames.map(\.index)
        result.leftEdgeLuma = videoFrames.map(\.edge)
        result.centreLuma = videoFrames.map(\.centre)
        if let stream = videoStream {
            result.frameTimes = videoFrames.map { Double($0.pts) * av_q2d(stream.pointee.time_base) }
        }
        return result
    }
}
