import Dispatch
import Foundation
import Media

/// Checks delivered clips against what was asked: container, codec, geometry, length, frame rate, sound, and
/// content (black, frozen, silent), each a named check with expected and actual values and a verdict.
public enum QA {
    /// The checks every report holds, in this order.
    public static let checkNames = [
        "container", "decode", "video_codec", "pixel_format", "faststart", "geometry", "duration", "frame_rate",
        "time_base", "track_durations", "audio", "black", "frozen", "silence",
    ]

    /// The check a report holds after the others when the expectation names an image the clip starts from.
    public static let continuityCheckName = "continuity"

    /// Probes and decodes `path` and checks it (and, when `expectation.startsFrom` names an image, whether the clip
    /// starts from it: the `continuity` check, last). Blocks the calling thread; throws `MediaError` when the file
    /// or that image cannot be read at all (missing, not media, truncated).
    public static func check(_ path: String, against expectation: Expectation,
                             thresholds: QAThresholds = QAThresholds()) throws -> QAReport {
        try check(path, against: expectation, thresholds: thresholds, decoderThreads: soloDecoderThreads)
    }

    /// Decoder threads for a file checked on its own: one per core. FFmpeg's own choice is one more than the cores,
    /// which oversubscribes them here because the detectors run on the calling thread beside the decoder's: on two
    /// cores a 5 s 720p clip took about a fifth more CPU that way, for the same wall time (`perf stat` of
    /// `seedance verify`, BENCHMARKS.md).
    static var soloDecoderThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// `check` with the decoders' thread count (0: FFmpeg's choice, one per core and one more).
    static func check(_ path: String, against expectation: Expectation, thresholds: QAThresholds,
                      decoderThreads: Int) throws -> QAReport {
        var report = try checkContent(path, against: expectation, thresholds: thresholds,
                                      decoderThreads: decoderThreads)
        if let image = expectation.startsFrom, !report.checks.contains(where: { $0.name == "decode" && $0.verdict == .fail }) {
            report.checks.append(try continuity(of: path, startingFrom: image, thresholds: thresholds))
        }
        return report
    }

    private static func checkContent(_ path: String, against expectation: Expectation,
                                     thresholds: QAThresholds, decoderThreads: Int) throws -> QAReport {
        let info: MediaInfo
        do {
            info = try probe(path)
        } catch let error as MediaError where error.isDamage {
            return undecodable(file: path, info: nil, error: error, expectation: expectation, thresholds: thresholds)
        }
        var options = thresholds.analysisOptions
        options.threads = decoderThreads
        if let video = info.video, video.width * video.height > thresholds.fullSizeAnalysisPixels {
            // 4k pictures: the detectors (and 10-bit to 8-bit conversion) cost as much as decoding; on a quarter
            // of the pixels they find the same black and frozen stretches in ~40% less time (bench-qa.sh).
            options.analysisWidth = video.width / 4
        }
        let content: ContentAnalysis
        do {
            content = try analyzeContent(path, options: options)
        } catch let error as MediaError where error.isDamage {
            return undecodable(file: path, info: info, error: error, expectation: expectation, thresholds: thresholds)
        }
        return evaluate(info: info, content: content, expectation: expectation, thresholds: thresholds)
    }

    /// The report of a file that is MP4 but damaged (truncated, or a packet the decoder rejects): what a paying
    /// user would send back, so a failed `decode` check rather than unreadable input. The checks the container's
    /// own description allows are kept; those that need the decoded pictures and sound are left out.
    static func undecodable(file: String, info: MediaInfo?, error: MediaError, expectation: Expectation,
                            thresholds: QAThresholds) -> QAReport {
        let decode = QACheck(name: "decode", verdict: .fail, expected: "every packet decodes",
                             actual: error.kind == .truncated ? "truncated" : "a packet the decoder rejects",
                             message: { var copy = error; copy.path = nil; return copy.description }())
        guard let info else {
            return QAReport(file: file, checks: [decode], expectation: expectation.summary, notes: expectation.notes)
        }
        let inspection = Inspection(info: info, content: ContentAnalysis(file: file, video: nil, audio: nil),
                                    expectation: expectation, thresholds: thresholds)
        return QAReport(file: file, checks: checks(inspection, decode: decode), expectation: expectation.summary,
                        notes: expectation.notes + ["the content checks (audio level, black, frozen, silence) need "
                                                    + "a file that decodes: not run"])
    }

