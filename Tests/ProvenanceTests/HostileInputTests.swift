import Foundation
import Testing
@testable import Provenance

/// Broken and hostile files end in a clear error (or a failed check), never a crash, a hang or an allocation sized
/// by what the file claims.
@Suite("Malformed input")
struct HostileInputTests {
    /// A box: size, type, payload.
    static func box(_ type: String, _ payload: [UInt8]) -> [UInt8] {
        let size = UInt32(8 + payload.count)
        return [UInt8(size >> 24), UInt8(size >> 16 & 0xff), UInt8(size >> 8 & 0xff), UInt8(size & 0xff)]
            + Array(type.utf8) + payload
    }

    static let ftyp = box("ftyp", Array("isom".utf8) + [0, 0, 2, 0] + Array("isommp42".utf8))

    static func read(_ bytes: [UInt8]) throws(ProvenanceError) -> ManifestStore? {
        try ContentCredentials.read(source: DataByteSource(bytes)).store
    }

    static func error(_ bytes: [UInt8]) -> ProvenanceError? {
        do {
            _ = try read(bytes)
            return nil
        } catch {
            return error
        }
    }

    /// A source of `size` bytes: `prefix`, then zeros; nothing of the size is allocated.
    struct SparseSource: ByteSource {
        let prefix: [UInt8]
        let count: UInt64
        func read(at offset: UInt64, length: Int) throws(ProvenanceError) -> [UInt8] {
            guard offset < count else { return [] }
            let end = min(count, offset + UInt64(length))
            return (offset..<end).map { $0 < UInt64(prefix.count) ? prefix[Int($0)] : 0 }
        }
    }

    @Test("not ISO-BMFF: empty, text, an HTML error page")
    func notBMFF() {
        for bytes in [[], Array("hello".utf8), Array("<html><body>403 Forbidden</body></html>".utf8)] as [[UInt8]] {
            guard case .notBMFF? = Self.error(bytes) else { Issue.record("\(bytes.count) bytes: \(String(describing: Self.error(bytes)))"); continue }
        }
    }

    @Test("a file with no C2PA box has no manifest store")
    func noManifest() throws {
        #expect(try Self.read(Self.ftyp + Self.box("free", [0, 0]) + Self.box("mdat", [1, 2, 3])) == nil)
    }

