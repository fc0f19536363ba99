import Crypto
import Foundation
import Testing
import X509
@testable import Provenance

/// The pieces of a manifest, byte by byte: JUMBF boxes, the C2PA uuid box, hashed assertions, the claim, the
/// COSE_Sign1 signature, the test identity and the model-family names.
@Suite("Manifest writer parts")
struct ManifestPartsTests {
    @Test("a description box is type UUID, toggles 3 and the label NUL-terminated")
    func descriptionBox() throws {
        let box = try JUMBFWriter.descriptionBox(contentType: JUMBFWriter.ContentType.assertionStore,
                                                 label: "c2pa.assertions")
        #expect(hex(box) == "00000029" + "6a756d64" + "6332617300110010800000aa00389b71" + "03"
            + hex(Data("c2pa.assertions".utf8)) + "00")
        #expect(throws: ManifestSigningError.self) {
            try JUMBFWriter.descriptionBox(contentType: JUMBFWriter.ContentType.claim, label: "a/b")
        }
        #expect(throws: ManifestSigningError.self) {
            try JUMBFWriter.descriptionBox(contentType: JUMBFWriter.ContentType.claim, label: "")
        }
    }

    @Test("the content types spell their four-character codes")
    func contentTypes() {
        let codes = [JUMBFWriter.ContentType.manifestStore, JUMBFWriter.ContentType.manifest,
                     JUMBFWriter.ContentType.claim, JUMBFWriter.ContentType.claimSignature,
                     JUMBFWriter.ContentType.assertionStore, JUMBFWriter.ContentType.cborAssertion]
            .map { String(decoding: $0.prefix(4), as: UTF8.self) }
        #expect(codes == ["c2pa", "c2ma", "c2cl", "c2cs", "c2as", "cbor"])
        #expect(JUMBFWriter.ContentType.claim.count == 16)
        #expect(hex(Data(JUMBFWriter.ContentType.claim.suffix(12))) == "00110010800000aa00389b71")
    }

    @Test("an assertion is hashed over its superbox without the superbox header")
    func assertionHash() throws {
        let assertion = try WrittenAssertion(label: "c2pa.test", value: .map([
            CBORPair(key: .text("a"), value: .unsigned(1)),
        ]))
        #expect(hex(assertion.cbor) == "a1616101")
        #expect(assertion.superbox.prefix(8) == Data([0, 0, 0, UInt8(assertion.superbox.count)]) + Data("jumb".utf8))
        #expect(assertion.hash == Data(SHA256.hash(data: assertion.superbox.dropFirst(8))))
        #expect(assertion.hash != Data(SHA256.hash(data: assertion.superbox)))
        // The description box, then the cbor content box holding the bytes.
        let description = try JUMBFWriter.descriptionBox(contentType: JUMBFWriter.ContentType.cborAssertion,
                                                         label: "c2pa.test")
        #expect(assertion.superbox.dropFirst(8).prefix(description.count) == description)
        #expect(assertion.superbox.suffix(12) == Data([0, 0, 0, 12]) + Data("cbor".utf8) + assertion.cbor)
        #expect(assertion.hashedURI["url"]?.textValue == "self#jumbf=c2pa.assertions/c2pa.test")
        #expect(assertion.hashedURI["hash"]?.bytesValue == assertion.hash)
    }

    @Test("the C2PA uuid box: extended type, version and flags, purpose, merkle offset, then the store")
    func manifestBox() throws {
        let store = try JUMBFWriter.superbox(contentType: JUMBFWriter.ContentType.manifestStore, label: "c2pa",
                                             contents: [])
        let box = try ManifestBoxWriter.box(manifestStore: store)
        #expect(box.count == ManifestBoxWriter.headerSize + store.count)
        #expect(hex(box.prefix(8)) == String(format: "%08x", box.count) + "75756964")
        #expect(hex(box.dropFirst(8).prefix(16)) == "d8fec3d61b0e483c92975828877ec481")
        #expect(hex(box.dropFirst(24).prefix(4)) == "00000000")
        #expect(box.dropFirst(28).prefix(9) == Data("manifest\0".utf8))
        #expect(box.dropFirst(37).prefix(8) == Data(count: 8))
        #expect(box.suffix(store.count) == store)
        #expect(try ManifestBoxWriter.freeBox(size: 8) == Data([0, 0, 0, 8]) + Data("free".utf8))
        #expect(throws: ManifestSigningError.self) { try ManifestBoxWriter.freeBox(size: 7) }
    }

    @Test("the actions assertion carries the created action as c2pa-rs writes it")
    func actionsAssertion() throws {
        let action = GenerationAction(softwareAgent: SoftwareAgent(name: "seedance simulator", version: "0.1.0"),
                                      when: Date(timeIntervalSince1970: 1_767_225_600),
                                      modelName: "doubao-seedance-2-0", logID: "cgt-1")
        let created = try #require(action.assertion["actions"]?.arrayValue?.first)
        #expect(created["action"]?.textValue == "c2pa.created")
        #expect(created["when"] == .tagged(0, .text("2026-01-01T00:00:00Z")))
        #expect(created["digitalSourceType"]?.textValue
            == "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia")
        #expect(created["softwareAgent"]?["name"]?.textValue == "seedance simulator")
        #expect(created["softwareAgent"]?["version"]?.textValue == "0.1.0")
        #expect(created["parameters"]?["model_name"]?.textValue == "doubao-seedance-2-0")
        #expect(created["parameters"]?["log_id"]?.textValue == "cgt-1")
    }

    @Test("the claim lists its fields in c2pa-rs's order with every assertion created")
    func claim() throws {
        let assertion = try WrittenAssertion(label: "c2pa.hash.bmff.v3", value: .map([]))
        let claim = ClaimV2(instanceID: "xmp:iid:1", generator: SoftwareAgent(name: "g", version: "1"),
                            title: "clip.mp4", createdAssertions: [assertion])
        guard case .map(let pairs) = claim.cbor else { Issue.record("the claim is not a map"); return }
        #expect(pairs.map(\.key.textValue) == ["instanceID", "claim_generator_info", "signature",
                                               "created_assertions", "dc:title", "alg"])
        #expect(claim.cbor["signature"]?.textValue == "self#jumbf=c2pa.signature")
        #expect(claim.cbor["created_assertions"]?.arrayValue == [assertion.hashedURI])
        #expect(claim.cbor["alg"]?.textValue == "sha256")
    }

    @Test("COSE_Sign1: tag 18, ES256 and the chain in the protected header, a signature that verifies")
    func coseSign1() throws {
        let key = P256.Signing.PrivateKey()
        let chain = [Data([1, 2, 3]), Data([4, 5])]
        let protected = COSESign1Writer.protectedHeader(chain: chain)
        // {1: -7, 33: [h'010203', h'0405']}
        #expect(hex(protected) == "a201261821824301020342" + "0405")
        let claim = Data("the claim".utf8)
        let signature = try COSESign1Writer.signature(protectedHeader: protected, payload: claim, key: key)
        #expect(signature.count == 64)
        let toBeSigned = COSESign1Writer.toBeSigned(protectedHeader: protected, payload: claim)
        #expect(hex(toBeSigned.prefix(12)) == "846a5369676e617475726531")    // ["Signature1", ...
        let ecdsa = try P256.Signing.ECDSASignature(rawRepresentation: signature)
        #expect(key.publicKey.isValidSignature(ecdsa, for: toBeSigned))
        #expect(!key.publicKey.isValidSignature(ecdsa, for: COSESign1Writer.toBeSigned(
            protectedHeader: protected, payload: Data("another claim".utf8))))

        let message = COSESign1Writer.message(protectedHeader: protected, signature: signature, padding: 3)
        // 18([bstr protected, {"pad": h'000000'}, null, bstr signature])
        #expect(hex(message.prefix(3)) == "d2844d")
        #expect(message.dropFirst(3).prefix(protected.count) == protected)
        #expect(hex(message.dropFirst(3 + protected.count).prefix(10)) == "a1637061644300000" + "0f6")
        #expect(message.suffix(66) == Data([0x58, 0x40]) + signature)
        #expect(COSESign1Writer.message(protectedHeader: protected, signature: signature, padding: 7).count
            == message.count + 4)
    }

    @Test("the test identity: a root CA and a leaf that c2pa-rs accepts as a claim signer")
    func identity() throws {
        let identity = try TestSigningIdentity.generate()
        let leaf = identity.signer, root = identity.root
        #expect(leaf.issuer == root.subject && root.issuer == root.subject)
        #expect(root.publicKey.isValidSignature(leaf.signature, for: leaf))
        #expect(root.publicKey.isValidSignature(root.signature, for: root))
        #expect(leaf.publicKey == Certificate.PublicKey(identity.privateKey.publicKey))
        #expect(try leaf.extensions.basicConstraints == .notCertificateAuthority)
        #expect(try root.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        let usage = try #require(try leaf.extensions.keyUsage)
        #expect(usage.digitalSignature && !usage.keyCertSign)
        let extended = try #require(try leaf.extensions.extendedKeyUsage)
        #expect(extended.contains(.emailProtection))
        #expect(extended.contains(ExtendedKeyUsage.Usage(oid: [1, 3, 6, 1, 5, 5, 7, 3, 36])))
        #expect(try leaf.extensions.authorityKeyIdentifier?.keyIdentifier
            == root.extensions.subjectKeyIdentifier?.keyIdentifier)
        #expect(leaf.notValidBefore < Date() && leaf.notValidAfter > Date().addingTimeInterval(300 * 86_400))
        #expect(identity.chainDER.count == 2)
        #expect(try Certificate(derEncoded: Array(identity.chainDER[0])) == leaf)
        #expect(identity.rootCertificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----\n"))
        #expect(identity.rootCertificatePEM.hasSuffix("-----END CERTIFICATE-----\n"))
        #expect(try Certificate(pemEncoded: identity.rootCertificatePEM) == root)
        #expect(TestSigningIdentity.isTestSigner(leaf) && TestSigningIdentity.isTestSigner(der: identity.chainDER[0]))
        #expect(!TestSigningIdentity.isTestSigner(root) && !TestSigningIdentity.isTestSigner(der: Data([0x30])))
        #expect(try TestSigningIdentity.generate().rootCertificatePEM != identity.rootCertificatePEM)
    }

    @Test("model ids map to the families a manifest names")
    func modelFamilies() {
        #expect(ManifestModelFamily.family(ofModel: "doubao-seedance-2-0-260128") == "doubao-seedance-2-0")
        #expect(ManifestModelFamily.family(ofModel: "doubao-seedance-2-0-fast-260128") == "doubao-seedance-2-0-fast")
        #expect(ManifestModelFamily.family(ofModel: "dreamina-seedance-2-0-260128") == "dreamina-seedance-2-0")
        #expect(ManifestModelFamily.family(ofModel: "dreamina-seedance-2-0-fast-260128")
            == "dreamina-seedance-2-0-fast")
        #expect(ManifestModelFamily.family(ofModel: "doubao-seedance-1-0-pro-250528") == "doubao-seedance-1-0-pro")
        #expect(ManifestModelFamily.family(ofModel: "ep-20250101-abcde") == "ep-20250101-abcde")
        #expect(ManifestModelFamily.family(ofModel: "model-12345") == "model-12345")
        #expect(ManifestModelFamily.otherSpeed(of: "doubao-seedance-2-0") == "doubao-seedance-2-0-fast")
        #expect(ManifestModelFamily.otherSpeed(of: "dreamina-seedance-2-0-fast") == "dreamina-seedance-2-0")
    }

    func hex(_ data: Data) -> String {
        data.map { String(format: "%02x", $0) }.joined()
    }
}
