import Foundation
import Media
import Provenance

/// What one fuzz input is fed to. Chosen by `SEEDANCE_FUZZ_TARGET` (this is a test program, not a library).
enum FuzzTarget: String, CaseIterable {
    /// `probe` on the bytes as a file.
    case probe
    /// `writeThumbnail` at a time read from the first byte, and of the last frame.
    case thumbnail
    /// `concatenate` of the file with itself (auto mode: a remux when the file is readable media).
    case concat
    /// The whole C2PA reader and verifier on the bytes as a file (`ContentCredentials.verify`, no trust anchors).
    case provenance
    /// The box walker on the bytes: the tree, the C2PA boxes, xpath lookups.
    case boxes
    /// The JUMBF parser and manifest model on the bytes as a manifest store.
    case jumbf
    /// The CBOR decoder on the bytes, and the JSON view of what it decodes.
    case cbor

    static let selected: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["SEEDANCE_FUZZ_TARGET"] ?? "probe"
        guard let target = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("SEEDANCE_FUZZ_TARGET must be one of \(names)\n".utf8))
            exit(2)
        }
        return target
    }()

    /// A folder of this process for the input file and outputs (the fuzzer runs one input at a time).
    static let folder: String = {
        let path = NSTemporaryDirectory() + "seedance-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// Writes `bytes` to a file and runs the target on it. Errors are the expected outcome for most inputs: only a
    /// crash, a sanitizer report, a leak or a hang is a finding.
    func run(_ bytes: UnsafeRawBufferPointer) {
        switch self {
        case .provenance, .boxes, .jumbf, .cbor:
            ProvenanceFuzz.run(self, [UInt8](bytes))
            return
        default:
            break
        }
        let input = Self.folder + "/input.mp4"
        guard FileManager.default.createFile(atPath: input, contents: Data(bytes)) else { return }
        switch self {
        case .probe:
            _ = try? Media.probe(input)
        case .thumbnail:
            let t = Double(bytes.first ?? 0) / 16
            var options = ThumbnailOptions()
            options.width = 64
            _ = try? writeThumbnail(of: input, at: .seconds(t), to: Self.folder + "/frame.png", options: options)
            _ = try? writeThumbnail(of: input, at: .last, to: Self.folder + "/last.jpg", options: options)
        case .concat:
            let output = Self.folder + "/joined.mp4"
            _ = try? concatenate([input, input], to: output)
            try? FileManager.default.removeItem(atPath: output)
        case .provenance, .boxes, .jumbf, .cbor:
            break
        }
    }
}

/// libFuzzer's entry point: one input per call.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTarget.selected.run(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}
