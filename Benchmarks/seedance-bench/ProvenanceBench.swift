import Foundation
import Provenance

/// Provenance: the whole `seedance provenance FILE` command (one process per run) against c2pa-python's reader run
/// the same way (`python provenance_c2pa.py once FILE`, one process per read), on the same signed clip; then both
/// in-process (`ContentCredentials.verify` against `c2pa.Reader` in a loop). Both read and validate everything with
/// no trust anchors and no network. The peer is skipped, with a message, when c2pa-python is not installed.
struct ProvenanceBench {
    let file: String
    let iterations: Int

    /// The Python that can import c2pa: the test-tools environment (scripts/install-test-tools.sh), else python3.
    static func python(root: URL) -> String? {
        let venv = root.appendingPathComponent(".build/test-tools/c2pa/bin/python").path
        let candidates = [venv] + [Clock.which("python3")].compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) && Clock.spawn($0, ["-c", "import c2pa"]) == 0 }
    }

    /// The `seedance` binary built beside this one (swift build -c release --product seedance).
    static func seedanceBinary() -> String? {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let path = here.appendingPathComponent("seedance").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    func run(root: URL) async {
        print("== provenance: \((file as NSString).lastPathComponent), median of 5 rounds")
        let python = Self.python(root: root)
        let script = root.appendingPathComponent("Benchmarks/provenance_c2pa.py").path
        let spawnIterations = max(1, iterations / 4)

        var command: Double?
        if let seedance = Self.seedanceBinary() {
            guard Clock.spawn(seedance, ["provenance", file]) == 0 else {
                print("seedance provenance failed on \(file)")
                return
            }
            command = Clock.msPerCall(iterations: spawnIterations) { Clock.spawn(seedance, ["provenance", file]) }
            print(String(format: "seedance provenance FILE (one process/run)   %9.2f ms", command!))
        } else {
            print("seedance provenance: build it first (swift build -c release --product seedance)")
        }
        if let python {
            let peer = Clock.msPerCall(iterations: spawnIterations) { Clock.spawn(python, [script, "once", file]) }
            if let command {
                print(String(format: "c2pa-python Reader (one process/read)       %9.2f ms   seedance is %.1fx faster",
                             peer, peer / command))
            } else {
                print(String(format: "c2pa-python Reader (one process/read)       %9.2f ms", peer))
            }
        } else {
            print("c2pa-python                                 not installed (scripts/install-test-tools.sh, or pip install c2pa-python)")
        }

        // In-process: the library call against the Python reader in a loop.
        var samples: [Double] = []
        for _ in 0..<5 {
            let start = Clock.now()
            for _ in 0..<iterations { _ = try? await ContentCredentials.verify(path: file) }
            samples.append(Double(Clock.now() - start) / 1e6 / Double(iterations))
        }
        let ours = samples.sorted()[2]
        print(String(format: "ContentCredentials.verify (in-process)      %9.3f ms", ours))
        if let python, let peer = Self.inProcess(python: python, script: script, iterations: iterations, file: file) {
            print(String(format: "c2pa.Reader (in-process, Python)            %9.3f ms   seedance is %.1fx faster",
                         peer, peer / ours))
        }
    }

    /// Milliseconds per read of `file` by c2pa-python in one process.
    static func inProcess(python: String, script: String, iterations: Int, file: String) -> Double? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, String(iterations), file]
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
