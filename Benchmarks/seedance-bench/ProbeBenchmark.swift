import Foundation
import Media

/// Probe: seedance in-process against one `ffprobe -show_format -show_streams -of json` process per file and
/// against PyAV (`av.open` + stream properties, in-process in Python), same files, same run.
struct ProbeBenchmark {
    let files: [String]
    let iterations: Int

    func run() {
        print("== probe: \(files.count) files, median of 5 rounds")
        if CommandLine.arguments.contains("--per-file") {
            for file in files {
                let ms = Clock.msPerCall(iterations: max(1, iterations / 4)) { _ = try? probe(file) }
                print(String(format: "  %8.3f ms  %@", ms, (file as NSString).lastPathComponent))
            }
        }
        let ours = Clock.msPerCall(iterations: iterations) {
            for file in files { _ = try? probe(file) }
        } / Double(files.count)

        var ffprobe: Double?
        if let tool = Clock.which("ffprobe") {
            let spawnIterations = max(1, iterations / 10)
            ffprobe = Clock.msPerCall(iterations: spawnIterations, rounds: 3) {
                for file in files {
                    Clock.spawn(tool, ["-v", "error", "-show_format", "-show_streams", "-of", "json", file])
                }
            } / Double(files.count)
        }
        let pyav = pyAVMillisecondsPerFile()

        print(String(format: "seedance probe (in-process)   %8.3f ms/file", ours))
        if let ffprobe {
            print(String(format: "ffprobe (one process/file)    %8.3f ms/file   seedance is %.1fx faster", ffprobe, ffprobe / ours))
        } else {
            print("ffprobe                       not installed")
        }
        if let pyav {
            print(String(format: "PyAV av.open (in-process)     %8.3f ms/file   seedance is %.2fx faster", pyav, pyav / ours))
        } else {
            print("PyAV                          not installed (pip install av)")
        }
    }

    /// Runs Benchmarks/probe_pyav.py on the same files; nil when Python or PyAV is missing.
    private func pyAVMillisecondsPerFile() -> Double? {
        guard let python = Clock.which("python3") else { return nil }
        let script = BenchPaths.packageRoot.appendingPathComponent("Benchmarks/probe_pyav.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, String(iterations)] + files
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
