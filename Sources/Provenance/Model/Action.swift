/// One action of a `c2pa.actions` or `c2pa.actions.v2` assertion (C2PA specification 18.11): what was done, by
/// which software, to what kind of source.
public struct Action: Sendable, Hashable, Encodable {
    /// The action (`c2pa.created`, `c2pa.opened`, `c2pa.edited`, ...).
    public var action: String
    /// The software agent: the text of a v1 action, or the `name` (and `version`) of a v2 generator-info map.
    public var softwareAgent: String?
    /// The software agent as stored (text or an object).
    public var softwareAgentValue: JSONValue?
    /// The IPTC digital source type URI
    /// (`http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia`).
    public var digitalSourceType: String?
    /// When the action happened, as written.
    public var when: String?
    /// A description, when given.
    public var description: String?
    /// The parameters, as JSON.
    public var parameters: JSONValue?

    /// The label of the actions assertion it came from.
    public var assertionLabel: String

    /// The action a CBOR map holds, or nil.
    public init?(_ value: CBORValue, assertionLabel: String) {
        guard let action = value["action"]?.textValue else { return nil }
        self.action = action
        self.assertionLabel = assertionLabel
        if let agent = value["softwareAgent"] {
            softwareAgentValue = JSONValue(agent)
            if let text = agent.textValue {
                softwareAgent = text
            } else if let name = agent["name"]?.textValue {
                softwareAgent = [name, agent["version"]?.textValue].compactMap { $0 }.joined(separator: " ")
            }
        }
        digitalSourceType = value["digitalSourceType"]?.textValue
        when = value["when"]?.untagged.textValue
        description = value["description"]?.textValue
        parameters = value["parameters"].map(JSONValue.init)
    }

    /// The last path component of ``digitalSourceType`` (`trainedAlgorithmicMedia`).
    public var digitalSourceTypeName: String? {
        digitalSourceType.map { $0.split(separator: "/").last.map(String.init) ?? $0 }
    }

    /// `parameters.model_name`, the model that made the media (Seedance writes it).
    public var modelName: String? {
        parameters?["model_name"]?.stringValue
    }

    private enum Keys: String, CodingKey {
        case action, softwareAgent = "software_agent", digitalSourceType = "digital_source_type", when, description,
             parameters, modelName = "model_name"
    }

    /// Encodes the fields with snake_case keys; the software agent as stored.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(action, forKey: .action)
        try container.encode(softwareAgentValue ?? .null, forKey: .softwareAgent)
        try container.encode(digitalSourceType, forKey: .digitalSourceType)
        try container.encode(when, forKey: .when)
        try container.encodeIfPresent(description, forKey: .description)
        try container.encode(parameters ?? .null, forKey: .parameters)
        try container.encode(modelName, forKey: .modelName)
    }
}
