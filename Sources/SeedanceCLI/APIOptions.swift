import ArgumentParser
import Foundation
import Logging
import SeedanceAPI

/// Options shared by the API commands: where the API is and how chatty to be. The key comes from the environment
/// only (`SEEDANCE_API_KEY` or `ARK_API_KEY`), never from a flag, so it stays out of shell history and `ps`.
struct APIOptions: ParsableArguments {
    @Option(name: .customLong("base-url"),
            help: "API base URL (default: $SEEDANCE_BASE_URL, else the BytePlus endpoint), e.g. http://127.0.0.1:8123/api/v3.")
    var baseURL: String?

    @Flag(name: .shortAndLong, help: "Log each call and retry on stderr.")
    var verbose = false

    /// The environment, read once here (libraries never read it).
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The configuration from flags and environment; `requireKey` fails with exit 2 when no key is set; `download`
    /// carries the download limit of the commands that download.
    func configuration(model: String? = nil, requireKey: Bool = true,
                       download: DownloadOptions? = nil) throws -> ClientConfiguration {
        let env = Self.environment
        let text = baseURL ?? env["SEEDANCE_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        var configuration = ClientConfiguration()
        if let text {
            guard let url = ClientConfiguration.parseBaseURL(text) else {
                throw CommandFailure(.badInput, "--base-url: \"\(text)\" is not an http(s) URL such as "
                    + "https://ark.ap-southeast.bytepluses.com/api/v3")
            }
            configuration.baseURL = url
        }
        let key = (env["SEEDANCE_API_KEY"].flatMap(APIKey.init)) ?? (env["ARK_API_KEY"].flatMap(APIKey.init))
        if requireKey && key == nil {
            throw CommandFailure(.badInput, "no API key: set SEEDANCE_API_KEY (or ARK_API_KEY)")
        }
        configuration.apiKey = key
        try download?.apply(to: &configuration)
        configuration.model = model ?? env["SEEDANCE_MODEL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ClientConfiguration.defaultModel
        return configuration
    }

    /// A logger on stderr: silent by default (errors are printed by the command), every call and retry with
    /// `--verbose`.
    var logger: Logger {
        var logger = Logger(label: "seedance") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .debug : .error
        return logger
    }

    /// Runs `body` with a client for `configuration`, printing its warnings first and shutting it down after;
    /// client errors become exit 2 (bad input) or 3 (API or network).
    func withClient<T>(_ configuration: ClientConfiguration, _ body: (Client) async throws -> T) async throws -> T {
        for warning in configuration.warnings { StandardError.write("seedance: warning: \(warning)\n") }
        let client = Client(configuration: configuration, logger: logger)
        do {
            let result = try await body(client)
            try? await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw Self.failure(error)
        }
    }

    /// The command failure for an error of the client.
    static func failure(_ error: any Error) -> any Error {
        if let error = error as? ClientError {
            return CommandFailure(error.isBadInput ? .badInput : .remoteFailure, error.description)
        }
        return error
    }
}

/// `--max-download-mb`: only on the commands that download a clip (a status or list call writes no file, so the
/// option would mean nothing there).
struct DownloadOptions: ParsableArguments {
    @Option(name: .customLong("max-download-mb"),
            help: "Largest file a download may write, in MiB; a bigger or endless body is refused (default 2048).")
    var maxDownloadMB: Int?

    /// Sets the configuration's download limit when the flag is given (exit 2 for a limit of 0 or less).
    func apply(to configuration: inout ClientConfiguration) throws {
        guard let maxDownloadMB else { return }
        guard maxDownloadMB > 0 else { throw CommandFailure(.badInput, "--max-download-mb must be a positive number") }
        configuration.maxDownloadBytes = Int64(maxDownloadMB) << 20
    }
}

/// Whether stderr is a terminal (progress is shown only there).
var stderrIsTerminal: Bool { isatty(2) == 1 }

/// One line about a task for people: `cgt-... succeeded 1280x720 5s 108900 tokens video_url=...`.
func summaryLine(_ task: GenerationTask) -> String {
    var parts = [task.id, task.status.rawValue]
    if let model = task.model { parts.append(model) }
    if let resolution = task.resolution { parts.append(resolution) }
    if let ratio = task.ratio { parts.append(ratio) }
    if let duration = task.duration {
        parts.append(duration.rounded() == duration ? "\(Int(duration))s" : "\(duration)s")
    }
    if let usage = task.usage { parts.append("\(usage.totalTokens) tokens") }
    if let error = task.error { parts.append("error=\(error.code): \(error.message)") }
    if let url = task.content?.videoURL { parts.append("video_url=\(url)") }
    if let url = task.content?.lastFrameURL { parts.append("last_frame_url=\(url)") }
    return parts.joined(separator: "  ")
}
