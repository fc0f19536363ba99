import Foundation
@testable import Media
import Provenance
@testable import Simulator
import Testing
import TestSupport

/// The simulator signs every real-delivery clip with its test certificate, naming the request's model family and
/// the task; its root is served for trust; two faults bend the credentials.
@Suite struct SimulatorSigningTests {
    static func request(_ model: String, prompt: String = "a kite") -> String {
        #"{"model":"\#(model)","content":[{"type":"text","text":"\#(prompt)"}],"resolution":"480p","duration":4}"#
    }

    /// The encoded `model_name` pair of a manifest naming `family`.
    static func modelNamePair(_ family: String) -> Data {
        CBOREncoder.encode(.text("model_name")) + CBOREncoder.encode(.text(family))
    }

    /// The C2PA uuid box of the clip at `path`.
    static func manifestBox(_ path: String) throws -> Data {
        let box = try #require(TopLevelBoxes(path: path).boxes.first { $0.type == "uuid" })
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        return bytes[Int(box.offset)..<Int(box.offset + box.size)]
    }

    @Test func servesTheRootAndSignsEachTasksClip() async throws {
        let identity = try TestSigningIdentity.generate()
        let cache = try FixturePaths.temporaryDirectory("simulator-cache")
        defer { try? FileManager.default.removeItem(at: cache) }
        try await SimulatorHarness.with({
            $0.signingIdentity = identity
            $0.dataDirectory = cache
        }) { h in
            let root = try await h.send("GET", h.simulator.rootURL.absoluteString + "/_simulator/c2pa-root.pem",
                                        key: nil)
            #expect(root.status == 200 && root.headers["content-type"] == "application/x-pem-file")
            #expect(String(decoding: root.body, as: UTF8.self) == identity.rootCertificatePEM)
            let anchors = h.directory.appendingPathComponent("root.pem").path
            try root.body.write(to: URL(fileURLWithPath: anchors))

            // Two identical requests: one render, two clips, each signed for its own task.
            let first = try await SimulatorDeliveryTests.deliver(h, Self.request("doubao-seedance-2-0-fast-260128"),
                                                                 name: "first")
            let second = try await SimulatorDeliveryTests.deliver(h, Self.request("doubao-seedance-2-0-fast-260128"),
                                                                  name: "second")
            #expect(try await h.simulator.stats().renders == 1)
            #expect(TopLevelBoxes(path: first.clip).boxes.map(\.type) == ["ftyp", "uuid", "free", "mdat", "moov"])
            let a = try Self.manifestBox(first.clip), b = try Self.manifestBox(second.clip)
            #expect(a.range(of: Self.modelNamePair("doubao-seedance-2-0-fast")) != nil)
            #expect(a.range(of: Data(first.task.id.utf8)) != nil && b.range(of: Data(second.task.id.utf8)) != nil)
            #expect(a.range(of: Data(second.task.id.utf8)) == nil)
            #expect(a.range(of: identity.chainDER[0]) != nil)
            // The same picture and sound: only the boxes before mdat differ.
            let mdat = try #require(TopLevelBoxes(path: first.clip).boxes.first { $0.type == "mdat" })
            let x = try Data(contentsOf: URL(fileURLWithPath: first.clip))
            let y = try Data(contentsOf: URL(fileURLWithPath: second.clip))
            #expect(x.count == y.count && x[Int(mdat.offset)...] == y[Int(mdat.offset)...])

            if C2PAOracle.python != nil {
                let reading = try C2PAOracle.read(first.clip, anchors: anchors)
                #expect(reading.state == "Trusted" && reading.statusCodes.isEmpty, "\(reading.json)")
                #expect(reading.parameters["model_name"] as? String == "doubao-seedance-2-0-fast")
                #expect(reading.parameters["log_id"] as? String == first.task.id)
                #expect(reading.softwareAgent["name"] as? String == "seedance simulator")
                #expect(reading.action["digitalSourceType"] as? String == GenerationAction.trainedAlgorithmicMedia)
            }

            // Deleting a finished task removes its signed copy; stopping removes them all (the cache stays).
            let folders = try FileManager.default.contentsOfDirectory(atPath: cache.path)
                .filter { $0.hasPrefix("signed-") }
            try #require(folders.count == 1)
            let signed = cache.appendingPathComponent(folders[0]).appendingPathComponent("\(first.task.id).mp4")
            #expect(FileManager.default.fileExists(atPath: signed.path))
            #expect(try await h.send("DELETE", "\(h.tasksURL)/\(first.task.id)").status == 200)
            #expect(!FileManager.default.fileExists(atPath: signed.path))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasPrefix("signed-") }
            .isEmpty)
    }

