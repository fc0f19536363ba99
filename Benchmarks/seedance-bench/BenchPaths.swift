import Foundation
import Media

/// Where the benchmark finds its inputs.
enum BenchPaths {
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// The good probe fixtures and every real-world file that probes cleanly.
    static func probeCorpus(root: URL) -> [String] {
        var files = ["seedance-720p.mp4", "seedance-720p-noaudio.mp4", "seedance-480p-9x16.mp4", "phone-rotated.mp4",
                     "moov-at-end.mp4", "frame-index.mp4"].map { root.appendingPathComponent("fixtures/probe/\($0)").path }
        let realworld = root.deletingLastPathComponent().appendingPathComponent("shared/realworld")
        if let names = try? FileManager.default.contentsOfDirectory(atPath: realworld.path) {
            files += names.sorted().map { realworld.appendingPathComponent($0).path }
        }
        return files.filter { (try? probe($0)) != nil }
    }
}

/// Wall-clock timing helpers.
enum Clock {
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Milliseconds per call of `body`, the median of `rounds` rounds of `iterations` calls each.
    static func msPerCall(iterations: Int, rounds: Int = 5, _ body: () -> Void) -> Double {
        var samples: [Double] = []
        for _ in 0..<rounds {
            let start = now()
            for _ in 0..<iterations { body() }
            samples.append(Double(now() - start) / 1e6 / Double(iterations))
        }
        return samples.sorted()[samples.count / 2]
    }

    /// Runs a program to completion, discarding its output; returns its exit status.
    @discardableResult
    static func spawn(_ executable: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The full path of a program on PATH, or nil.
    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
