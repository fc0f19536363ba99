import ArgumentParser
import Foundation
import SeedanceAPI

/// `seedance status ID [--json]`.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a task: status, size, tokens, links.",
        discussion: """
            One GET of the task. Without --json prints one line (id, status, model, resolution, ratio, duration, \
            tokens, error, links); with --json the task object as the API returns it (snake_case).

            Examples:
              seedance status cgt-20251225201056-abc
              seedance status cgt-20251225201056-abc --json | jq -r .content.video_url
            """
    )

    @OptionGroup var api: APIOptions
    @Argument(help: "The task id (cgt-...).") var id: String
    @Flag(help: "Print the task as JSON.") var json = false

    func run() async throws {
        let task = try await api.withClient(try api.configuration()) { try await $0.task(id) }
        StandardOutput.write((json ? try JSONOutput.encode(task) : summaryLine(task)) + "\n")
    }
}

/// `seedance wait ID [-o FILE] [--timeout S] [--json]`.
struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait until a task finishes, then download its clip.",
        usage: "seedance wait <id> [-o <file>] [--timeout <seconds>] [<options>]",
        discussion: """
            Polls with growing, jittered pauses (5 s up to 20 s), honouring Retry-After, until the task succeeds, \
            fails, expires or is cancelled, or --timeout seconds pass (exit 3). A succeeded clip is downloaded to \
            -o FILE (default ID.mp4; --no-download to skip), streamed, size-checked and renamed into place. A task \
            that did not succeed exits 3 with its error.

            Examples:
              seedance wait cgt-20251225201056-abc -o clip.mp4 --timeout 900
              seedance wait cgt-20251225201056-abc --no-download --json
            """
    )

    @OptionGroup var api: APIOptions
    @OptionGroup var downloadLimit: DownloadOptions
    @Argument(help: "The task id (cgt-...).") var id: String
    @Option(name: .shortAndLong, help: "Where to save the clip (default ID.mp4).") var output: String?
    @Option(help: "Give up after this many seconds.") var timeout: Double?
    @Flag(inversion: .prefixedNo, help: "Download a succeeded clip (--no-download: only wait).")
    var download = true
    @Flag(help: "Print {task, file} as JSON.") var json = false

    func run() async throws {
        if let timeout, timeout <= 0 { throw CommandFailure(.badInput, "--timeout must be a positive number of seconds") }
        try await api.withClient(try api.configuration(download: downloadLimit)) { client in
            let task = try await client.wait(for: id, timeout: timeout) { task in
                if stderrIsTerminal { StandardError.write("\(task.id): \(task.status)\n") }
            }
            try await finish(task, client: client, output: output, json: json, download: download)
        }
    }
}

