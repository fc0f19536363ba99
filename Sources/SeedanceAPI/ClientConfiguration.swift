import Foundation

/// Where and how a `Client` talks to the service. Values only: the CLI reads the environment, libraries do not.
public struct ClientConfiguration: Sendable {
    /// The API base, e.g. `https://ark.ap-southeast.bytepluses.com/api/v3` or a gateway's `http://HOST:PORT/api/v3`.
    public var baseURL: URL
    /// The API key (never printed: see `APIKey`). Nil sends no `Authorization` header (the service answers 401).
    public var apiKey: APIKey?
    /// The model used when a request names none (`--model`, `SEEDANCE_MODEL`).
    public var model: String
    /// Seconds to establish a connection (AsyncHTTPClient keeps trying within it, e.g. while refused).
    public var connectTimeout: Double
    /// Seconds an API call may take, answer included.
    public var requestTimeout: Double
    /// Seconds a whole download may take.
    public var downloadTimeout: Double
    /// Retry rules for every call (create is special-cased inside, see `RetryPolicy`).
    public var retry: RetryPolicy
    /// Pacing of `wait`.
    public var poll: PollSchedule
    /// Times an expired download link is refreshed by re-reading the task before giving up.
    public var maxLinkRefreshes: Int
    /// Times a dropped download is resumed (Range) before giving up.
    public var maxResumes: Int
    /// Largest file a download may write. A 15 s 4K clip is well under 200 MB; a link that announces or streams more
    /// is refused (or cut off) rather than filling the disk.
    public var maxDownloadBytes: Int64

    /// The default `maxDownloadBytes`: 2 GiB.
    public static let defaultMaxDownloadBytes: Int64 = 2 << 30

    /// The official international endpoint (BytePlus ModelArk).
    public static let defaultBaseURL = URL(string: "https://ark.ap-southeast.bytepluses.com/api/v3")!
    /// The default model: Seedance 2.0.
    public static let defaultModel = "doubao-seedance-2-0-260128"

    /// Makes a configuration with production-minded defaults.
    public init(baseURL: URL = ClientConfiguration.defaultBaseURL, apiKey: APIKey? = nil,
                model: String = ClientConfiguration.defaultModel, connectTimeout: Double = 10, requestTimeout: Double = 60,
                downloadTimeout: Double = 1800, retry: RetryPolicy = RetryPolicy(), poll: PollSchedule = PollSchedule(),
                maxLinkRefreshes: Int = 3, maxResumes: Int = 20,
                maxDownloadBytes: Int64 = ClientConfiguration.defaultMaxDownloadBytes) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.model = model
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.downloadTimeout = downloadTimeout
        self.retry = retry
        self.poll = poll
        self.maxLinkRefreshes = maxLinkRefreshes
        self.maxResumes = maxResumes
        self.maxDownloadBytes = maxDownloadBytes
    }

    /// Parses a base URL as the user wrote it (`--base-url`, `SEEDANCE_BASE_URL`); a trailing slash is dropped.
    /// Nil unless it is an absolute http(s) URL with a host.
    public static func parseBaseURL(_ text: String) -> URL? {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else { return nil }
        return url
    }

    /// Warnings a user should see before a call: a plain-http base URL to a host other than loopback sends the key
    /// (and the prompts) in clear text.
    public var warnings: [String] {
        guard baseURL.scheme?.lowercased() == "http", let host = baseURL.host, !Self.isLoopback(host) else { return [] }
        return ["the base URL \(baseURL.absoluteString) is plain http to \(host), not loopback: the API key and "
            + "requests travel unencrypted"]
    }

    /// Whether `host` names this machine (`localhost`, 127.0.0.0/8, ::1).
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return h == "localhost" || h.hasSuffix(".localhost") || h == "::1" || h.hasPrefix("127.")
    }
}