    @Test("box sizes: smaller than the header, past the end, a truncated mdat, 64-bit and to-the-end sizes")
    func boxSizes() throws {
        guard case .malformedBox(_, let reason)? = Self.error(Self.ftyp + [0, 0, 0, 4] + Array("moov".utf8)) else {
            Issue.record("size 4 accepted"); return
        }
        #expect(reason.contains("smaller than its header"))
        guard case .malformedBox(let offset, let past)? = Self.error(Self.ftyp + [0, 0, 1, 0] + Array("moov".utf8) + [0, 0]) else {
            Issue.record("box past the end accepted"); return
        }
        #expect(offset == UInt64(Self.ftyp.count))
        #expect(past.contains("runs past the end"))
        // A truncated mdat is cut at the end of the file, as real-world readers do.
        let truncated = try BMFFBoxTree(source: DataByteSource(Self.ftyp + [0, 0, 1, 0] + Array("mdat".utf8) + [1, 2]))
        #expect(truncated.topLevel.last?.size == 10)
        // A 64-bit size, and a last box whose size 0 means "to the end of the file".
        let large = Self.ftyp + [0, 0, 0, 1] + Array("free".utf8) + [0, 0, 0, 0, 0, 0, 0, 18, 9, 9] + [0, 0, 0, 0] + Array("mdat".utf8) + [7, 7, 7]
        let tree = try BMFFBoxTree(source: DataByteSource(large))
        #expect(tree.topLevel.map(\.type) == ["ftyp", "free", "mdat"])
        #expect(tree.topLevel[1].size == 18 && tree.topLevel[1].headerSize == 16)
        #expect(tree.topLevel[2].size == 11)
        guard case .malformedBox? = Self.error(Self.ftyp + [0, 0, 0, 1] + Array("free".utf8) + [0, 0, 0, 0, 0, 0, 0, 4]) else {
            Issue.record("64-bit size smaller than its header accepted"); return
        }
        guard case .malformedBox? = Self.error(Self.ftyp + [0, 0, 0, 1] + Array("free".utf8) + [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) else {
            Issue.record("64-bit size past the end accepted"); return
        }
    }

    @Test("deep box nesting is refused")
    func deepBoxes() {
        var inner = Self.box("free", [])
        for _ in 0..<40 { inner = Self.box("moov", inner) }
        guard case .malformedBox(_, let reason)? = Self.error(Self.ftyp + inner) else { Issue.record("40 levels accepted"); return }
        #expect(reason.contains("deeper than 32"))
    }

    /// A C2PA uuid box around `jumbf`.
    static func c2paBox(_ jumbf: [UInt8], purpose: String = "manifest") -> [UInt8] {
        box("uuid", BMFFBoxTypes.c2paUUID + [0, 0, 0, 0] + Array(purpose.utf8) + [0] + [0, 0, 0, 0, 0, 0, 0, 0] + jumbf)
    }

    /// A JUMBF superbox with a description of type `type` and `label`, then `content`.
    static func superBox(_ type: String, label: String, _ content: [UInt8]) -> [UInt8] {
        box("jumb", box("jumd", JUMBFTypes.uuid(type) + [0x03] + Array(label.utf8) + [0]) + content)
    }

    @Test("broken C2PA boxes: no purpose terminator, too small, JUMBF that lies about sizes")
    func brokenC2PABoxes() {
        guard case .malformedBox? = Self.error(Self.ftyp + Self.box("uuid", BMFFBoxTypes.c2paUUID)) else {
            Issue.record("a C2PA box without version and purpose accepted"); return
        }
        guard case .malformedBox(_, let reason)? = Self.error(Self.ftyp + Self.box("uuid", BMFFBoxTypes.c2paUUID + [0, 0, 0, 0] + Array(repeating: 0x41, count: 300))) else {
            Issue.record("a purpose without NUL accepted"); return
        }
        #expect(reason.contains("NUL"))
        guard case .malformedJUMBF? = Self.error(Self.ftyp + Self.c2paBox([0xff, 0xff, 0xff, 0xff] + Array("jumb".utf8))) else {
            Issue.record("a JUMBF box larger than its C2PA box accepted"); return
        }
        guard case .malformedJUMBF(let label)? = Self.error(Self.ftyp + Self.c2paBox(Self.box("jumb", Self.box("jumd", JUMBFTypes.uuid("c2pa") + [0x03] + Array("c2pa".utf8))))) else {
            Issue.record("a label without NUL accepted"); return
        }
        #expect(label.contains("NUL"))
        guard case .malformedJUMBF? = Self.error(Self.ftyp + Self.c2paBox(Self.superBox("c2pa", label: "c2pa", []))) else {
            Issue.record("a store without manifests accepted"); return
        }
        guard case .malformedJUMBF(let missing)? = Self.error(Self.ftyp + Self.c2paBox(Self.superBox("c2pa", label: "c2pa", Self.superBox("c2ma", label: "urn:uuid:x", [])))) else {
            Issue.record("a manifest without a claim accepted"); return
        }
        #expect(missing.contains("no claim"))
        var deep = Self.superBox("c2as", label: "x", [])
        for _ in 0..<20 { deep = Self.superBox("c2as", label: "x", deep) }
        guard case .malformedJUMBF(let tooDeep)? = Self.error(Self.ftyp + Self.c2paBox(Self.superBox("c2pa", label: "c2pa", deep))) else {
            Issue.record("deep JUMBF accepted"); return
        }
        #expect(tooDeep.contains("deeper than 16"))
    }

    @Test("update manifest stores and a second manifest store are refused by name")
    func storeKinds() {
        let store = Self.superBox("c2pa", label: "c2pa", [])
        guard case .unsupported(let what)? = Self.error(Self.ftyp + Self.c2paBox(store, purpose: "update")) else {
            Issue.record("an update store accepted"); return
        }
        #expect(what.contains("update"))
        guard case .multipleManifestStores(2)? = Self.error(Self.ftyp + Self.c2paBox(store) + Self.c2paBox(store)) else {
            Issue.record("two stores accepted"); return
        }
    }

    @Test("a claim whose CBOR claims a huge length is refused without allocating it")
    func hugeClaimLength() {
        let claim = Self.superBox("c2cl", label: "c2pa.claim", Self.box("cbor", [0xa1, 0x61, 0x61, 0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))
        let store = Self.superBox("c2pa", label: "c2pa", Self.superBox("c2ma", label: "urn:uuid:x", claim))
        guard case .malformedCBOR(let what, let error)? = Self.error(Self.ftyp + Self.c2paBox(store)) else {
            Issue.record("a huge CBOR length accepted"); return
        }
        #expect(what.contains("claim"))
        #expect(error.reason == .lengthExceedsInput(length: .max, remaining: 0))
    }

    @Test("a manifest store larger than the limit is refused before it is read")
    func storeTooLarge() {
        let size: UInt32 = 70 << 20
        let header = [UInt8(size >> 24), UInt8(size >> 16 & 0xff), UInt8(size >> 8 & 0xff), UInt8(size & 0xff)]
            + Array("uuid".utf8) + BMFFBoxTypes.c2paUUID + [0, 0, 0, 0] + Array("manifest".utf8) + [0] + [0, 0, 0, 0, 0, 0, 0, 0]
        let source = SparseSource(prefix: Self.ftyp + header, count: UInt64(Self.ftyp.count) + UInt64(size))
        do {
            _ = try ContentCredentials.read(source: source)
            Issue.record("a 70 MB store accepted")
        } catch {
            guard case .manifestStoreTooLarge(_, let limit) = error else { Issue.record("\(error)"); return }
            #expect(limit == 64 << 20)
        }
    }

    @Test("truncated copies of a signed file: an error or a failed hard binding, never a pass", arguments: [10, 24, 40, 5000, 30686, 31000, 92142, 92200, 500_000])
    func truncated(_ length: Int) async throws {
        let bytes = Array(try C2PAFixtures.bytes(C2PAFixtures.video1).prefix(length))
        do {
            let report = try await ContentCredentials.verify(source: DataByteSource(bytes), file: "cut", now: C2PAFixtures.oracleDate)
            if length <= 24 {
                // Cut before the C2PA box: nothing of the manifest is left.
                #expect(report.state == .noManifest, "\(length): \(report.state)")
            } else {
                // Cut inside mdat: everything reads, the file no longer matches its hash.
                #expect(report.state == .invalid, "\(length): \(report.state)")
                #expect(report.isIntact == false)
            }
        } catch {
            #expect(!"\(error)".isEmpty)
        }
    }

    /// File ranges of the AI file's manifest store that a hash or the signature covers: the claim, every
    /// assertion's content.
    static func coveredRanges() throws -> [Range<Int>] {
        let source = try FileByteSource(path: C2PAFixtures.path(C2PAFixtures.aigen))
        let tree = try BMFFBoxTree(source: source)
        let base = Int(try #require(try C2PABox.find(in: tree, source: source).first).dataOffset)
        let manifest = try #require(try ContentCredentials.read(source: source).store?.activeManifest)
        let claimBox = try #require(manifest.box.superBoxes.first { $0.label == "c2pa.claim.v2" })
        let claim = try #require(claimBox.contentBoxes.first).payloadRange
        let relative = [claim] + manifest.assertions.map { $0.box.payloadRange }
        return relative.map { ($0.lowerBound + base)..<($0.upperBound + base) }
    }

    @Test("single-byte changes inside the manifest store of the AI file: refused, or caught where signed",
          arguments: stride(from: 24, to: 3881, by: 41).map { $0 })
    func corruptedStore(_ offset: Int) async throws {
        var bytes = try C2PAFixtures.bytes(C2PAFixtures.aigen)
        bytes[offset] ^= 0x5a
        let covered = try Self.coveredRanges().contains { $0.contains(offset) }
        do {
            let report = try await ContentCredentials.verify(source: DataByteSource(bytes), file: "x", trust: try C2PAFixtures.testRoots(),
                                                            now: C2PAFixtures.oracleDate)
            if covered { #expect(report.state == .invalid, "offset \(offset): \(report.state)") }
        } catch {
            #expect(!"\(error)".isEmpty)
        }
    }

    @Test("errors are one line naming the problem")
    func errorText() {
        #expect(ProvenanceError.notBMFF(reason: "the first box is 'html', not 'ftyp'").description
                == "not an MP4 or MOV file: the first box is 'html', not 'ftyp'")
        #expect(!ProvenanceError.malformedCBOR(what: "claim", error: CBORError(.truncated, at: 3)).description.contains("\n"))
    }
}
