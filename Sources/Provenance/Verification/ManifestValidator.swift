import Foundation
import X509

/// Validates the manifests of a store the way the C2PA specification (15) orders it, and as c2pa-rs reports it:
/// per manifest the time stamp, the signing credential (profile and trust), the claim signature, the hashed URIs of
/// the assertions; for the active manifest the hard binding over the file; then every ingredient's manifest.
struct ManifestValidator {
    let store: ManifestStore
    let tree: BMFFBoxTree
    let source: any ByteSource
    let trust: TrustPolicy
    let now: Date

    /// Ingredient manifests validated, in order.
    var ingredients: [IngredientValidation] = []
    /// The hard binding of the active manifest, as found.
    var hardBinding: HardBindingReport?
    private var visited: Set<String> = []

    /// Deepest chain of ingredients followed.
    static let maxIngredientDepth = 16

    init(store: ManifestStore, tree: BMFFBoxTree, source: any ByteSource, trust: TrustPolicy, now: Date) {
        self.store = store
        self.tree = tree
        self.source = source
        self.trust = trust
        self.now = now
    }

    /// Validates the active manifest and, through its ingredients, the manifests it was made from.
    mutating func validateActive() async -> ManifestValidation? {
        guard let active = store.activeManifest else { return nil }
        visited.insert(active.label)
        var validation = await validate(active)
        validation.statuses += hardBindingResults(active)
        validation.statuses += await ingredientResults(active, depth: 1)
        return validation
    }

    /// The URI of the manifest labelled `label`.
    static func manifestURL(_ label: String) -> String { "self#jumbf=/c2pa/\(label)" }

    /// The absolute URI of a reference made from inside the manifest labelled `label`.
    static func absolute(_ reference: HashedURI, in label: String) -> String {
        reference.jumbfPath.hasPrefix("/") ? "self#jumbf=" + reference.jumbfPath
            : manifestURL(label) + "/" + reference.jumbfPath
    }

