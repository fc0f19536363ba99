import Foundation
import Pipeline
import SeedanceAPI

/// How `seedance mcp` serves: where runs go, what it may spend, and how it reaches the API.
public struct MCPServerConfiguration: Sendable {
    /// The folder under which every run folder the server starts is made (`--root`).
    public var root: String
    /// Tokens this server may spend in its lifetime (`--budget-tokens`); nil: no cap.
    public var budgetTokens: Int?
    /// The API client's configuration (base URL, key, model); the key is never put in a result or a log.
    public var client: ClientConfiguration
    /// The run settings every run starts from (limits, poll interval, regenerations); its folder is replaced.
    public var run: RunConfiguration
    /// The version the server gives in its `initialize` answer (the CLI's own version).
    public var softwareVersion = "0.1.0"

    /// A configuration serving runs under `root`.
    public init(root: String, budgetTokens: Int? = nil, client: ClientConfiguration,
                run: RunConfiguration = RunConfiguration(outputDirectory: ".")) {
        self.root = root
        self.budgetTokens = budgetTokens
        self.client = client
        self.run = run
    }

    /// The default root: `$XDG_DATA_HOME/seedance/runs`, else `~/.local/share/seedance/runs`. The environment is
    /// passed in (libraries never read it).
    public static func defaultRoot(environment: [String: String]) -> String {
        if let data = environment["XDG_DATA_HOME"], !data.isEmpty {
            return (data as NSString).appendingPathComponent("seedance/runs")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".local/share/seedance/runs")
    }
}
