// seedance-bench: speed of seedance's in-process work against the peers users would otherwise pick, measured in
// the same run on the same files, and the pipeline against its ideal.
// Usage: swift run -c release seedance-bench --help (BenchUsage.swift)
import Foundation
import Media

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "pipeline-worker" {
    // A child process of the pipeline case: one run, its figures written to a file.
    do { try await PipelineBench.worker(arguments) } catch {
        FileHandle.standardError.write(Data("pipeline-worker: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
switch BenchUsage.parse(arguments) {
case (nil, nil):
    print(BenchUsage.help)
    exit(0)
case (_, let error?):
    FileHandle.standardError.write(Data("seedance-bench: \(error); see 'seedance-bench --help'\n".utf8))
    exit(2)
default:
    break
}
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}
let iterations = option("--iterations").flatMap { Int($0) } ?? 20
let cases = BenchUsage.parse(arguments).cases ?? []

let root = BenchPaths.packageRoot
if cases.isEmpty || cases.contains("probe") {
    ProbeBenchmark(files: BenchPaths.probeCorpus(root: root), iterations: iterations).run()
}
if cases.isEmpty || cases.contains("frames") {
    do { try FramesBench.run(root: root, runs: iterations) } catch {
        FileHandle.standardError.write(Data("frames: \(error)\n".utf8))
    }
}
if cases.isEmpty || cases.contains("verify") {
    let clip = root.appendingPathComponent("fixtures/probe/seedance-720p.mp4").path
    do { print(try ContentAnalysisBench.run(path: clip, runs: iterations)) } catch {
        FileHandle.standardError.write(Data("verify: \(error)\n".utf8))
    }
}
if cases.isEmpty || cases.contains("provenance") {
    let clip = root.appendingPathComponent("fixtures/c2pa/generated-bmffv3-claimv2-es256-testcert-aigen.mp4").path
    await ProvenanceBench(file: clip, iterations: iterations).run(root: root)
}
if cases.isEmpty || cases.contains("pipeline") {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("seedance-bench-pipeline-\(getpid())")
    var bench = PipelineBench(timeScale: option("--time-scale").flatMap { Double($0) } ?? 0.1, scratch: scratch)
    bench.pollOverride = option("--poll").flatMap { Double($0) }
    bench.joinAtEnd = CommandLine.arguments.contains("--join-at-end")
    do { try await bench.run(shots: option("--shots").flatMap { Int($0) } ?? 100) } catch {
        FileHandle.standardError.write(Data("pipeline: \(error)\n".utf8))
        exit(1)
    }
    try? FileManager.default.removeItem(at: scratch)
}
// Not part of the default run: the pipeline case's 100 shots polling and with callbacks, side by side.
if cases.contains("callbacks") {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("seedance-bench-callbacks-\(getpid())")
    var bench = PipelineBench(timeScale: option("--time-scale").flatMap { Double($0) } ?? 0.1, scratch: scratch)
    bench.pollOverride = option("--poll").flatMap { Double($0) }
    bench.joinAtEnd = CommandLine.arguments.contains("--join-at-end")
    do { try await bench.runCallbacks(shots: option("--shots").flatMap { Int($0) } ?? 100) } catch {
        FileHandle.standardError.write(Data("callbacks: \(error)\n".utf8))
        exit(1)
    }
    try? FileManager.default.removeItem(at: scratch)
}
// Not part of the default run: the runner's cost per shot at 100 and 2,000 shots (issue 14).
if cases.contains("overhead") {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("seedance-bench-overhead-\(getpid())")
    var bench = OverheadBench(scratch: scratch)
    if let sizes = option("--sizes") { bench.sizes = sizes.split(separator: ",").compactMap { Int($0) } }
    do { try await bench.run() } catch {
        FileHandle.standardError.write(Data("overhead: \(error)\n".utf8))
        exit(1)
    }
    try? FileManager.default.removeItem(at: scratch)
}
// Not part of the default run: what C2PA signing adds to each clip the simulator delivers.
if cases.contains("sign") {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("seedance-bench-sign-\(getpid())")
    do { print(try SigningBench.run(scratch: scratch, runs: iterations)) } catch {
        FileHandle.standardError.write(Data("sign: \(error)\n".utf8))
        exit(1)
    }
}
// Not part of the default run: 10,000 iterations take minutes (issue 9's flat-memory check).
if cases.contains("leaks") {
    LeaksBench(root: root, iterations: option("--iterations").flatMap { Int($0) } ?? 10_000).run()
}
// Not part of the default run either: issue 9's fault soak (scripts/soak.sh builds what it needs and runs it).
if cases.contains("soak") {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("seedance-soak-\(getpid())")
    var soak = SoakBench(scratch: scratch)
    soak.shots = option("--shots").flatMap { Int($0) } ?? soak.shots
    soak.transportRate = option("--rate").flatMap { Double($0) } ?? soak.transportRate
    soak.clipRate = option("--clip-rate").flatMap { Double($0) } ?? soak.clipRate
    soak.kills = option("--kills").flatMap { Int($0) } ?? soak.kills
    soak.seed = option("--seed").flatMap { UInt64($0) } ?? soak.seed
    soak.timeScale = option("--time-scale").flatMap { Double($0) } ?? soak.timeScale
    let passed: Bool
    do { passed = try await soak.run() } catch {
        FileHandle.standardError.write(Data("soak: \(error)\n".utf8))
        exit(1)
    }
    if passed { try? FileManager.default.removeItem(at: scratch) } else { print("soak: kept \(scratch.path) for a look") }
    if !passed { exit(1) }
}