    /// The checks in `checkNames` order. With a failed `decode` check, those that need the decoded pictures and
    /// sound (audio, black, frozen, silence) are left out.
    private static func checks(_ inspection: Inspection, decode failure: QACheck?) -> [QACheck] {
        let described = [
            inspection.container(), failure ?? inspection.decoded(), inspection.videoCodec(),
            inspection.pixelFormat(), inspection.faststart(), inspection.geometry(), inspection.duration(),
            inspection.frameRate(), inspection.timeBase(), inspection.trackDurations(),
        ]
        guard failure == nil else { return described }
        return described + [inspection.audio(), inspection.black(), inspection.frozen(), inspection.silence()]
    }

    /// Checks several files concurrently, off Swift's cooperative pool; results in the order of `paths`.
    ///
    /// At most `workers` files are open at once (default: one per core), each taken by the next free worker, so
    /// memory stays bounded by the workers however many files there are (a folder of deliveries). With several
    /// files per worker, each file is decoded on one thread: the workers already fill the cores, and a single
    /// decoding thread holds one set of pictures instead of one per frame thread.
    public static func checkAll(_ paths: [String], against expectation: Expectation,
                                thresholds: QAThresholds = QAThresholds(),
                                workers: Int = ProcessInfo.processInfo.activeProcessorCount) async
        -> [Result<QAReport, MediaError>]
    {
        let workers = max(1, min(workers, paths.count))
        let decoderThreads = paths.count > workers ? 1 : soloDecoderThreads
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let slots = Slots(count: paths.count)
                DispatchQueue.concurrentPerform(iterations: workers) { _ in
                    while let i = slots.claim() {
                        let result = Result {
                            try check(paths[i], against: expectation, thresholds: thresholds,
                                      decoderThreads: decoderThreads)
                        }
                        .mapError { error in
                            error as? MediaError ?? MediaError(.io, path: paths[i], operation: "checking",
                                                               reason: String(describing: error))
                        }
                        slots.set(i, result)
                    }
                }
                continuation.resume(returning: slots.values)
            }
        }
    }

    /// Judges probed and analysed facts against an expectation (no I/O: the checks themselves).
    public static func evaluate(info: MediaInfo, content: ContentAnalysis, expectation: Expectation,
                                thresholds: QAThresholds = QAThresholds()) -> QAReport {
        let inspection = Inspection(info: info, content: content, expectation: expectation, thresholds: thresholds)
        return QAReport(file: info.file, checks: checks(inspection, decode: nil), expectation: expectation.summary,
                        notes: expectation.notes)
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
    private var next = 0
    private let lock = NSLock()

    init(count: Int) { results = Array(repeating: nil, count: count) }

    /// The next index no worker has taken, nil when all are taken.
    func claim() -> Int? {
        lock.withLock {
            guard next < results.count else { return nil }
            defer { next += 1 }
            return next
        }
    }

    func set(_ index: Int, _ result: Result<QAReport, MediaError>) { lock.withLock { results[index] = result } }

    var values: [Result<QAReport, MediaError>] {
        lock.withLock {
            results.map { $0 ?? .failure(MediaError(.io, operation: "checking", reason: "not processed")) }
        }
    }
}

extension MediaError {
    /// A file that is media but damaged: cut short, or data the decoder rejects (not a missing or foreign file).
    var isDamage: Bool { kind == .truncated || kind == .decodeFailed }
}

/// Number formats of the messages.
enum Text {
    static func seconds(_ value: Double) -> String { String(format: "%.3f s", value) }

    static func signedSeconds(_ value: Double) -> String { String(format: "%+.3f s", value) }

    /// A frame count, whole (frames are whole; the seconds beside it carry the precision).
    static func frames(_ value: Double) -> String {
        let rounded = Int(value.rounded())
        return "\(rounded)" + (abs(rounded) == 1 ? " frame" : " frames")
    }

    static func decibels(_ value: Double?) -> String {
        guard let value else { return "-inf dBFS" }
        return String(format: "%.1f dBFS", value)
    }

    static func spans(_ spans: [TimeSpan]) -> String {
        spans.isEmpty ? "none" : spans.map(\.description).joined(separator: ", ")
    }
}
