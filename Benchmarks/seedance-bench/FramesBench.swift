import Dispatch
import Foundation
import Media

/// The frames case of seedance-bench: `writeThumbnail` called in-process (what the pipeline does for every clip),
/// timed per call, against the ffmpeg CLI spawned for the same frame (`ffmpeg -ss T -i FILE -frames:v 1 -y out.jpg`).
///
/// Wire it from main.swift as `try FramesBench.run(root: packageRoot, runs: 20)`; it prints one line per case.
enum FramesBench {
    struct Case {
        var name: String
        var file: String
        var time: Double
    }

    static func run(root: URL, runs: Int = 20) throws {
        let fixtures = root.appendingPathComponent("fixtures/probe")
        let cases = [
            Case(name: "720p Seedance-like, poster 0 s", file: fixtures.appendingPathComponent("seedance-720p.mp4").path, time: 0),
            Case(name: "720p Seedance-like, 2.5 s", file: fixtures.appendingPathComponent("seedance-720p.mp4").path, time: 2.5),
            Case(name: "720p Seedance-like, 4.9 s", file: fixtures.appendingPathComponent("seedance-720p.mp4").path, time: 4.9),
            Case(name: "320x240 frame-index, 1.25 s", file: fixtures.appendingPathComponent("frame-index.mp4").path, time: 1.25),
        ]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seedance-bench-frames-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        print("frames: in-process writeThumbnail vs spawned ffmpeg CLI, median of \(runs) runs")
        for c in cases {
            let ours = dir.appendingPathComponent("ours.jpg").path, theirs = dir.appendingPathComponent("ffmpeg.jpg").path
            let inProcess = try median(runs) { try writeThumbnail(of: c.file, at: .seconds(c.time), to: ours) }
            let spawned = try median(runs) {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = ["ffmpeg", "-v", "error", "-ss", String(c.time), "-i", c.file, "-frames:v", "1",
                                     "-y", theirs]
                try process.run()
                process.waitUntilExit()
            }
            let label = c.name.padding(toLength: 32, withPad: " ", startingAt: 0)
            print("  \(label)" + String(format: " in-process %7.1f ms   ffmpeg CLI %7.1f ms   ratio %5.1fx",
                                         inProcess * 1000, spawned * 1000, spawned / inProcess))
        }
    }

    /// The median wall time of `runs` calls of `body`, in seconds, after one warm-up call.
    static func median(_ runs: Int, _ body: () throws -> Void) throws -> Double {
        try body()
        var times: [Double] = []
        for _ in 0..<max(1, runs) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return times.sorted()[times.count / 2]
    }
}