    /// The checks of one manifest: time stamp, signing credential, claim signature, assertions.
    mutating func validate(_ manifest: Manifest) async -> ManifestValidation {
        let base = Self.manifestURL(manifest.label)
        let signatureURL = base + "/c2pa.signature"
        var statuses: [ValidationStatus] = []
        func add(_ code: String, _ url: String, _ explanation: String, _ kind: ValidationStatus.Kind) {
            statuses.append(ValidationStatus(code, url: url, explanation, kind: kind))
        }
        var signer: SignerReport?

        if let cose = manifest.signature {
            var report = SignerReport(algorithm: cose.algorithm?.name ?? cose.algorithmLabel.map { "COSE \($0)" },
                                      chainLength: cose.certificateChain.count, timeStampTrusted: false)
            var signingTime: Date?
            if let stamp = await timeStamp(cose, manifest: manifest, url: signatureURL) {
                statuses += stamp.statuses
                report.timeStamp = stamp.time
                report.timeStampTrusted = stamp.trusted
                report.timeStampAuthority = stamp.authority
                if stamp.trusted { signingTime = stamp.time }
            }
            let leaf = cose.certificateChain.first.flatMap { try? Certificate(derEncoded: $0) }
            report.certificate = leaf.map(CertificateSummary.init)
            var signatureValid = false
            if cose.algorithm == nil {
                add(StatusCode.algorithmUnsupported, signatureURL,
                    "signature algorithm \(cose.algorithmLabel.map(String.init) ?? "(none)") is not supported", .failure)
            }
            if let leaf, let der = cose.certificateChain.first {
                let time = signingTime ?? now
                var profileExpired = false
                switch CertificateProfile.check(leaf, der: der, at: time, purposes: trust.allowedKeyPurposes) {
                case .notValidAt?:
                    profileExpired = true
                    add(StatusCode.signingCredentialExpired, signatureURL,
                        "signing certificate was not valid at \(ISO8601.string(time))", .failure)
                case .invalid(let reason)?:
                    add(StatusCode.signingCredentialInvalid, signatureURL, "signing certificate invalid: \(reason)", .failure)
                case nil:
                    break
                }
                let intermediates = cose.certificateChain.dropFirst().compactMap { try? Certificate(derEncoded: $0) }
                if await ChainTrust.isTrusted(leaf: leaf, intermediates: intermediates, anchors: trust.anchors, at: time) {
                    add(StatusCode.signingCredentialTrusted, signatureURL, "signing certificate trusted", .success)
                } else {
                    add(StatusCode.signingCredentialUntrusted, signatureURL, "signing certificate untrusted", .failure)
                }
                if let algorithm = cose.algorithm {
                    let signed = SigStructure.signature1(protected: cose.protectedBytes, payload: manifest.claimBytes)
                    signatureValid = SignatureCheck.verifyCOSE(algorithm, signature: cose.signature, data: signed,
                                                               key: leaf.publicKey)
                }
                if signatureValid && !profileExpired {
                    add(StatusCode.claimSignatureInsideValidity, signatureURL, "claim signature valid", .success)
                }
            } else {
                add(StatusCode.signingCredentialInvalid, signatureURL,
                    cose.certificateChain.isEmpty ? "no signing certificate (x5chain)" : "the signing certificate cannot be read",
                    .failure)
            }
            if signatureValid {
                add(StatusCode.claimSignatureValidated, signatureURL, "claim signature valid", .success)
            } else {
                add(StatusCode.claimSignatureMismatch, signatureURL, "claim signature is not valid", .failure)
            }
            add(StatusCode.signingCredentialOCSPSkipped, signatureURL, "revocation (OCSP) not checked", .informational)
            signer = report
        } else if manifest.signatureBox == nil {
            add(StatusCode.claimSignatureMissing, signatureURL, "the manifest has no claim signature", .failure)
        } else {
            add(StatusCode.claimSignatureMismatch, signatureURL,
                "claim signature is not valid: \(manifest.signatureError ?? "unreadable")", .failure)
        }

        statuses += assertionResults(manifest)
        return ManifestValidation(manifest: manifest.label, statuses: statuses, signer: signer)
    }

    /// The outcome of a manifest's time stamp.
    struct TimeStampOutcome {
        var statuses: [ValidationStatus]
        var time: Date?
        var trusted: Bool
        var authority: CertificateSummary?
    }

    /// Checks the first time-stamp token of the signature's `sigTst`/`sigTst2`: its signature, its imprint (of
    /// the countersignature structure of the claim, or of the signature value for `sigTst2`), its authority's
    /// validity at the stamped time, and (claim v2) its authority's trust. A version 1 claim's time stamp is not
    /// checked against the trust list (as c2pa-rs does for 1.x manifests).
    func timeStamp(_ cose: COSESign1, manifest: Manifest, url: String) async -> TimeStampOutcome? {
        guard let bytes = cose.timeStampTokens.first else { return nil }
        var outcome = TimeStampOutcome(statuses: [], trusted: false)
        func add(_ code: String, _ explanation: String, _ kind: ValidationStatus.Kind) {
            outcome.statuses.append(ValidationStatus(code, url: url, explanation, kind: kind))
        }
        let token: TimeStampToken
        do {
            token = try TimeStampToken(bytes: bytes)
        } catch {
            add(StatusCode.timeStampMalformed, "could not parse the time stamp: \(error)", .informational)
            return outcome
        }
        let stamped = cose.timeStampStorage == .sigTst2
            ? SigStructure.counterSignature(protected: cose.protectedBytes, payload: SigStructure.byteString(cose.signature))
            : SigStructure.counterSignature(protected: cose.protectedBytes, payload: manifest.claimBytes)
        guard let (authority, der) = token.verifiedSigner() else {
            add(StatusCode.timeStampUntrusted, "the time stamp's signature does not verify", .informational)
            return outcome
        }
        let margin = token.accuracySeconds
        guard authority.notValidBefore.addingTimeInterval(-margin) <= token.time,
              token.time <= authority.notValidAfter.addingTimeInterval(margin) else {
            add(StatusCode.timeStampOutsideValidity, "time-stamp authority outside its validity", .informational)
            return outcome
        }
        guard token.imprintMatches(stamped) == true else {
            add(StatusCode.timeStampMismatch, "the time stamp does not match the signature", .informational)
            return outcome
        }
        let name = CertificateSummary(authority)
        add(StatusCode.timeStampValidated, "timestamp message digest matched: \(name.commonName ?? name.subject)", .success)
        outcome.time = token.time
        outcome.authority = name
        var trusted = manifest.claim.version == 1
        if !trusted {
            let others = token.certificates.filter { $0 != der }.compactMap { try? Certificate(derEncoded: $0) }
            if CertificateProfile.check(authority, der: der, at: token.time, purposes: [TrustPolicy.timeStampingPurpose]) == nil {
                trusted = await ChainTrust.isTrusted(leaf: authority, intermediates: others, anchors: trust.anchors,
                                                     at: token.time)
            }
        }
        if trusted {
            add(StatusCode.timeStampTrusted, "timestamp cert trusted: \(name.commonName ?? name.subject)", .success)
            outcome.trusted = true
        } else {
            add(StatusCode.timeStampUntrusted, "timestamp cert untrusted: \(name.commonName ?? name.subject)", .informational)
        }
        return outcome
    }

