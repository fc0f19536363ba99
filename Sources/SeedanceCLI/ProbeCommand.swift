import ArgumentParser
import Media

/// `seedance probe FILE... [--json]`.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Show container, video and audio facts of media files (like ffprobe, in-process).",
        discussion: """
            Several files are probed in parallel on all cores; output keeps the order given. A file that cannot be \
            read (missing, empty, an HTML error page, a truncated download) gets one line on stderr naming it and \
            the problem, the others are still reported, and the exit status is 2.

            Examples:
              seedance probe clip.mp4
              seedance probe clips/*.mp4 --json \\
                | jq '.[] | {file, duration, video: .video.width}'
            """
    )

    @Argument(help: "Media files to probe (MP4, MOV, 3GP and anything FFmpeg reads).")
    var files: [String]

    @Flag(help: "Print JSON (an object for one file, an array for several) instead of a table.")
    var json = false

    func run() async throws {
        let results = await probeAll(files)
        let failures = results.compactMap { result -> MediaError? in
            if case .failure(let error) = result { return error } else { return nil }
        }
        if json {
            let entries: [FileResult<MediaInfo>] = zip(files, results).map { file, result in
                switch result {
                case .success(let info): return .value(info)
                case .failure(let error): return .failure(file: file, error: error.description)
                }
            }
            let text = files.count == 1 ? try JSONOutput.encode(entries[0]) : try JSONOutput.encode(entries)
            StandardOutput.write(text + "\n")
        } else {
            let infos = results.compactMap { try? $0.get() }
            if !infos.isEmpty { StandardOutput.write(ProbeTable.render(infos)) }
        }
        for error in failures { StandardError.write("seedance: probe: \(error.description)\n") }
        if !failures.isEmpty {
            throw CommandFailure(.badInput, failures.count == 1 ? "" : "\(failures.count) of \(counted(files.count, "file")) could not be probed")
        }
    }
}
