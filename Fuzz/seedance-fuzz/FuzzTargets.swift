import Foundation
import Media
import Pipeline
import Provenance
import SeedanceAPI

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
    /// `PlanLoader.load` of the bytes as a plan file, `.yaml` or `.json` by the first byte's lowest bit (the loader
    /// reads both through YAML; the name is what users give it).
    case plan
    /// The API's answers decoded as the client decodes them (`GenerationTask`, `TaskList`, `TaskCreated`, the error
    /// envelope) and the bytes as a create body (`GenerationRequest.decode`, what `verify --request` reads).
    case api

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
        case .plan: return Self.plan(Data(bytes))
        case .api: return Self.api(Data(bytes))
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
        case .provenance, .boxes, .jumbf, .cbor, .plan, .api:
            break
        }
    }

    /// A plan file: a plan, or a `PlanError` naming the file. Any other error, or one that does not say where, is
    /// a finding (the user would get no clear line to act on).
    static func plan(_ data: Data) {
        let path = folder + (data.first.map { $0 & 1 == 0 } ?? true ? "/plan.yaml" : "/plan.json")
        guard FileManager.default.createFile(atPath: path, contents: data) else { return }
        do {
            _ = try PlanLoader.load(path: path)
        } catch let error as PlanError {
            require(error.description.hasPrefix(path) && !error.reason.isEmpty, "unclear plan error: \(error)")
        } catch {
            require(false, "plan load threw \(type(of: error)), not a PlanError: \(error)")
        }
    }

    /// An answer of the service: decoded or refused with a decoding error, never a crash or a hang.
    static func api(_ data: Data) {
        let decoder = JSONDecoder()
        func check(_ error: any Error) {
            require(error is DecodingError, "decoding threw \(type(of: error)), not a DecodingError: \(error)")
        }
        do { _ = try decoder.decode(GenerationTask.self, from: data) } catch { check(error) }
        do { _ = try decoder.decode(TaskList.self, from: data) } catch { check(error) }
        do { _ = try decoder.decode(TaskCreated.self, from: data) } catch { check(error) }
        do { _ = try decoder.decode(APIErrorEnvelope.self, from: data) } catch { check(error) }
        do {
            _ = try GenerationRequest.decode(data)
        } catch {
            require(!error.message.isEmpty, "a create body refused without a message: \(error)")
        }
    }

    /// Stops the fuzzer with `message` when `condition` fails (libFuzzer saves the input as a crash).
    static func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        guard !condition else { return }
        FileHandle.standardError.write(Data("seedance-fuzz: \(message())\n".utf8))
        abort()
    }
}

/// libFuzzer's entry point: one input per call.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTarget.selected.run(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}