    /// Every hashed URI of the claim checked against the box it names; assertions the claim does not name.
    func assertionResults(_ manifest: Manifest) -> [ValidationStatus] {
        var statuses: [ValidationStatus] = []
        var referenced = Set<String>()
        for reference in manifest.claim.assertionReferences {
            let url = Self.absolute(reference, in: manifest.label)
            if let label = reference.manifestLabel, label != manifest.label {
                statuses.append(ValidationStatus("assertion.outsideManifest", url: url,
                                                 "assertion reference to another manifest: \(reference.url)", kind: .failure))
                continue
            }
            referenced.insert(reference.lastLabel)
            statuses.append(check(reference, url: url, in: manifest, matchCode: StatusCode.hashedURIMatch,
                                  mismatchCode: StatusCode.hashedURIMismatch))
        }
        let redacted = Set(manifest.claim.redactedAssertions.map { HashedURI(url: $0, hash: []).lastLabel })
        for assertion in manifest.assertions where !referenced.contains(assertion.label) && !redacted.contains(assertion.label) {
            statuses.append(ValidationStatus(StatusCode.assertionUndeclared,
                                             url: Self.manifestURL(manifest.label) + "/c2pa.assertions/" + assertion.label,
                                             "assertion is not referenced by the claim", kind: .failure))
        }
        return statuses
    }

    /// One hashed URI against the box it names, relative to `manifest`.
    func check(_ reference: HashedURI, url: String, in manifest: Manifest, matchCode: String, mismatchCode: String,
               matchKind: ValidationStatus.Kind = .success) -> ValidationStatus {
        guard let box = store.resolve(reference.url, relativeTo: manifest.label) else {
            return ValidationStatus(StatusCode.assertionMissing, url: url, "cannot find \(reference.url)", kind: .failure)
        }
        guard let algorithm = HashAlgorithm(c2paName: reference.algorithm ?? manifest.claim.algorithm) else {
            return ValidationStatus(StatusCode.algorithmUnsupported, url: url,
                                    "hash algorithm \(reference.algorithm ?? manifest.claim.algorithm ?? "") is not supported",
                                    kind: .failure)
        }
        if algorithm.digest(store.payload(of: box)) == reference.hash {
            return ValidationStatus(matchCode, url: url, "hashed uri matched: \(reference.url)", kind: matchKind)
        }
        return ValidationStatus(mismatchCode, url: url, "hash does not match the data: \(reference.url)", kind: .failure)
    }

