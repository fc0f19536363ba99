import Foundation
import Media

/// `seedance-bench leaks [--iterations N]`: probe, thumbnail and the decoding half of verify (`analyzeContent`;
/// QA's `evaluate` is pure arithmetic on its result), plus probes of broken files (the error paths), N times in one
/// process, printing the resident set size at intervals. Flat figures after warm-up mean nothing is kept per call.
struct LeaksBench {
    let root: URL
    let iterations: Int

    /// Resident set size in KiB, from /proc/self/statm (Linux); 0 elsewhere.
    static func residentKiB() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
    }

    func run() {
        let clip = root.appendingPathComponent("fixtures/probe/frame-index.mp4").path
        let broken = ["truncated-download.mp4", "html-error-page.mp4", "empty.mp4"]
            .map { root.appendingPathComponent("fixtures/probe/\($0)").path }
        let out = NSTemporaryDirectory() + "seedance-leaks-\(getpid()).jpg"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let every = max(1, iterations / 20)
        var failures = 0
        print("leaks: \(iterations) iterations of probe + thumbnail + analyzeContent on \(clip), + 1 broken-file probe each")
        print("    iter    rss_kib        s")
        let start = Date()
        for i in 0...iterations {
            if i % every == 0 || i == iterations {
                print(String(format: "%8d %10d %8.1f", i, Self.residentKiB(), Date().timeIntervalSince(start)))
                fflush(nil)  // all streams: the figures show up live when piped
            }
            if i == iterations { break }
            do {
                do {
                    _ = try probe(clip)
                    _ = try writeThumbnail(of: clip, at: .seconds(Double(i % 40) / 24), to: out)
                    _ = try analyzeContent(clip)
                } catch {
                    failures += 1
                }
                _ = try? probe(broken[i % broken.count])
            }
        }
        print("leaks: done, \(failures) unexpected failures")
    }
}
