import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Which delivered file of a task to fetch.
public enum DeliveredFile: String, Sendable, Hashable {
    /// `content.video_url`: the MP4.
    case video
    /// `content.last_frame_url`: the last frame as PNG (`return_last_frame`).
    case lastFrame = "last_frame"
}

/// What a download did.
public struct DownloadResult: Sendable, Hashable {
    /// The file written.
    public var path: String
    /// Its size in bytes.
    public var bytes: Int64
    /// Times the transfer was resumed with a Range request after a drop.
    public var resumes: Int
    /// Times an expired link was replaced by re-reading the task.
    public var linkRefreshes: Int
    /// The task as last read.
    public var task: GenerationTask
}

extension Client {
    /// Downloads a succeeded task's video (or last frame) to `destination`.
    ///
    /// The body streams to `destination.part` (memory does not grow with the file), is checked against
    /// `Content-Length` (or `Content-Range`'s total), is resumed with `Range: bytes=N-` after a drop, and is renamed
    /// into place only when complete; on failure no partial file is left. A link refused with 403 (expired signed link)
    /// is replaced by re-reading the task. The API key is never sent to the link's host. `progress` gets
    /// (bytes so far, total when known).
    public func download(_ taskID: String, _ file: DeliveredFile = .video, to destination: URL,
                         task given: GenerationTask? = nil,
                         progress: (@Sendable (Int64, Int64?) -> Void)? = nil) async throws -> DownloadResult {
        var task: GenerationTask
        if let given { task = given } else { task = try await self.task(taskID) }
        var url = try Self.link(of: task, file)
        let part = Self.partialPath(for: destination)
        try? FileManager.default.createDirectory(at: destination.deletingLastPathComponent(),
                                                 withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: part, contents: nil),
              let handle = FileHandle(forWritingAtPath: part)
        else {
            throw ClientError(.localFile, "cannot write \(part)", taskID: taskID, attempts: 0)
        }
        var finished = false
        defer {
            try? handle.close()
            if !finished { try? FileManager.default.removeItem(atPath: part) }
        }
        /// A write to the local file: its failure (a full disk, a folder made read-only) is this machine's, so it
        /// names the file and ends the download at once instead of being retried as a dropped connection.
        func local<T>(_ attempt: Int, _ body: () throws -> T) throws -> T {
            do {
                return try body()
            } catch {
                throw ClientError(.localFile, "\(destination.path): cannot write the download: \(Self.fileReason(error))",
                                  taskID: taskID, attempts: attempt)
            }
        }
        var written: Int64 = 0, expected: Int64?
        var attempt = 0, resumes = 0, refreshes = 0
        while true {
            attempt += 1
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "User-Agent", value: "seedance-swift/0.1")
            if written > 0 { request.headers.add(name: "Range", value: "bytes=\(written)-") }
            let host = URL(string: url)?.host ?? "?"
            var outcome: AttemptOutcome
            var failure: ClientError
            do {
                let response = try await http.execute(
                    request, timeout: .milliseconds(Int64(configuration.downloadTimeout * 1000)))
                let status = Int(response.status.code)
                switch status {
                case 200, 206:
                    if status == 206, let range = Self.contentRange(response.headers), range.start == written {
                        expected = range.total ?? expected
                    } else {
                        // A full body: the server ignored the Range (or this is the first attempt): start over.
                        if written > 0 {
                            try local(attempt) { try handle.truncate(atOffset: 0) }
                            written = 0
                        }
                        expected = response.headers.first(name: "content-length").flatMap { Int64($0) }
                    }
                    let limit = configuration.maxDownloadBytes
                    if let expected, expected > limit {
                        throw ClientError(.download, "the \(file.rawValue) is \(expected) bytes, over the limit of "
                            + "\(limit) bytes (maxDownloadBytes)", taskID: taskID, attempts: attempt)
                    }
                    for try await chunk in response.body {
                        // A body without a length (or longer than it said) is cut off at the limit.
                        guard written + Int64(chunk.readableBytes) <= limit else {
                            throw ClientError(.download, "the \(file.rawValue) passed the limit of \(limit) bytes "
                                + "(maxDownloadBytes) without ending", taskID: taskID, attempts: attempt)
                        }
                        try local(attempt) { try handle.write(contentsOf: chunk.readableBytesView) }
                        written += Int64(chunk.readableBytes)
                        progress?(written, expected)
                    }
                    if let expected, written != expected {
                        if written > expected {
                            throw ClientError(.download, "received \(written) bytes, more than the announced \(expected)",
                                              taskID: taskID, attempts: attempt)
                        }
                        // The stream ended early without an error: treat it as a drop.
                        throw HTTPClientError.remoteConnectionClosed
                    }
                    try local(attempt) {
                        try handle.synchronize()
                        try handle.close()
                    }
                    try Self.moveIntoPlace(part, destination.path)
                    finished = true
                    logger.info("downloaded", metadata: ["task_id": "\(taskID)", "bytes": "\(written)",
                                                         "resumes": "\(resumes)", "refreshes": "\(refreshes)"])
                    return DownloadResult(path: destination.path, bytes: written, resumes: resumes,
                                          linkRefreshes: refreshes, task: task)
                case 401, 403:
                    // A signed link that has expired (or was refused): re-read the task for a fresh one.
                    _ = try? await response.body.collect(upTo: 1 << 20)
                    refreshes += 1
                    guard refreshes <= configuration.maxLinkRefreshes else {
                        throw ClientError(.download, "the \(file.rawValue) link is still refused (HTTP \(status)) after "
                            + "\(refreshes - 1) refresh(es)", httpStatus: status, taskID: taskID, attempts: attempt)
                    }
                    logger.notice("link refused; re-reading the task", metadata: ["task_id": "\(taskID)",
                                                                                  "status": "\(status)"])
                    task = try await self.task(taskID)
                    url = try Self.link(of: task, file)
                    continue
                default:
                    _ = try? await response.body.collect(upTo: 1 << 20)
                    outcome = .answered(status: status, code: nil, retryAfter: Self.retryAfter(response.headers))
                    failure = ClientError(.download, "GET \(file.rawValue) from \(host) answered HTTP \(status)",
                                          httpStatus: status, taskID: taskID, attempts: attempt)
                }
            } catch let error as ClientError {
                throw redact(error)
            } catch {
                if error is CancellationError || Task.isCancelled {
                    throw ClientError(.cancelled, "download cancelled", taskID: taskID, attempts: attempt)
                }
                outcome = Self.failedBeforeSending(error) ? .notConnected : .noAnswer
                failure = ClientError(.download, "GET \(file.rawValue) from \(host) broke after \(written) bytes: "
                    + Self.describe(error), taskID: taskID, attempts: attempt)
                if written > 0 {
                    // Progress was made: resume, counting resumes rather than attempts.
                    resumes += 1
                    guard resumes <= configuration.maxResumes else { throw redact(failure) }
                    attempt = 0
                    logger.notice("download dropped; resuming", metadata: ["task_id": "\(taskID)",
                                                                           "offset": "\(written)"])
                }
            }
            switch configuration.retry.decide(.download, outcome, attempt: max(attempt, 1),
                                              random: Double.random(in: 0..<1)) {
            case let .retry(after):
                try await Self.sleep(seconds: attempt == 0 ? 0 : after, taskID: taskID)
            case .fail, .unknownOutcome:
                throw redact(failure)
            }
        }
    }

    /// The link of `file` in `task`, or the reason there is none.
    static func link(of task: GenerationTask, _ file: DeliveredFile) throws -> String {
        guard task.status == .succeeded else {
            throw ClientError(.download, "the task is \(task.status), not succeeded: nothing to download"
                + (task.error.map { " (\($0.code): \($0.message))" } ?? ""), code: task.error?.code, taskID: task.id,
                attempts: 0)
        }
        let link = file == .video ? task.content?.videoURL : task.content?.lastFrameURL
        guard let link, !link.isEmpty else {
            throw ClientError(.download, file == .video ? "the task has no content.video_url"
                : "the task has no content.last_frame_url (create it with return_last_frame: true)",
                taskID: task.id, attempts: 0)
        }
        // AsyncHTTPClient also speaks http+unix and friends: a link from the API must not reach a local socket.
        guard let scheme = URL(string: link)?.scheme?.lowercased(), scheme == "http" || scheme == "https",
              URL(string: link)?.host?.isEmpty == false
        else {
            throw ClientError(.invalidResponse, "the task's \(file.rawValue) link is not an http(s) URL: "
                + String(link.prefix(80)), taskID: task.id, attempts: 0)
        }
        return link
    }

    /// `Content-Range: bytes START-END/TOTAL` (TOTAL may be `*`).
    static func contentRange(_ headers: HTTPHeaders) -> (start: Int64, total: Int64?)? {
        guard let value = headers.first(name: "content-range"), value.hasPrefix("bytes ") else { return nil }
        let spec = value.dropFirst(6)
        let parts = spec.split(separator: "/", maxSplits: 1)
        guard let range = parts.first, let start = range.split(separator: "-").first.flatMap({ Int64($0) }) else {
            return nil
        }
        let total = parts.count > 1 ? Int64(parts[1]) : nil
        return (start, total)
    }

    /// Why a local file operation failed, in words: the errno under Foundation's error when there is one
    /// (`No space left on device`), else Foundation's description.
    static func fileReason(_ error: any Error) -> String {
        let nsError = error as NSError
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? any Error,
           (underlying as NSError).domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32((underlying as NSError).code)))
        }
        return nsError.localizedDescription
    }

    /// Where a download to `destination` streams until it is complete: `destination.part`, beside it (so the
    /// rename stays on one file system). A sweep after a kill looks for this name.
    public static func partialPath(for destination: URL) -> String { destination.path + ".part" }

    /// Renames `part` over `destination` (atomic on one file system).
    static func moveIntoPlace(_ part: String, _ destination: String) throws {
        if rename(part, destination) != 0 {
            throw ClientError(.download, "cannot rename \(part) to \(destination): \(String(cString: strerror(errno)))",
                              attempts: 0)
        }
    }
}
