import Foundation

/// The command line of `seedance-bench`: its help, its cases and options, and the check that runs before any
/// benchmark (a typo or `--help` must not start a run of every case, which takes minutes).
enum BenchUsage {
    /// The cases, in the order they run; without any, the default ones run.
    static let cases = ["probe", "frames", "verify", "provenance", "pipeline", "callbacks", "overhead", "leaks", "soak", "sign"]

    /// Options that take a value.
    static let options = ["--iterations", "--time-scale", "--shots", "--poll", "--rate", "--clip-rate", "--kills",
                          "--seed", "--sizes"]

    /// Options that take no value.
    static let flags = ["--join-at-end"]

    static let help = """
        USAGE: seedance-bench [CASE ...] [OPTIONS]

        Measures seedance's in-process work against the tools users would otherwise
        pick, on the same files in the same run, and the pipeline against its ideal.
        Results are printed on stdout (see BENCHMARKS.md).

        CASES (default: probe frames verify provenance pipeline):
          probe      probe the corpus, against ffprobe and PyAV
          frames     grab a thumbnail, against the ffmpeg CLI
          verify     content analysis of a delivered clip
          provenance seedance provenance on a signed clip, against c2pa-python
          pipeline   a run of many shots against the simulator, against its ideal
          callbacks  the pipeline run polling and with the simulator's callbacks,
                     side by side
          overhead   the runner's own cost per shot by plan size (--sizes N,N,...)
          leaks      repeat the media work, watching memory (10000 --iterations)
          soak       a run with every fault, killed and resumed (--rate --clip-rate
                     --kills --seed)
          sign       the simulator's C2PA signing of a 5 s 720p delivery, per clip

        OPTIONS:
          --iterations N   repetitions per measurement (default 20)
          --time-scale S   the simulator's clock for pipeline and soak (default 0.1)
          --shots N        shots of the pipeline, callbacks or soak run
          --poll S         seconds between polls of the pipeline or callbacks run
          --join-at-end    pipeline and callbacks: join every clip after the last
                           one (the run's join ahead off), to compare
          -h, --help       show this help
        """

    /// The cases named on the command line, or a message saying what is wrong with it; nil cases with no message
    /// means help was asked for.
    static func parse(_ arguments: [String]) -> (cases: [String]?, error: String?) {
        if arguments.contains("--help") || arguments.contains("-h") || arguments.first == "help" { return (nil, nil) }
        var named: [String] = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if options.contains(word) {
                guard index + 1 < arguments.count else { return (nil, "\(word) needs a value") }
                index += 2
                continue
            }
            if flags.contains(word) {
                index += 1
                continue
            }
            if word.hasPrefix("-") { return (nil, "unknown option \(word)") }
            guard cases.contains(word) else {
                return (nil, "unknown case \(word) (one of \(cases.joined(separator: ", ")))")
            }
            named.append(word)
            index += 1
        }
        return (named, nil)
    }
}