/// `seedance list [--status S] [--model M] [--page N] [--page-size N] [--id ID]... [--json]`.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List recent tasks (the service keeps 7 days).",
        usage: "seedance list [--status <status>] [--id <id> ...] [<options>]",
        discussion: """
            One list call with filters and paging. Use it to reconcile after an unknown create outcome: a task \
            created by a create call that timed out shows up here.

            Examples:
              seedance list --status running
              seedance list --id cgt-a --id cgt-b --json
              seedance list --service-tier flex --status queued
            """
    )

    @OptionGroup var api: APIOptions
    @Option(help: "Only tasks with this status (queued, running, succeeded, failed, expired, cancelled).")
    var status: String?
    @Option(help: "Only tasks of this model.") var model: String?
    @Option(name: .customLong("service-tier"), help: "Only tasks of this service tier (default or flex).")
    var serviceTier: String?
    @Option(name: .customLong("id"), help: "Only these task ids (repeatable).") var ids: [String] = []
    @Option(help: "Page number (1...500).") var page = 1
    @Option(name: .customLong("page-size"), help: "Tasks per page (1...500).") var pageSize = 20
    @Flag(help: "Print {total, items} as JSON.") var json = false

    func run() async throws {
        if let status, !TaskStatus.known.map(\.rawValue).contains(status) {
            throw CommandFailure(.badInput, "--status \(status): not one of "
                + TaskStatus.known.map(\.rawValue).joined(separator: ", "))
        }
        let tier = try serviceTier.map { text in
            guard let tier = ServiceTier(rawValue: text) else {
                throw CommandFailure(.badInput, "--service-tier \(text): not one of "
                    + ServiceTier.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return tier
        }
        guard (1...500).contains(page), (1...500).contains(pageSize) else {
            throw CommandFailure(.badInput, "--page and --page-size must be in 1...500")
        }
        let query = TaskQuery(pageNumber: page, pageSize: pageSize, status: status.map { TaskStatus(rawValue: $0) },
                              taskIDs: ids, model: model, serviceTier: tier)
        let list = try await api.withClient(try api.configuration()) { try await $0.list(query) }
        if json {
            StandardOutput.write(try JSONOutput.encode(list) + "\n")
        } else {
            if !list.items.isEmpty { StandardOutput.write(Self.table(list.items)) }
            StandardError.write(Self.countLine(list) + "\n")
        }
    }
}

extension ListCommand {
    /// The tasks as a table fitted to `width`. Links are long and change (`status ID` or `--json` gives them); the
    /// model gets a column only when the tasks differ in it (an id is 26 columns wide), the error only when one
    /// failed.
    static func table(_ tasks: [GenerationTask], width: Int = TerminalWidth.columns) -> String {
        let models = Set(tasks.map { $0.model ?? "-" })
        let errors = tasks.contains { $0.error != nil }
        var header = ["TASK", "STATUS", "VIDEO", "TOKENS"]
        if models.count > 1 { header.append("MODEL") }
        if errors { header.append("ERROR") }
        let rows = tasks.map { task -> [String] in
            let duration = task.duration.map { $0.rounded() == $0 ? "\(Int($0)) s" : "\($0) s" }
            var row = [task.id, task.status.rawValue,
                       [task.resolution, task.ratio, duration].compactMap { $0 }.joined(separator: " "),
                       task.usage.map { "\($0.totalTokens)" } ?? "-"]
            if models.count > 1 { row.append(task.model ?? "-") }
            if errors { row.append(task.error.map(\.code) ?? "") }
            return row
        }
        return TextTable(header: header, rows: rows).render(width: width)
    }

    /// The count line on stderr: `2 of 7 tasks`, and the model when every task listed has the same one.
    static func countLine(_ list: TaskList) -> String {
        let models = Set(list.items.compactMap(\.model))
        return "\(list.items.count) of \(counted(list.total, "task"))"
            + (models.count == 1 && list.items.allSatisfy { $0.model != nil } ? ", all \(models.first!)" : "")
    }
}

/// `seedance cancel ID`.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a queued task, or delete a finished task's record.",
        discussion: """
            The DELETE call: a queued task becomes cancelled; a succeeded, failed or expired task is deleted. The \
            service refuses running and cancelled tasks (exit 3 with its error). When an answer is lost and the \
            retry finds the task already cancelled or deleted, the lost call did it: exit 0, with a note on stderr.

            Example:
              seedance cancel cgt-20251225201056-abc
            """
    )

    @OptionGroup var api: APIOptions
    @Argument(help: "The task id (cgt-...).") var id: String

    func run() async throws {
        let outcome = try await api.withClient(try api.configuration()) { try await $0.delete(id) }
        // A retry after a lost answer that finds the work done is a success: say how it was known.
        if let note = outcome.note { StandardError.write("seedance: note: \(note)\n") }
        StandardOutput.write("\(id) cancelled or deleted\n")
    }
}

/// `seedance download ID -o FILE [--last-frame]`.
struct DownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download a succeeded task's clip (or last frame).",
        usage: "seedance download <id> -o <file> [--last-frame] [<options>]",
        discussion: """
            Reads the task for its signed link and streams the file to FILE.part, checks its size against \
            Content-Length, resumes with a Range request after a drop, re-reads the task when the link has expired, \
            and renames into place: FILE exists only when complete.

            Examples:
              seedance download cgt-20251225201056-abc -o clip.mp4
              seedance download cgt-20251225201056-abc --last-frame -o last.png
            """
    )

    @OptionGroup var api: APIOptions
    @OptionGroup var downloadLimit: DownloadOptions
    @Argument(help: "The task id (cgt-...).") var id: String
    @Option(name: .shortAndLong, help: "Where to save the file.") var output: String
    @Flag(name: .customLong("last-frame"), help: "Fetch content.last_frame_url (PNG) instead of the video.")
    var lastFrame = false

    func run() async throws {
        let result = try await api.withClient(try api.configuration(download: downloadLimit)) { client in
            try await client.download(id, lastFrame ? .lastFrame : .video, to: URL(fileURLWithPath: output),
                                      progress: downloadProgress)
        }
        if stderrIsTerminal { StandardError.write("\n") }
        StandardOutput.write("\(result.path) \(result.bytes) bytes"
            + (result.resumes > 0 ? ", resumed \(result.resumes)x" : "")
            + (result.linkRefreshes > 0 ? ", link refreshed \(result.linkRefreshes)x" : "") + "\n")
    }
}