    /// The hard binding of the active manifest against the file.
    mutating func hardBindingResults(_ manifest: Manifest) -> [ValidationStatus] {
        let base = Self.manifestURL(manifest.label)
        let bindings = manifest.hardBindings
        guard !bindings.isEmpty else {
            hardBinding = HardBindingReport(label: nil, algorithm: nil, exclusions: [], result: .missing)
            return [ValidationStatus(StatusCode.hardBindingsMissing, url: base, "claim missing data binding", kind: .failure)]
        }
        var statuses: [ValidationStatus] = []
        if bindings.count > 1 {
            statuses.append(ValidationStatus(StatusCode.hardBindingsMultiple, url: base, "claim has multiple data bindings",
                                             kind: .failure))
        }
        for binding in bindings {
            let (report, results) = HardBindingCheck.run(binding, manifest: manifest, tree: tree, source: source,
                                                          url: base + "/c2pa.assertions/" + binding.label)
            if hardBinding == nil { hardBinding = report }
            statuses += results
        }
        return statuses
    }

    /// Each ingredient's manifest: its reference checked, then its own validation; recursively.
    mutating func ingredientResults(_ manifest: Manifest, depth: Int) async -> [ValidationStatus] {
        var parentStatuses: [ValidationStatus] = []
        guard depth <= Self.maxIngredientDepth else { return [] }
        for ingredient in manifest.ingredients {
            let assertionURL = Self.manifestURL(manifest.label) + "/c2pa.assertions/" + ingredient.assertionLabel
            for (field, reference) in ingredient.references where field == "thumbnail" || field == "data" {
                parentStatuses.append(check(reference, url: Self.absolute(reference, in: manifest.label), in: manifest,
                                            matchCode: StatusCode.hashedURIMatch, mismatchCode: StatusCode.hashedURIMismatch))
            }
            guard let reference = ingredient.manifestReference else { continue }
            var statuses: [ValidationStatus] = []
            let label = reference.manifestLabel ?? reference.lastLabel
            guard let target = store.manifest(labelled: label) else {
                statuses.append(ValidationStatus(StatusCode.ingredientManifestMissing, url: reference.url,
                                                 "ingredient manifest \(label) is not in the store", kind: .failure))
                ingredients.append(IngredientValidation(assertionURL: assertionURL,
                                                        validation: ManifestValidation(manifest: label, statuses: statuses)))
                continue
            }
            let algorithm = HashAlgorithm(c2paName: reference.algorithm ?? target.claim.algorithm) ?? .sha256
            if algorithm.digest(store.payload(of: target.box)) == reference.hash
                || algorithm.digest(target.claimBytes) == reference.hash {
                // The manifest box's content (C2PA 1.3 on), or the claim alone (earlier writers).
                statuses.append(ValidationStatus(StatusCode.ingredientManifestValidated, url: reference.url,
                                                 "ingredient hash matched", kind: .success))
            } else {
                statuses.append(ValidationStatus(StatusCode.ingredientManifestMismatch, url: reference.url,
                                                 "ingredient hash incorrect", kind: .failure))
            }
            if let signatureReference = ingredient.claimSignatureReference {
                statuses.append(check(signatureReference, url: signatureReference.url, in: manifest,
                                      matchCode: StatusCode.ingredientClaimSignatureValidated,
                                      mismatchCode: StatusCode.ingredientClaimSignatureMismatch, matchKind: .informational))
            }
            let index = ingredients.count
            ingredients.append(IngredientValidation(assertionURL: assertionURL,
                                                    validation: ManifestValidation(manifest: target.label, statuses: statuses)))
            if visited.insert(target.label).inserted {
                let own = await validate(target)
                ingredients[index].validation.statuses += own.statuses
                ingredients[index].validation.signer = own.signer
                _ = await ingredientResults(target, depth: depth + 1)
            }
        }
        return parentStatuses
    }
}
