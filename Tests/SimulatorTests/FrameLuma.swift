import CFFmpeg
import Foundation
@testable import Media

/// Luma samples (every 4th pixel of every 4th row) of the given frames, decoded with Media's primitives.
func lumaSamples(of path: String, frames wanted: Set<Int>) throws -> [Int: [UInt8]] {
    let input = try InputFile(path: path)
    guard let stream = input.bestStream(AVMEDIA_TYPE_VIDEO) else { return [:] }
    let decoder = try MediaDecoder(input: input, stream: stream)
    let packet = try Packet(), frame = try Frame()
    var index = 0
    var samples: [Int: [UInt8]] = [:]
    func take() throws {
        while try decoder.receive(into: frame) == .produced {
            defer { frame.unref(); index += 1 }
            guard wanted.contains(index), let luma = frame.pointer.pointee.data.0 else { continue }
            let f = frame.pointer.pointee
            var values: [UInt8] = []
            for row in stride(from: 0, to: Int(f.height), by: 4) {
                let line = luma + row * Int(f.linesize.0)
                for column in stride(from: 0, to: Int(f.width), by: 4) { values.append(line[column]) }
            }
            samples[index] = values
        }
    }
    while try input.read(into: packet) {
        if packet.pointer.pointee.stream_index == stream.pointee.index {
            _ = try decoder.send(packet)
            try take()
        }
        packet.unref()
    }
    _ = try decoder.send(nil)
    try take()
    return samples
}

/// Mean of the samples.
func mean(_ values: [UInt8]) -> Double { Double(values.reduce(0) { $0 + Int($1) }) / Double(max(1, values.count)) }

/// Mean absolute difference between two sample sets of one size.
func difference(_ a: [UInt8], _ b: [UInt8]) -> Double {
    Double(zip(a, b).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(max(1, min(a.count, b.count)))
}
