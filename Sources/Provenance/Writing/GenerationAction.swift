import Foundation

/// The software that did something, as C2PA's `softwareAgent` and `claim_generator_info` write it: a name and
/// a version.
public struct SoftwareAgent: Sendable, Hashable {
    /// The name, e.g. "seedance simulator".
    public var name: String
    /// The version, e.g. "0.1.0".
    public var version: String

    /// Makes an agent.
    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }

    /// `{name, version}`.
    var cbor: CBORValue {
        .map([CBORPair(key: .text("name"), value: .text(name)),
              CBORPair(key: .text("version"), value: .text(version))])
    }
}

/// The `c2pa.created` action a generative service records: the media was made by a trained model, from nothing
/// that had content credentials of its own, by `softwareAgent`, at `when`, with the model named in the parameters.
///
/// Written as the only action of a `c2pa.actions.v2` assertion, with the fields a Seedance 2.0 delivery carries
/// (`digitalSourceType`, `softwareAgent`, `parameters.model_name`, a log id) in the order c2pa-rs writes them.
public struct GenerationAction: Sendable, Hashable {
    /// IPTC's term for media made by a model trained on sampled content (what a C2PA reader shows as "AI generated").
    public static let trainedAlgorithmicMedia =
        "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"

    /// The assertion's label.
    public static let assertionLabel = "c2pa.actions.v2"

    /// The IPTC digital source type; `trainedAlgorithmicMedia` unless told.
    public var digitalSourceType: String
    /// The software that made the media.
    public var softwareAgent: SoftwareAgent
    /// When it was made.
    public var when: Date
    /// The model family that made it (`parameters.model_name`), e.g. `doubao-seedance-2-0`.
    public var modelName: String
    /// The service's identifier of the generation (`parameters.log_id`), e.g. a task id; nil leaves it out.
    public var logID: String?

    /// Makes an action.
    public init(softwareAgent: SoftwareAgent, when: Date, modelName: String, logID: String? = nil,
                digitalSourceType: String = GenerationAction.trainedAlgorithmicMedia) {
        self.softwareAgent = softwareAgent
        self.when = when
        self.modelName = modelName
        self.logID = logID
        self.digitalSourceType = digitalSourceType
    }

    /// The whole `c2pa.actions.v2` assertion: `{actions: [this action]}`.
    public var assertion: CBORValue {
        var parameters: [CBORPair] = []
        if let logID { parameters.append(CBORPair(key: .text("log_id"), value: .text(logID))) }
        parameters.append(CBORPair(key: .text("model_name"), value: .text(modelName)))
        let action: CBORValue = .map([
            CBORPair(key: .text("action"), value: .text("c2pa.created")),
            // Tag 0: an RFC 3339 date-time string, as c2pa-rs writes `when`.
            CBORPair(key: .text("when"), value: .tagged(0, .text(Self.timestamp(when)))),
            CBORPair(key: .text("softwareAgent"), value: softwareAgent.cbor),
            CBORPair(key: .text("parameters"), value: .map(parameters)),
            CBORPair(key: .text("digitalSourceType"), value: .text(digitalSourceType)),
        ])
        return .map([CBORPair(key: .text("actions"), value: .array([action]))])
    }

    /// `date` as RFC 3339 in UTC to the second, e.g. `2026-01-01T00:00:00Z`.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
