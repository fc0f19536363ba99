import Dispatch
import Media

/// The QA content pass in-process: probe, then one decode of the clip through blackdetect, freezedetect,
/// silencedetect and astats (what `seedance verify` does per file), in a few configurations. Best and median of
/// `runs` wall-clock times in milliseconds, one line per configuration. The lead wires it into `main.swift`
/// (`print(ContentAnalysisBench.run(path: "fixtures/probe/seedance-720p.mp4"))`).
enum ContentAnalysisBench {
    static func run(path: String, runs: Int = 15) throws -> String {
        var scaled = ContentAnalysisOptions()
        scaled.analysisWidth = 320
        var oneThread = ContentAnalysisOptions()
        oneThread.threads = 1
        var videoOnly = ContentAnalysisOptions()
        videoOnly.audio = false
        let cases: [(String, () throws -> Void)] = [
            ("probe", { _ = try probe(path) }),
            ("probe + analyzeContent (verify's work)", { _ = try probe(path); _ = try analyzeContent(path) }),
            ("analyzeContent, scaled to 320 wide", { _ = try analyzeContent(path, options: scaled) }),
            ("analyzeContent, 1 decoder thread", { _ = try analyzeContent(path, options: oneThread) }),
            ("analyzeContent, video only", { _ = try analyzeContent(path, options: videoOnly) }),
        ]
        var lines: [String] = []
        for (label, body) in cases {
            try body() // warm-up: page cache, codec tables
            var times: [Double] = []
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                try body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            times.sort()
            let line = "\(label): best \(format(times[0])) ms, median \(format(times[times.count / 2])) ms (n=\(runs))"
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    private static func format(_ value: Double) -> String { String((value * 10).rounded() / 10) }
}
