/// One result of validating a manifest, as the C2PA specification (15.2) names them: a status code, the JUMBF URI
/// of what it is about, and a sentence.
public struct ValidationStatus: Sendable, Hashable, Encodable {
    /// Whether a result is good news, bad news or neither (C2PA 2.x `success`, `failure`, `informational`).
    public enum Kind: String, Sendable, Hashable, Encodable {
        /// A check passed.
        case success
        /// A check failed.
        case failure
        /// Worth knowing; neither passes nor fails.
        case informational
    }

    /// The status code (`assertion.bmffHash.match`, `signingCredential.untrusted`, ...).
    public var code: String
    /// The JUMBF URI of the box it is about (`self#jumbf=/c2pa/urn:uuid:.../c2pa.signature`).
    public var url: String
    /// What happened, in words.
    public var explanation: String
    /// Success, failure or informational.
    public var kind: Kind

    /// Makes a result.
    public init(_ code: String, url: String, _ explanation: String, kind: Kind) {
        self.code = code
        self.url = url
        self.explanation = explanation
        self.kind = kind
    }
}

/// The C2PA status codes this reader reports (C2PA specification 15.2.1-15.2.3).
public enum StatusCode {
    /// The claim signature verifies.
    public static let claimSignatureValidated = "claimSignature.validated"
    /// The signing certificate was valid when the claim was signed.
    public static let claimSignatureInsideValidity = "claimSignature.insideValidity"
    /// The claim signature does not verify.
    public static let claimSignatureMismatch = "claimSignature.mismatch"
    /// The manifest has no claim signature box.
    public static let claimSignatureMissing = "claimSignature.missing"
    /// The signer's chain leads to a trust anchor.
    public static let signingCredentialTrusted = "signingCredential.trusted"
    /// The signer's chain leads to no trust anchor.
    public static let signingCredentialUntrusted = "signingCredential.untrusted"
    /// The signer's certificate was outside its validity at signing time.
    public static let signingCredentialExpired = "signingCredential.expired"
    /// The signer's certificate does not meet the C2PA certificate profile.
    public static let signingCredentialInvalid = "signingCredential.invalid"
    /// Revocation was not checked (this reader never fetches OCSP).
    public static let signingCredentialOCSPSkipped = "signingCredential.ocsp.skipped"
    /// The signature algorithm is not supported.
    public static let algorithmUnsupported = "algorithm.unsupported"
    /// The time stamp's message imprint matches.
    public static let timeStampValidated = "timeStamp.validated"
    /// The time stamp verifies and its authority is trusted.
    public static let timeStampTrusted = "timeStamp.trusted"
    /// The time stamp's authority is not trusted, or its signature does not verify.
    public static let timeStampUntrusted = "timeStamp.untrusted"
    /// The time stamp's imprint does not match.
    public static let timeStampMismatch = "timeStamp.mismatch"
    /// The time stamp could not be read.
    public static let timeStampMalformed = "timeStamp.malformed"
    /// The time-stamp authority's certificate was outside its validity.
    public static let timeStampOutsideValidity = "timeStamp.outsideValidity"
    /// A hashed URI's hash matches the bytes it references.
    public static let hashedURIMatch = "assertion.hashedURI.match"
    /// A hashed URI's hash does not match.
    public static let hashedURIMismatch = "assertion.hashedURI.mismatch"
    /// A hashed URI references nothing.
    public static let assertionMissing = "assertion.missing"
    /// An assertion of the store is not referenced by the claim.
    public static let assertionUndeclared = "assertion.undeclared"
    /// The BMFF hard binding matches the file.
    public static let bmffHashMatch = "assertion.bmffHash.match"
    /// The BMFF hard binding does not match the file.
    public static let bmffHashMismatch = "assertion.bmffHash.mismatch"
    /// The BMFF hash assertion is malformed.
    public static let bmffHashMalformed = "assertion.bmffHash.malformed"
    /// The BMFF hash excludes more than the manifest store.
    public static let bmffHashAdditionalExclusions = "assertion.bmffHash.additionalExclusionsPresent"
    /// The data hard binding matches the file.
    public static let dataHashMatch = "assertion.dataHash.match"
    /// The data hard binding does not match the file.
    public static let dataHashMismatch = "assertion.dataHash.mismatch"
    /// The data hash excludes more than the manifest store.
    public static let dataHashAdditionalExclusions = "assertion.dataHash.additionalExclusionsPresent"
    /// The manifest has no hard binding.
    public static let hardBindingsMissing = "claim.hardBindings.missing"
    /// The manifest has more than one hard binding.
    public static let hardBindingsMultiple = "claim.hardBindings.multiple"
    /// An ingredient's manifest reference matches the ingredient's manifest.
    public static let ingredientManifestValidated = "ingredient.manifest.validated"
    /// An ingredient's manifest reference does not match.
    public static let ingredientManifestMismatch = "ingredient.manifest.mismatch"
    /// An ingredient's manifest is not in the store.
    public static let ingredientManifestMissing = "ingredient.manifest.missing"
    /// An ingredient's claim signature reference matches.
    public static let ingredientClaimSignatureValidated = "ingredient.claimSignature.validated"
    /// An ingredient's claim signature reference does not match.
    public static let ingredientClaimSignatureMismatch = "ingredient.claimSignature.mismatch"
    /// A hard binding this reader cannot check: Merkle trees of fragmented files, box hashes. Not a code of the
    /// specification: this reader's own, informational, so that nothing unchecked passes silently.
    public static let hardBindingUnsupported = "assertion.bmffHash.unsupported"
}
