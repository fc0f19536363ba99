import Foundation

/// How a synthetic clip is packaged: the traits of a real delivery that a QA tool looks at beyond the picture
/// (audio sample rate and length, B-frames, where moov sits, a provenance box after `ftyp`).
///
/// `.plain` is what `renderSyntheticClip` always made (48 kHz audio exactly as long as the video, no B-frames,
/// faststart, no extra box); the `seedance20` values reproduce what the Seedance 2.0 API was measured to deliver,
/// so the QA tool can be tested on files shaped like the ones it will meet.
public struct DeliveryTraits: Sendable, Hashable, Codable {
    /// The audio track's sample rate in Hz.
    public var audioSampleRate: Int
    /// Seconds the audio track runs past the end of the video (0: exactly as long as the video).
    public var audioOverhang: Double
    /// The most consecutive B-frames libx264 may emit (0: none). Above 0 the stream is H.264 High profile, as the
    /// real deliveries are.
    public var bFrames: Int
    /// Whether moov comes before mdat (the file can start playing before it is downloaded completely).
    public var faststart: Bool
    /// Whether a top-level `uuid` box with C2PA's extended type follows `ftyp`. Its payload is a labelled
    /// placeholder, not a signed manifest: it gives the file the box layout of a delivery that carries one.
    public var provenanceBox: Bool

    /// Makes traits; the defaults are `.plain`.
    public init(audioSampleRate: Int = 48_000, audioOverhang: Double = 0, bFrames: Int = 0, faststart: Bool = true,
                provenanceBox: Bool = false) {
        self.audioSampleRate = audioSampleRate
        self.audioOverhang = audioOverhang
        self.bFrames = bFrames
        self.faststart = faststart
        self.provenanceBox = provenanceBox
    }

    /// The packaging synthetic clips always had: 48 kHz audio as long as the video, no B-frames, moov first,
    /// no provenance box.
    public static let plain = DeliveryTraits()

    /// What Seedance 2.0 delivers today: AAC at 44.1 kHz (`doubao-seedance-2-0`) or 32 kHz (the `-fast` model)
    /// running 30 ms past the video (measured: 20-46 ms), x264 High with 3 B-frames, moov at the end, and a C2PA
    /// `uuid` box right after `ftyp` (top level: ftyp, uuid, free, mdat, moov).
    public static func seedance20(fast: Bool) -> DeliveryTraits {
        DeliveryTraits(audioSampleRate: fast ? 32_000 : 44_100, audioOverhang: 0.03, bFrames: 3, faststart: false,
                       provenanceBox: true)
    }

    /// What older Seedance 2.0 deliveries look like: as `seedance20(fast: false)` but without the C2PA box
    /// (top level: ftyp, free, mdat, moov).
    public static let seedance20Legacy: DeliveryTraits = {
        var traits = seedance20(fast: false)
        traits.provenanceBox = false
        return traits
    }()
}

/// The stand-in for a C2PA manifest store: a top-level `uuid` box of C2PA's type whose payload says plainly that
/// it is not a manifest, and that reserves room for one.
///
/// Its shape follows the C2PA specification's box for BMFF files (extended type, version and flags, the purpose
/// "manifest", the merkle offset) so box walkers find it where a real one would be; the data that would be a JUMBF
/// manifest store is ASCII text instead, so nothing can mistake it for signed content credentials. The text is
/// followed by zeros up to `reservedSize`: a signer (the simulator's) writes a real manifest into that space and
/// turns the rest into a `free` box, so signing moves no other box and every chunk offset stays valid.
enum ProvenancePlaceholder {
    /// C2PA's extended type for its `uuid` box: d8fec3d6-1b0e-483c-9297-5828877ec481.
    static let extendedType: [UInt8] = [0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C,
                                        0x92, 0x97, 0x58, 0x28, 0x87, 0x7E, 0xC4, 0x81]

    /// The label in the payload, padded with spaces to 64 bytes.
    static let label = "seedance test placeholder: not a signed C2PA manifest"

    /// The whole box's size: room for a manifest with a two-certificate chain (about 3.5 KB signed by the
    /// simulator) several times over, 16 KiB.
    static let reservedSize = 16_384

    /// The whole box, header included. Made on each use (16 KiB, once per clip), not kept in a global: a global
    /// `Data` keeps its storage pointer with enum tag bits set, which LeakSanitizer cannot follow, so it reported
    /// the box as leaked at every exit.
    static var box: Data {
        var payload = Data(extendedType)
        payload.append(contentsOf: [0, 0, 0, 0])                       // version 0, flags 0
        payload.append(contentsOf: Array("manifest".utf8) + [0])       // purpose, NUL-terminated
        payload.append(contentsOf: [UInt8](repeating: 0, count: 8))    // merkle offset: none
        let text = Array(label.utf8)
        payload.append(contentsOf: text + [UInt8](repeating: 0x20, count: max(0, 64 - text.count)))
        payload.append(Data(count: reservedSize - 8 - payload.count))
        // Four ASCII characters and a payload of 16 KiB: cannot fail.
        return (try? makeBox(type: "uuid", payload: payload)) ?? Data()
    }
}

/// An ISO-BMFF box: a 32-bit big-endian size (header included), the four-character type, then `payload`.
///
/// Throws `invalidArgument` when `type` is not four ASCII characters or the box would not fit the 32-bit size
/// (4 GiB and more: the project never makes such boxes, so the 64-bit form is not written).
public func makeBox(type: String, payload: Data) throws -> Data {
    let typeBytes = Array(type.utf8)
    guard typeBytes.count == 4, typeBytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
        throw MediaError(.invalidArgument, operation: "making a box",
                         reason: "the box type \"\(type)\" is not four ASCII characters")
    }
    guard payload.count <= Int(UInt32.max) - 8 else {
        throw MediaError(.invalidArgument, operation: "making a box",
                         reason: "a payload of \(payload.count) bytes needs a 64-bit box size")
    }
    let size = UInt32(8 + payload.count)
    var data = Data([UInt8(size >> 24), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)])
    data.append(contentsOf: typeBytes)
    data.append(payload)
    return data
}
