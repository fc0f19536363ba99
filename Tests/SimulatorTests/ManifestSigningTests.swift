import Foundation
@testable import Media
import Provenance
import Testing
import TestSupport

/// The signer on clips packaged like real deliveries: the manifest goes into the reserved box and changes nothing
/// else, and c2pa-rs (through c2pa-python) validates what it wrote.
@Suite struct ManifestSigningTests {
    static let identity: TestSigningIdentity = {
        // Generating in memory cannot fail; a failure here is a bug worth seeing.
        try! TestSigningIdentity.generate()
    }()

    static let agent = SoftwareAgent(name: "seedance simulator", version: "0.1.0")

    static func content(model: String = "doubao-seedance-2-0", id: UUID = UUID()) -> ManifestContent {
        ManifestContent(title: "clip.mp4",
                        action: GenerationAction(softwareAgent: agent, when: Date(timeIntervalSince1970: 1_790_000_000),
                                                 modelName: model, logID: "cgt-test-1"),
                        generator: agent, manifestID: id, instanceID: id)
    }

    /// A 1 s 320x240 clip packaged as a Seedance 2.0 delivery: ftyp, placeholder uuid, free, mdat, moov.
    static func deliveryClip(in dir: URL, name: String = "clip.mp4") throws -> String {
        let path = dir.appendingPathComponent(name).path
        try renderSyntheticClip(SyntheticClipSpec(width: 320, height: 240, frameCount: 24, variant: 3,
                                                  delivery: .seedance20(fast: false)), to: path)
        return path
    }

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    static func writeAnchors(_ dir: URL) throws -> String {
        let path = dir.appendingPathComponent("root.pem").path
        try Data(identity.rootCertificatePEM.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    // MARK: - Swift only

    @Test func signingChangesOnlyTheReservedBoxes() throws {
        let dir = try FixturePaths.temporaryDirectory("sign")
        defer { try? FileManager.default.removeItem(at: dir) }
        let clip = try Self.deliveryClip(in: dir)
        let signed = dir.appendingPathComponent("signed.mp4").path
        let before = try Self.bytes(clip)
        let layout = TopLevelBoxes(path: clip)
        #expect(layout.boxes.map(\.type) == ["ftyp", "uuid", "free", "mdat", "moov"])
        let uuid = layout.boxes[1], free = layout.boxes[2], mdat = layout.boxes[3]

        let result = try ManifestSigner(identity: Self.identity).sign(clip, writingTo: signed, content: Self.content())
        let after = try Self.bytes(signed)
        #expect(try Self.bytes(clip) == before, "the source is untouched")
        #expect(after.count == before.count)
        #expect(after.prefix(Int(uuid.offset)) == before.prefix(Int(uuid.offset)), "ftyp is untouched")
        #expect(after[Int(mdat.offset)...] == before[Int(mdat.offset)...], "every byte from mdat on is untouched")

        // The manifest box where the placeholder was, then one free box over the rest of the reserved space.
        let boxes = TopLevelBoxes(path: signed)
        #expect(boxes.boxes.map(\.type) == ["ftyp", "uuid", "free", "mdat", "moov"])
        #expect(boxes.boxes[1].offset == uuid.offset && boxes.boxes[1].size == Int64(result.manifestBoxSize))
        #expect(boxes.boxes[2].size == Int64(result.freeBoxSize))
        #expect(boxes.boxes[1].size + boxes.boxes[2].size == uuid.size + free.size)
        #expect(result.manifestBoxSize < 6_000, "a manifest of \(result.manifestBoxSize) bytes")
        let box = after[Int(uuid.offset)..<Int(uuid.offset) + result.manifestBoxSize]
        #expect(Array(box.dropFirst(8).prefix(16)) == ManifestBoxWriter.extendedType)
        #expect(box.dropFirst(24).prefix(21) == Data([0, 0, 0, 0]) + Data("manifest\0".utf8) + Data(count: 8))
        #expect(box.dropFirst(49).prefix(4) == Data("jumb".utf8))
        #expect(after[Int(boxes.boxes[2].offset + 8)..<Int(mdat.offset)].allSatisfy { $0 == 0 })

        // The hash covers what did not change: the same before and after, and what the manifest states.
        #expect(try BMFFHashWriter().hash(fileAt: clip) == result.hash)
        #expect(try BMFFHashWriter().hash(fileAt: signed) == result.hash)
        #expect(box.range(of: result.hash) != nil)
        // The manifest names what it was told.
        let modelName = CBOREncoder.encode(.text("model_name")) + CBOREncoder.encode(.text("doubao-seedance-2-0"))
        #expect(box.range(of: modelName) != nil)
        #expect(box.range(of: Data(result.manifestLabel.utf8)) != nil)
        #expect(box.range(of: Self.identity.chainDER[0]) != nil && box.range(of: Self.identity.chainDER[1]) != nil)

        // FFmpeg reads the signed clip exactly as the unsigned one.
        let a = try probe(clip), b = try probe(signed)
        #expect(a.video == b.video && a.audio == b.audio && a.duration == b.duration && b.faststart == false)
        #expect(try analyzeContent(signed).video == analyzeContent(clip).video)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)) == ["clip.mp4", "signed.mp4"])
    }

    @Test func signingInPlaceReplacesTheFileAndCanSignAgain() throws {
        let dir = try FixturePaths.temporaryDirectory("sign")
        defer { try? FileManager.default.removeItem(at: dir) }
        let clip = try Self.deliveryClip(in: dir)
        let size = try Self.bytes(clip).count
        let signer = ManifestSigner(identity: Self.identity)
        let first = try signer.sign(clip, content: Self.content())
        let once = try Self.bytes(clip)
        // Signing again replaces the manifest (the uuid box and the free box after it are the space).
        let second = try signer.sign(clip, content: Self.content(model: "doubao-seedance-2-0-fast"))
        let twice = try Self.bytes(clip)
        #expect(once.count == size && twice.count == size && once != twice)
        #expect(first.hash == second.hash && first.manifestLabel != second.manifestLabel)
        // Five more characters, and a two-byte CBOR head once the text passes 23 bytes.
        #expect(second.manifestBoxSize == first.manifestBoxSize + "-fast".utf8.count + 1)
        #expect(twice.range(of: Data("doubao-seedance-2-0-fast".utf8)) != nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["clip.mp4"])
    }

    @Test func refusesFilesWithoutRoomAndLeavesThemAlone() throws {
        let dir = try FixturePaths.temporaryDirectory("sign")
        defer { try? FileManager.default.removeItem(at: dir) }
        let signer = ManifestSigner(identity: Self.identity)

        // A plain clip has no C2PA box to fill.
        let plain = dir.appendingPathComponent("plain.mp4").path
        try renderSyntheticClip(SyntheticClipSpec(width: 320, height: 240, frameCount: 24), to: plain)
        let plainBytes = try Self.bytes(plain)
        #expect(throws: ManifestSigningError.self) { try signer.sign(plain, content: Self.content()) }
        #expect(try Self.bytes(plain) == plainBytes)

        // A C2PA box too small for the manifest.
        let small = dir.appendingPathComponent("small.mp4").path
        try FileManager.default.copyItem(atPath: plain, toPath: small)
        let tiny = try makeBox(type: "uuid", payload: Data(ManifestBoxWriter.extendedType) + Data(count: 200))
        try insertTopLevelBox(tiny, afterFileTypeIn: small)
        let smallBytes = try Self.bytes(small)
        let error = #expect(throws: ManifestSigningError.self) { try signer.sign(small, content: Self.content()) }
        #expect(error?.reason.contains("reserves 224") == true, "\(String(describing: error))")
        #expect(try Self.bytes(small) == smallBytes)

        // Bytes that are not boxes.
        let html = dir.appendingPathComponent("page.mp4").path
        try Data("<html>502</html>".utf8).write(to: URL(fileURLWithPath: html))
        #expect(throws: ManifestSigningError.self) { try signer.sign(html, content: Self.content()) }
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
            == ["plain.mp4", "small.mp4", "page.mp4"])
    }

    /// Space that the manifest fills exactly, or leaves under 8 bytes of (too few for a free box: they become
    /// padding in the signature's unprotected header), in a faststart clip whose moov follows the box.
    @Test(arguments: [0, 3, 7, 8])
    func fillsReservedSpaceExactly(_ extra: Int) throws {
        let dir = try FixturePaths.temporaryDirectory("sign")
        defer { try? FileManager.default.removeItem(at: dir) }
        let id = UUID()
        let probeClip = try Self.deliveryClip(in: dir, name: "probe.mp4")
        let needed = try ManifestSigner(identity: Self.identity).sign(probeClip, content: Self.content(id: id))
            .manifestBoxSize

        let clip = dir.appendingPathComponent("clip.mp4").path
        try renderSyntheticClip(SyntheticClipSpec(width: 320, height: 240, frameCount: 24), to: clip)
        let reserved = needed + extra
        try insertTopLevelBox(try makeBox(type: "uuid", payload: Data(ManifestBoxWriter.extendedType)
                                  + Data(count: reserved - 24)), afterFileTypeIn: clip)
        let before = try Self.bytes(clip)
        let result = try ManifestSigner(identity: Self.identity).sign(clip, content: Self.content(id: id))
        let after = try Self.bytes(clip)
        #expect(after.count == before.count)
        let boxes = TopLevelBoxes(path: clip).boxes
        if extra >= 8 {
            #expect(boxes.map(\.type) == ["ftyp", "uuid", "free", "moov", "free", "mdat"])
            #expect(result.manifestBoxSize == needed && result.freeBoxSize == extra)
        } else {
            #expect(boxes.map(\.type) == ["ftyp", "uuid", "moov", "free", "mdat"])
            #expect(result.manifestBoxSize == reserved && result.freeBoxSize == 0)
        }
        let moov = try #require(boxes.first { $0.type == "moov" })
        #expect(after[Int(moov.offset)...] == before[Int(moov.offset)...])
        #expect(try probe(clip).video?.frameCount == 24)
        if C2PAOracle.python != nil {
            let reading = try C2PAOracle.read(clip, anchors: try Self.writeAnchors(dir))
            #expect(reading.state == "Trusted" && reading.statusCodes.isEmpty, "\(reading.json)")
        }
    }

    // MARK: - c2pa-python

    @Test(.enabled(if: C2PAOracle.available, "needs c2pa-python (scripts/install-test-tools.sh)"))
    func c2paRsTrustsTheSignatureUnderTheTestRoot() throws {
        let dir = try FixturePaths.temporaryDirectory("sign")
        defer { try? FileManager.default.removeItem(at: dir) }
        let clip = try Self.deliveryClip(in: dir)
        let content = Self.content(model: "dreamina-seedance-2-0-fast")
        try ManifestSigner(identity: Self.identity).sign(clip, content: content)

        let trusted = try C2PAOracle.read(clip, anchors: try Self.writeAnchors(dir))
        #expect(trusted.error == nil, "\(trusted.json)")
        #expect(trusted.state == "Trusted", "\(trusted.json)")
        #expect(trusted.statusCodes.isEmpty && trusted.failureCodes.isEmpty, "\(trusted.json)")
        #expect(Set(trusted.successCodes).isSuperset(of: ["signingCredential.trusted", "claimSignature.validated",
                                                          "assertion.hashedURI.match", "assertion.bmffHash.match"]))
        #expect(trusted.json["claim_version"] as? Int == 2)
        #expect(trusted.json["title"] as? String == "clip.mp4")
        #expect(trusted.json["signer_common_name"] as? String == TestSigningIdentity.signerCommonName)
        #expect(trusted.json["signer_issuer"] as? String == TestSigningIdentity.organization)
        #expect(trusted.json["signature_alg"] as? String == "Es256")
        #expect(trusted.action["action"] as? String == "c2pa.created")
        #expect(trusted.action["digitalSourceType"] as? String == GenerationAction.trainedAlgorithmicMedia)
        #expect(trusted.action["when"] as? String == "2026-09-21T14:13:20Z")
        #expect(trusted.softwareAgent["name"] as? String == "seedance simulator")
        #expect(trusted.softwareAgent["version"] as? String == "0.1.0")
        #expect(trusted.parameters["model_name"] as? String == "dreamina-seedance-2-0-fast")
        #expect(trusted.parameters["log_id"] as? String == "cgt-test-1")

        // Without anchors only the trust is missing.
        let untrusted = try C2PAOracle.read(clip)
        #expect(untrusted.state == "Valid", "\(untrusted.json)")
        #expect(untrusted.statusCodes == ["signingCredential.untrusted"], "\(untrusted.json)")
        #expect(untrusted.failureCodes == ["signingCredential.untrusted"], "\(untrusted.json)")

        // Another test identity's root does not vouch for this one.
        let other = dir.appendingPathComponent("other.pem").path
        try Data(try TestSigningIdentity.generate().rootCertificatePEM.utf8).write(to: URL(fileURLWithPath: other))
        #expect(try C2PAOracle.read(clip, anchors: other).statusCodes == ["signingCredential.untrusted"])
    }

    @Test(.enabled(if: C2PAOracle.available, "needs c2pa-python (scripts/install-test-tools.sh)"))
    func oneByteInMdatBreaksTheHardBinding() throws {
        let dir = try FixturePaths.temporaryDirectory("sign")
        defer { try? FileManager.default.removeItem(at: dir) }
        let clip = try Self.deliveryClip(in: dir)
        try ManifestSigner(identity: Self.identity).sign(clip, content: Self.content())
        let mdat = try #require(TopLevelBoxes(path: clip).boxes.first { $0.type == "mdat" })
        var bytes = try Self.bytes(clip)
        let middle = Int(mdat.offset + mdat.size / 2)
        bytes[middle] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: clip))

        let reading = try C2PAOracle.read(clip, anchors: try Self.writeAnchors(dir))
        #expect(reading.state == "Invalid", "\(reading.json)")
        #expect(reading.statusCodes == ["assertion.bmffHash.mismatch"], "\(reading.json)")
        #expect(reading.successCodes.contains("claimSignature.validated"))
        #expect(reading.successCodes.contains("signingCredential.trusted"))
    }

    @Test(.enabled(if: C2PAOracle.available, "needs c2pa-python (scripts/install-test-tools.sh)"))
    func theUnsignedPlaceholderIsNoManifest() throws {
        let dir = try FixturePaths.temporaryDirectory("sign")
        defer { try? FileManager.default.removeItem(at: dir) }
        let clip = try Self.deliveryClip(in: dir)
        let reading = try C2PAOracle.read(clip)
        #expect(reading.error != nil, "\(reading.json)")
    }
}
