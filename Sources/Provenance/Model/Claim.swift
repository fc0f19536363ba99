/// The claim of a manifest (C2PA specification 10): what the signer states, and the hashed references to the
/// assertions it covers. Version 1 claims (`c2pa.claim`) list `assertions`; version 2 claims (`c2pa.claim.v2`) list
/// `created_assertions` and `gathered_assertions`.
public struct Claim: Sendable {
    /// 1 for `c2pa.claim`, 2 for `c2pa.claim.v2`.
    public var version: Int
    /// The human-readable claim generator of a version 1 claim (`TestApp c2patool/0.6.2 c2pa-rs/0.28.2`).
    public var claimGenerator: String?
    /// The structured claim generator: a list in version 1 claims, one entry in version 2.
    public var claimGeneratorInfo: [ClaimGeneratorInfo]
    /// `dc:title`.
    public var title: String?
    /// `dc:format` (version 1).
    public var format: String?
    /// `instanceID`.
    public var instanceID: String?
    /// The URI of the claim signature (`self#jumbf=c2pa.signature`).
    public var signatureURI: String?
    /// Every hashed reference to an assertion: `assertions` (v1), else `created_assertions` then
    /// `gathered_assertions` (v2).
    public var assertionReferences: [HashedURI]
    /// The references of `created_assertions` (v2; empty in v1).
    public var createdAssertions: [HashedURI]
    /// The references of `gathered_assertions` (v2; empty in v1).
    public var gatheredAssertions: [HashedURI]
    /// URIs of redacted assertions.
    public var redactedAssertions: [String]
    /// The default hash algorithm of the references (`alg`); nil means `sha256`.
    public var algorithm: String?
    /// The whole claim as decoded.
    public var value: CBORValue

    /// Reads a claim decoded from its CBOR box; `label` (`c2pa.claim` or `c2pa.claim.v2`) decides the version.
    public init(value: CBORValue, label: String) {
        self.value = value
        version = label.hasSuffix(".v2") || value["created_assertions"] != nil ? 2 : 1
        claimGenerator = value["claim_generator"]?.textValue
        switch value["claim_generator_info"] {
        case .array(let items): claimGeneratorInfo = items.compactMap(ClaimGeneratorInfo.init)
        case let single?: claimGeneratorInfo = [ClaimGeneratorInfo(single)].compactMap { $0 }
        case nil: claimGeneratorInfo = []
        }
        title = value["dc:title"]?.textValue
        format = value["dc:format"]?.textValue
        instanceID = value["instanceID"]?.textValue
        signatureURI = value["signature"]?.textValue
        createdAssertions = (value["created_assertions"]?.arrayValue ?? []).compactMap(HashedURI.init)
        gatheredAssertions = (value["gathered_assertions"]?.arrayValue ?? []).compactMap(HashedURI.init)
        let listed = (value["assertions"]?.arrayValue ?? []).compactMap(HashedURI.init)
        assertionReferences = listed + createdAssertions + gatheredAssertions
        redactedAssertions = (value["redacted_assertions"]?.arrayValue ?? []).compactMap(\.textValue)
        algorithm = value["alg"]?.textValue
    }

    /// The generator in one line: `claim_generator` when present, else the first `claim_generator_info` as
    /// `name version`.
    public var generator: String? {
        if let claimGenerator { return claimGenerator }
        guard let first = claimGeneratorInfo.first else { return nil }
        return [first.name, first.version].compactMap { $0 }.joined(separator: " ")
    }
}

/// One entry of `claim_generator_info`: the software that made the claim.
public struct ClaimGeneratorInfo: Sendable, Hashable, Encodable {
    /// `name`.
    public var name: String?
    /// `version`.
    public var version: String?
    /// Every field, as JSON (other keys such as `org.contentauth.c2pa_rs` included).
    public var fields: JSONValue

    /// The entry a CBOR map holds, or nil for anything else.
    public init?(_ value: CBORValue) {
        guard case .map = value else { return nil }
        name = value["name"]?.textValue
        version = value["version"]?.textValue
        fields = JSONValue(value)
    }

    /// Encodes as its fields.
    public func encode(to encoder: any Encoder) throws {
        try fields.encode(to: encoder)
    }
}
