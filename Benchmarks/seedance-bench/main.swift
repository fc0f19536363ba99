// seedance-bench: speed of seedance's in-process work against the peers users would otherwise pick, measured in
// the same run on the same files. Usage: swift run -c release seedance-bench [probe] [--iterations N]
import Foundation
import Media

let arguments = Array(CommandLine.arguments.dropFirst())
let iterations = arguments.firstIndex(of: "--iterations").flatMap { Int(arguments[$0 + 1]) } ?? 20
let cases = arguments.filter { !$0.hasPrefix("--") && Int($0) == nil }

let root = BenchPaths.packageRoot
if cases.isEmpty || cases.contains("probe") {
    ProbeBenchmark(files: BenchPaths.probeCorpus(root: root), iterations: iterations).run()
}
if cases.contains("leaks") {
    LeaksBench(root: root, iterations: arguments.firstIndex(of: "--iterations").flatMap { Int(arguments[$0 + 1]) } ?? 10_000).run()
}