    @Test(arguments: [("doubao-seedance-2-0-260128", "doubao-seedance-2-0-fast"),
                      ("dreamina-seedance-2-0-fast-260128", "dreamina-seedance-2-0")])
    func wrongModelManifestNamesTheOtherSpeed(_ model: String, _ named: String) async throws {
        try await SimulatorHarness.with({ $0.faults = try! FaultPlan(spec: "wrong-model-manifest=1") }) { h in
            let delivered = try await SimulatorDeliveryTests.deliver(h, Self.request(model), name: "clip")
            let box = try Self.manifestBox(delivered.clip)
            #expect(box.range(of: Self.modelNamePair(named)) != nil)
            #expect(box.range(of: Self.modelNamePair(ManifestModelFamily.family(ofModel: model))) == nil)
            #expect(try await h.simulator.stats().faults["wrong-model-manifest"] == 1)
            if C2PAOracle.python != nil {
                let reading = try C2PAOracle.read(delivered.clip)
                // Validly signed (only the trust is missing without anchors), naming the wrong model.
                #expect(reading.statusCodes == ["signingCredential.untrusted"], "\(reading.json)")
                #expect(reading.parameters["model_name"] as? String == named)
            }
        }
    }

    /// The render's placeholder is the box the signer looks for: C2PA's extended type (written out here, as the
    /// specification spells it), 16 KiB reserved.
    @Test func placeholderReservesAC2PABox() {
        let specified: [UInt8] = [0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7E,
                                  0xC4, 0x81]    // d8fec3d6-1b0e-483c-9297-5828877ec481
        #expect(ProvenancePlaceholder.extendedType == specified && ManifestBoxWriter.extendedType == specified)
        let box = ProvenancePlaceholder.box
        #expect(box.count == ProvenancePlaceholder.reservedSize && Array(box.dropFirst(8).prefix(16)) == specified)
    }

    @Test func unsignedKeepsThePlaceholder() async throws {
        try await SimulatorHarness.with({ $0.faults = try! FaultPlan(spec: "unsigned=1") }) { h in
            let delivered = try await SimulatorDeliveryTests.deliver(h, Self.request("doubao-seedance-2-0-260128"),
                                                                     name: "clip")
            let box = try Self.manifestBox(delivered.clip)
            #expect(box == ProvenancePlaceholder.box)
            #expect(TopLevelBoxes(path: delivered.clip).boxes.map(\.type) == ["ftyp", "uuid", "free", "mdat", "moov"])
            #expect(try await h.simulator.stats().faults["unsigned"] == 1)
        }
    }

    /// Plain clips carry no C2PA box, so nothing is signed and no provenance fault is drawn.
    @Test func plainClipsAreNotSigned() async throws {
        try await SimulatorHarness.with({
            $0.realDeliveries = false
            $0.faults = try! FaultPlan(spec: "unsigned=1,wrong-model-manifest=1")
        }) { h in
            let delivered = try await SimulatorDeliveryTests.deliver(h, Self.request("doubao-seedance-2-0-260128"),
                                                                     name: "clip")
            #expect(!TopLevelBoxes(path: delivered.clip).boxes.contains { $0.type == "uuid" })
            let faults = try await h.simulator.stats().faults
            #expect(faults["unsigned"] == nil && faults["wrong-model-manifest"] == nil)
        }
    }
}
