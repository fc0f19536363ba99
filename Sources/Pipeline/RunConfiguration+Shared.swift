import Foundation

/// The settings of a run that every worker on it must share (recorded in the run when it is registered): a worker
/// regenerates, checks and joins a run the way the command that started it asked, whatever its own flags.
public struct SharedRunSettings: Sendable, Hashable, Codable {
    /// `RunConfiguration.maxRegenerations`.
    public var maxRegenerations: Int
    /// `RunConfiguration.verify`.
    public var verify: Bool
    /// `RunConfiguration.concatenate`.
    public var concatenate: Bool
    /// `RunConfiguration.thresholdChanges`.
    public var thresholdChanges: [String]

    /// The run meta key holding them.
    public static let metaKey = "shared_settings"

    /// The settings of `configuration`.
    public init(_ configuration: RunConfiguration) {
        maxRegenerations = configuration.maxRegenerations
        verify = configuration.verify
        concatenate = configuration.concatenate
        thresholdChanges = configuration.thresholdChanges
    }

    /// `configuration` with these settings.
    public func applied(to configuration: RunConfiguration) -> RunConfiguration {
        var configuration = configuration
        configuration.maxRegenerations = maxRegenerations
        configuration.verify = verify
        configuration.concatenate = concatenate
        configuration.thresholdChanges = thresholdChanges
        return configuration
    }

    enum CodingKeys: String, CodingKey {
        case verify, concatenate
        case maxRegenerations = "max_regenerations", thresholdChanges = "threshold_changes"
    }
}
