import Foundation

/// A C2PA claim, version 2 (label `c2pa.claim.v2`): what the signature covers.
///
/// Fields in the order c2pa-rs writes them: `instanceID`, `claim_generator_info` (one map in v2), `signature`,
/// `created_assertions`, `dc:title`, `alg`. Every assertion this writer makes is created by the claim generator, so
/// all go in `created_assertions`; there are no gathered ones.
public struct ClaimV2: Sendable, Hashable {
    /// The label of the claim's superbox.
    public static let label = "c2pa.claim.v2"
    /// Where the signature sits, relative to the manifest.
    public static let signatureURI = "self#jumbf=c2pa.signature"

    /// The asset's instance id, e.g. `xmp:iid:` and a UUID.
    public var instanceID: String
    /// The software that made the claim.
    public var generator: SoftwareAgent
    /// The asset's title (`dc:title`), e.g. its file name.
    public var title: String
    /// The assertions, in the order of the assertion store.
    public var createdAssertions: [WrittenAssertion]

    /// Makes a claim.
    public init(instanceID: String, generator: SoftwareAgent, title: String, createdAssertions: [WrittenAssertion]) {
        self.instanceID = instanceID
        self.generator = generator
        self.title = title
        self.createdAssertions = createdAssertions
    }

    /// The claim as CBOR.
    public var cbor: CBORValue {
        .map([
            CBORPair(key: .text("instanceID"), value: .text(instanceID)),
            CBORPair(key: .text("claim_generator_info"), value: generator.cbor),
            CBORPair(key: .text("signature"), value: .text(Self.signatureURI)),
            CBORPair(key: .text("created_assertions"), value: .array(createdAssertions.map(\.hashedURI))),
            CBORPair(key: .text("dc:title"), value: .text(title)),
            CBORPair(key: .text("alg"), value: .text("sha256")),
        ])
    }
}
