import Foundation
import Provenance

/// Provenance: the whole `seedance provenance FILE` command (one process per run) against c2pa-python's reader run
/// the same way (`python provenance_c2pa.py once FILE`, one process per read), on the same signed clip, with
/// `seedance --version` as the cost of starting the process alone; then both in-process
/// (`ContentCredentials.verify` against `c2pa.Reader` in a loop). Both read and validate everything with no trust
/// anchors and no network. The peer is skipped, with a message, when c2pa-python is not installed.
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

        // Wall time and the CPU time the child processes used (user + system, from getrusage): on a machine that other
        // work shares, the wall time mostly measures waiting; the CPU time is what each run costs.
        var command: (wall: Double, cpu: Double)?
        if let seedance = Self.seedanceBinary() {
            guard Clock.spawn(seedance, ["provenance", file]) == 0 else {
                print("seedance provenance failed on \(file)")
                return
            }
            let start = Self.spawnTimes(iterations: spawnIterations) { Clock.spawn(seedance, ["--version"]) }
            print(String(format: "seedance --version (process start only)     %9.2f ms wall %7.2f ms CPU", start.wall, start.cpu))
            command = Self.spawnTimes(iterations: spawnIterations) { Clock.spawn(seedance, ["provenance", file]) }
            print(String(format: "seedance provenance FILE (one process/run)  %9.2f ms wall %7.2f ms CPU", command!.wall, command!.cpu))
        } else {
            print("seedance provenance: build it first (swift build -c release --product seedance)")
        }
        if let python {
            let peer = Self.spawnTimes(iterations: spawnIterations) { Clock.spawn(python, [script, "once", file]) }
            if let command {
                print(String(format: "c2pa-python Reader (one process/read)       %9.2f ms wall %7.2f ms CPU   "
                             + "seedance is %.2fx faster (wall), %.2fx (CPU)", peer.wall, peer.cpu,
                             peer.wall / command.wall, peer.cpu / command.cpu))
            } else {
                print(String(format: "c2pa-python Reader (one process/read)       %9.2f ms wall %7.2f ms CPU", peer.wall, peer.cpu))
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

    /// Milliseconds per call of `body` (which runs child processes): the median wall time and the median CPU time of
    /// the children (user + system), over 5 rounds of `iterations` calls.
    static func spawnTimes(iterations: Int, _ body: () -> Void) -> (wall: Double, cpu: Double) {
        func childCPU() -> Double {
            var usage = rusage()
            #if os(Linux)
            getrusage(RUSAGE_CHILDREN.rawValue, &usage)
            #else
            getrusage(RUSAGE_CHILDREN, &usage)
            #endif
            let seconds = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            return seconds * 1000 + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000
        }
        var walls: [Double] = [], cpus: [Double] = []
        for _ in 0..<5 {
            let (start, cpuStart) = (Clock.now(), childCPU())
            for _ in 0..<iterations { body() }
            walls.append(Double(Clock.now() - start) / 1e6 / Double(iterations))
            cpus.append((childCPU() - cpuStart) / Double(iterations))
        }
        return (walls.sorted()[2], cpus.sorted()[2])
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
