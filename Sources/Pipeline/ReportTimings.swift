import Foundation

/// An attempt's phases from the shot's events: the create (`submittedAt`), the first event in `queued` and in
/// `running`, the move to `downloading` (the task succeeded), the `downloaded` note (the clip is on disk), and the
/// attempt's end (clip checked, or the task's failure).
enum ReportTimings {
    /// The note the runner records when a clip is on disk and its checks start.
    static let downloadedNote = "downloaded, checking"

    /// The phases of an attempt sent at `start` and ended at `end` (nil: still out), from `events` of its shot.
    static func of(attemptFrom start: Double, to end: Double?, events: [EventRecord]) -> RunReport.Timings? {
        let window = events.filter { $0.at >= start && $0.at <= (end ?? .infinity) }
        let running = window.first { $0.state == ShotState.running.rawValue }?.at
        let succeeded = window.first { $0.state == ShotState.downloading.rawValue }?.at
        let downloaded = window.first { $0.detail == downloadedNote }?.at
        func span(_ from: Double?, _ to: Double?) -> Double? {
            guard let from, let to, to >= from else { return nil }
            return to - from
        }
        var timings = RunReport.Timings()
        if let running {
            timings.queued = span(start, running)
            timings.generating = span(running, succeeded ?? end)
        } else {
            // Never seen running (it finished between two polls, or failed in the queue): all of it counts as
            // generating, as the service's clock would.
            timings.generating = span(start, succeeded ?? end)
        }
        if let succeeded {
            timings.downloading = span(succeeded, downloaded ?? end)
            timings.checking = span(downloaded, end)
        }
        timings.total = span(start, end)
        return timings == RunReport.Timings() ? nil : timings
    }
}
