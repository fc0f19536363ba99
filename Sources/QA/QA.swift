import Dispatch
import Foundation
import Media

/// Checks delivered clips against what was asked: container, codec, geometry, length, frame rate, sound, and
/// content (black, frozen, silent), each a named check with expected and actual values and a verdict.
public enum QA {
    /// The checks every report holds, in this order.
    public static let checkNames = [
        "container", "video_codec", "pixel_format", "faststart", "geometry", "duration", "frame_rate",
        "track_durations", "audio", "black", "frozen", "silence",
    ]

    /// Probes and decodes `path` and checks it. Blocks the calling thread; throws `MediaError` when the file
    /// cannot be read at all (missing, not media, truncated).
    public static func check(_ path: String, against expectation: Expectation,
                             thresholds: QAThresholds = QAThresholds()) throws -> QAReport {
        let info = try probe(path)
        let content = try analyzeContent(path, options: thresholds.analysisOptions)
        return evaluate(info: info, content: content, expectation: expectation, thresholds: thresholds)
    }

    /// Checks several files concurrently, off Swift's cooperative pool; results in the order of `paths`.
    public static func checkAll(_ paths: [String], against expectation: Expectation,
                                thresholds: QAThresholds = QAThresholds()) async -> [Result<QAReport, MediaError>] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let slots = Slots(count: paths.count)
                DispatchQueue.concurrentPerform(iterations: paths.count) { i in
                    let result = Result { try check(paths[i], against: expectation, thresholds: thresholds) }
                        .mapError { error in
                            error as? MediaError ?? MediaError(.io, path: paths[i], operation: "checking",
                                                               reason: String(describing: error))
                        }
                    slots.set(i, result)
                }
                continuation.resume(returning: slots.values)
            }
        }
    }

    /// Judges probed and analysed facts against an expectation (no I/O: the checks themselves).
    public static func evaluate(info: MediaInfo, content: ContentAnalysis, expectation: Expectation,
                                thresholds: QAThresholds = QAThresholds()) -> QAReport {
        let inspection = Inspection(info: info, content: content, expectation: expectation, thresholds: thresholds)
        let checks = [
            inspection.container(), inspection.videoCodec(), inspection.pixelFormat(), inspection.faststart(),
            inspection.geometry(), inspection.duration(), inspection.frameRate(), inspection.trackDurations(),
            inspection.audio(), inspection.black(), inspection.frozen(), inspection.silence(),
        ]
        return QAReport(file: info.file, checks: checks, expectation: expectation.summary, notes: expectation.notes)
    }
}

/// The facts about one file and what they are judged against; each check is a method in `Inspection+*.swift`.
struct Inspection {
    let info: MediaInfo
    let content: ContentAnalysis
    let expectation: Expectation
    let thresholds: QAThresholds

    /// Seconds of one frame at the expected rate.
    var frameDuration: Double { 1 / Double(expectation.framesPerSecond) }

    func check(_ name: String, _ verdict: Verdict, expected: String, actual: String, _ message: String) -> QACheck {
        QACheck(name: name, verdict: verdict, expected: expected, actual: actual, message: message)
    }
}

/// Result slots written by concurrent workers, one slot each.
private final class Slots: @unchecked Sendable {
    private var results: [Result<QAReport, MediaError>?]
    private let lock = NSLock()

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<QAReport, MediaError>) { lock.withLock { results[index] = result } }

    var values: [Result<QAReport, MediaError>] {
        lock.withLock {
            results.map { $0 ?? .failure(MediaError(.io, operation: "checking", reason: "not processed")) }
        }
    }
}

/// Number formats of the messages.
enum Text {
    static func seconds(_ value: Double) -> String { String(format: "%.3f s", value) }

    static func signedSeconds(_ value: Double) -> String { String(format: "%+.3f s", value) }

    static func frames(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        let text = rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
        return text + (abs(rounded) == 1 ? " frame" : " frames")
    }

    static func decibels(_ value: Double?) -> String {
        guard let value else { return "-inf dBFS" }
        return String(format: "%.1f dBFS", value)
    }

    static func spans(_ spans: [TimeSpan]) -> String {
        spans.isEmpty ? "none" : spans.map(\.description).joined(separator: ", ")
    }
}
