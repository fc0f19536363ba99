import Foundation

/// What a file's Content Credentials say and whether they hold: who made it, who signed it, and the C2PA status
/// codes of every check. `Encodable` as the stable JSON object of `seedance provenance --json` (docs/provenance.md).
public struct ProvenanceReport: Sendable, Encodable {
    /// The overall verdict.
    public enum State: String, Sendable, Hashable, Encodable {
        /// The file has no C2PA manifest store.
        case noManifest = "no_manifest"
        /// A check failed: the file was changed after signing, a signature does not verify, a reference is broken.
        case invalid
        /// Every check passed, but some signer is not trusted (no trust anchor, or not one of them).
        case valid
        /// Every check passed and every signer is trusted.
        case trusted
    }

    /// The file, as named.
    public var file: String
    /// The manifest store; nil when the file has none.
    public var store: ManifestStore?
    /// The results of the active manifest.
    public var active: ManifestValidation?
    /// The results of every ingredient manifest reached, in order.
    public var ingredients: [IngredientValidation]
    /// The hard binding of the active manifest.
    public var hardBinding: HardBindingReport?

    /// A report for a file without a manifest store.
    public init(file: String) {
        self.init(file: file, store: nil, active: nil, ingredients: [], hardBinding: nil)
    }

    /// Makes a report.
    public init(file: String, store: ManifestStore?, active: ManifestValidation?, ingredients: [IngredientValidation],
                hardBinding: HardBindingReport?) {
        self.file = file
        self.store = store
        self.active = active
        self.ingredients = ingredients
        self.hardBinding = hardBinding
    }

    /// The active manifest.
    public var activeManifest: Manifest? { store?.activeManifest }

    /// Every failure, the active manifest's first, then each ingredient manifest's (c2pa-rs's `validation_status`).
    public var validationStatus: [ValidationStatus] {
        (active?.failures ?? []) + ingredients.flatMap(\.validation.failures)
    }

    /// The verdict: invalid when any check failed other than a signer's trust, trusted when nothing failed and the
    /// active signer is trusted, else valid.
    public var state: State {
        guard store != nil else { return .noManifest }
        let failures = validationStatus
        if failures.contains(where: { $0.code != StatusCode.signingCredentialUntrusted }) { return .invalid }
        if failures.isEmpty, signerTrusted == true { return .trusted }
        return .valid
    }

    /// Whether the file matches its hard binding; nil without a manifest or when the binding is not checked.
    public var isIntact: Bool? {
        guard let hardBinding else { return nil }
        switch hardBinding.result {
        case .match: return true
        case .unsupported: return nil
        case .mismatch, .malformed, .missing: return false
        }
    }

    /// Whether the active manifest's claim signature verifies; nil without a manifest.
    public var signatureValid: Bool? {
        active.map { $0.has(StatusCode.claimSignatureValidated) }
    }

    /// Whether the active manifest's signer chains to a trust anchor; nil without a manifest.
    public var signerTrusted: Bool? {
        active.map { $0.has(StatusCode.signingCredentialTrusted) }
    }

    /// Who made the file, in a few fields.
    public var summary: ProvenanceSummary {
        ProvenanceSummary(manifest: activeManifest)
    }

    private enum Keys: String, CodingKey {
        case file, state, intact, signatureValid = "signature_valid", signerTrusted = "signer_trusted",
             activeManifest = "active_manifest", manifestCount = "manifest_count", claimVersion = "claim_version",
             claimGenerator = "claim_generator", claimGeneratorInfo = "claim_generator_info", title, format,
             instanceID = "instance_id", softwareAgent = "software_agent", modelName = "model_name",
             digitalSourceType = "digital_source_type", actions, ingredients, signature,
             hardBinding = "hard_binding", validationStatus = "validation_status", results
    }

    private enum ResultKeys: String, CodingKey { case activeManifest = "active_manifest", ingredients }

    /// The stable JSON object (every key always present; null where there is nothing).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        let manifest = activeManifest
        let summary = self.summary
        try container.encode(file, forKey: .file)
        try container.encode(state, forKey: .state)
        try container.encode(isIntact, forKey: .intact)
        try container.encode(signatureValid, forKey: .signatureValid)
        try container.encode(signerTrusted, forKey: .signerTrusted)
        try container.encode(manifest?.label, forKey: .activeManifest)
        try container.encode(store?.manifests.count ?? 0, forKey: .manifestCount)
        try container.encode(manifest?.claim.version, forKey: .claimVersion)
        try container.encode(manifest?.claim.generator, forKey: .claimGenerator)
        try container.encode(manifest?.claim.claimGeneratorInfo ?? [], forKey: .claimGeneratorInfo)
        try container.encode(manifest?.claim.title, forKey: .title)
        try container.encode(manifest?.claim.format, forKey: .format)
        try container.encode(manifest?.claim.instanceID, forKey: .instanceID)
        try container.encode(summary.softwareAgent, forKey: .softwareAgent)
        try container.encode(summary.modelName, forKey: .modelName)
        try container.encode(summary.digitalSourceType, forKey: .digitalSourceType)
        try container.encode(manifest?.actions ?? [], forKey: .actions)
        try container.encode(manifest?.ingredients ?? [], forKey: .ingredients)
        try container.encode(active?.signer, forKey: .signature)
        try container.encode(hardBinding, forKey: .hardBinding)
        try container.encode(validationStatus.map(ManifestValidation.StatusEntry.init), forKey: .validationStatus)
        var results = container.nestedContainer(keyedBy: ResultKeys.self, forKey: .results)
        try results.encode(active, forKey: .activeManifest)
        try results.encode(ingredients, forKey: .ingredients)
    }
}

/// Who made a file, from its active manifest: the generator, the creating action's software agent, source type and
/// model, and when.
public struct ProvenanceSummary: Sendable, Hashable {
    /// The claim generator (`claim_generator`, or the first `claim_generator_info` as `name version`).
    public var claimGenerator: String?
    /// The action that made the media: the first `c2pa.created`, else the first action.
    public var action: String?
    /// That action's software agent (`Volcengine_Ark_CN 1.0.0`), or the first action's that names one.
    public var softwareAgent: String?
    /// That action's digital source type URI.
    public var digitalSourceType: String?
    /// `parameters.model_name` of the first action that has one (`doubao-seedance-2-0`).
    public var modelName: String?
    /// When the action says it happened.
    public var when: String?

    /// The summary of `manifest` (all nil without one).
    public init(manifest: Manifest?) {
        let actions = manifest?.actions ?? []
        let creating = actions.first { $0.action == "c2pa.created" } ?? actions.first
        claimGenerator = manifest?.claim.generator
        action = creating?.action
        softwareAgent = creating?.softwareAgent ?? actions.lazy.compactMap(\.softwareAgent).first
        digitalSourceType = creating?.digitalSourceType ?? actions.lazy.compactMap(\.digitalSourceType).first
        modelName = manifest?.modelName
        when = creating?.when
    }

    /// The last part of the digital source type (`trainedAlgorithmicMedia`).
    public var digitalSourceTypeName: String? {
        digitalSourceType.map { $0.split(separator: "/").last.map(String.init) ?? $0 }
    }
}
