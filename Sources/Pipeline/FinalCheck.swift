import Foundation
import Media
import QA

/// The joined video as recorded in the run.
struct FinalRecord: Sendable, Hashable, Codable {
    var path: String
    var strategy: String
    var reason: String
    var probe: MediaInfo
    var checks: [QACheck]
    /// The shots joined, in order.
    var shots: [String]? = nil
}

/// Checks of the joined video against its clips: it lasts as long as they do together (within a frame per join),
/// has the first clip's size, has sound if they did, and its tracks end together.
enum FinalCheck {
    static func evaluate(final: MediaInfo, clips: [MediaInfo]) -> [QACheck] {
        var checks: [QACheck] = []
        let expected = clips.compactMap(\.duration).reduce(0, +)
        let actual = final.duration ?? 0
        let joins = max(0, clips.count - 1)
        let tolerance = Double(joins + 1) / 24
        let durationOK = abs(actual - expected) <= tolerance
        checks.append(QACheck(name: "duration", verdict: durationOK ? .pass : .fail,
                              expected: String(format: "%.3f s (sum of %d clips)", expected, clips.count),
                              actual: String(format: "%.3f s", actual),
                              message: durationOK ? "lasts as long as the clips together"
                                  : String(format: "off by %.3f s (allowed %.3f s)", actual - expected, tolerance)))
        if let first = clips.first?.video, let video = final.video {
            let ok = video.displayWidth == first.displayWidth && video.displayHeight == first.displayHeight
            checks.append(QACheck(name: "geometry", verdict: ok ? .pass : .fail,
                                  expected: "\(first.displayWidth)x\(first.displayHeight)",
                                  actual: "\(video.displayWidth)x\(video.displayHeight)",
                                  message: ok ? "the first clip's size" : "not the first clip's size"))
        }
        let wantsAudio = clips.contains { $0.audio != nil }
        let hasAudio = final.audio != nil
        checks.append(QACheck(name: "audio", verdict: wantsAudio == hasAudio ? .pass : .fail,
                              expected: wantsAudio ? "an audio track" : "no audio track",
                              actual: hasAudio ? "an audio track" : "no audio track",
                              message: wantsAudio == hasAudio ? "as the clips" : "differs from the clips"))
        if let v = final.video?.duration, let a = final.audio?.duration {
            let ok = abs(v - a) <= 1.0 / 24 + 0.03
            checks.append(QACheck(name: "track_durations", verdict: ok ? .pass : .fail,
                                  expected: "audio and video end together", actual: String(format: "video %.3f s, audio %.3f s", v, a),
                                  message: ok ? "in sync" : String(format: "tracks differ by %.3f s", v - a)))
        }
        return checks
    }
}
