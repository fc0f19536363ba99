/// One manifest of a manifest store: its claim, its assertions and its claim signature.
public struct Manifest: Sendable {
    /// The label (`urn:uuid:...` or `urn:c2pa:...`).
    public var label: String
    /// The manifest superbox.
    public var box: JUMBFSuperBox
    /// Whether it is an update manifest (`c2um`).
    public var isUpdateManifest: Bool
    /// The label of the claim box (`c2pa.claim` or `c2pa.claim.v2`).
    public var claimLabel: String
    /// The claim.
    public var claim: Claim
    /// The claim exactly as stored: what the signature signs.
    public var claimBytes: [UInt8]
    /// The claim signature superbox, when present.
    public var signatureBox: JUMBFSuperBox?
    /// The claim signature, when present and readable.
    public var signature: COSESign1?
    /// Why the claim signature could not be read, when it could not.
    public var signatureError: String?
    /// The assertions of its assertion store, in order.
    public var assertions: [Assertion]

    /// The assertion labelled `label` (instance suffix included), or nil.
    public func assertion(labelled label: String) -> Assertion? {
        assertions.first { $0.label == label }
    }

    /// The actions of every `c2pa.actions` and `c2pa.actions.v2` assertion, in order.
    public var actions: [Action] {
        assertions.filter { $0.baseLabel == "c2pa.actions" || $0.baseLabel == "c2pa.actions.v2" }.flatMap { assertion in
            (assertion.value?["actions"]?.arrayValue ?? []).compactMap { Action($0, assertionLabel: assertion.label) }
        }
    }

    /// The ingredients of every `c2pa.ingredient`, `.v2` and `.v3` assertion, in order.
    public var ingredients: [Ingredient] {
        assertions.filter { $0.baseLabel.hasPrefix("c2pa.ingredient") }.compactMap { assertion in
            assertion.value.flatMap { Ingredient($0, assertionLabel: assertion.label, baseLabel: assertion.baseLabel) }
        }
    }

    /// The hard-binding assertions the claim references (for a v2 claim, only among `created_assertions`).
    public var hardBindings: [Assertion] {
        let references = claim.version >= 2 ? claim.createdAssertions : claim.assertionReferences
        let labels = Set(references.map(\.lastLabel))
        return assertions.filter { $0.isHardBinding && labels.contains($0.label) }
    }

    /// The model that made the media: `parameters.model_name` of the first action that has one.
    public var modelName: String? {
        actions.lazy.compactMap(\.modelName).first
    }

    /// Reads the manifest superbox `box` of the manifest store `bytes`.
    init(box: JUMBFSuperBox, bytes: [UInt8]) throws(ProvenanceError) {
        self.box = box
        guard let label = box.label else { throw ProvenanceError.malformedJUMBF(reason: "a manifest has no label") }
        self.label = label
        isUpdateManifest = box.descriptionBox.typeName == "c2um"
        guard let claimBox = box.superBoxes.first(where: { $0.descriptionBox.typeName == "c2cl" })
                ?? box.superBoxes.first(where: { ($0.label ?? "").hasPrefix("c2pa.claim") }),
              let claimContent = claimBox.contentBoxes.first(where: { $0.type == "cbor" }) else {
            throw ProvenanceError.malformedJUMBF(reason: "manifest \(label) has no claim")
        }
        claimLabel = claimBox.label ?? "c2pa.claim"
        claimBytes = Array(bytes[claimContent.payloadRange])
        let value: CBORValue
        do {
            value = try CBORDecoder().decodePrefix(claimBytes).value
        } catch {
            throw ProvenanceError.malformedCBOR(what: "the claim of \(label)", error: error)
        }
        claim = Claim(value: value, label: claimLabel)
        signatureBox = box.superBoxes.first { $0.descriptionBox.typeName == "c2cs" || $0.label == "c2pa.signature" }
        if let content = signatureBox?.contentBoxes.first(where: { $0.type == "cbor" }) {
            do {
                signature = try COSESign1(bytes: Array(bytes[content.payloadRange]))
            } catch {
                signatureError = error.description
            }
        } else {
            signatureError = "the manifest has no claim signature"
        }
        let store = box.superBoxes.first { $0.descriptionBox.typeName == "c2as" || $0.label == "c2pa.assertions" }
        assertions = (store?.superBoxes ?? []).map { Assertion(box: $0, bytes: bytes) }
    }
}
