import CFFmpeg
import Foundation

/// Turning frames upright from the stream's display matrix, the way the ffmpeg CLI's autorotate does it:
/// the same libavfilter filters for the same matrices, so a phone clip's thumbnail matches `ffmpeg -ss T -i clip`.
enum Autorotation {
    /// The filters (in libavfilter syntax, applied in order) that show frames as the display matrix says;
    /// empty when the frames are already upright.
    static func filters(for matrix: [Int32]?) -> [String] {
        guard let matrix, matrix.count == 9 else { return [] }
        let theta = clockwiseDegrees(matrix)
        if abs(theta - 90) < 1 {
            // A negative x scale on top of the turn (a mirrored selfie clip) needs the flipped variant.
            return [matrix[3] > 0 ? "transpose=cclock_flip" : "transpose=clock"]
        }
        if abs(theta - 180) < 1 {
            var filters: [String] = []
            if matrix[0] < 0 { filters.append("hflip") }
            if matrix[4] < 0 { filters.append("vflip") }
            return filters
        }
        if abs(theta - 270) < 1 {
            return [matrix[3] < 0 ? "transpose=clock_flip" : "transpose=cclock"]
        }
        if abs(theta) > 1 {
            return [String(format: "rotate=%f*PI/180", theta)]
        }
        // No turn, but possibly upside-down rows (a negative y scale).
        return matrix[4] < 0 ? ["vflip"] : []
    }

    /// The clockwise rotation in whole degrees in [0, 360), as ffmpeg's `get_rotation` computes it
    /// (`av_display_rotation_get` is counter-clockwise).
    static func clockwiseDegrees(_ matrix: [Int32]) -> Double {
        let ccw = matrix.withUnsafeBufferPointer { buffer in buffer.baseAddress.map { av_display_rotation_get($0) } ?? 0 }
        guard ccw.isFinite else { return 0 }
        var theta = -ccw.rounded()
        theta -= 360 * (theta / 360 + 0.9 / 360).rounded(.down)
        return theta
    }

    /// Whether the filters swap width and height.
    static func swapsSides(_ filters: [String]) -> Bool {
        filters.filter { $0.hasPrefix("transpose") }.count % 2 == 1
    }
}
