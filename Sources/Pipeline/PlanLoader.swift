import Foundation
import QA
import SeedanceAPI
import Yams

/// A plan file that cannot be used: says where (file and line) and which field, and what was expected.
public struct PlanError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The plan file.
    public var file: String
    /// The 1-based line, when known.
    public var line: Int?
    /// The field, as a path (`shots[2].duration`), when known.
    public var field: String?
    /// What is wrong.
    public var reason: String

    /// `plan.yaml:12: shots[2].duration: expected a whole number of seconds, got "five"`.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let field { text += "\(field): " }
        return text + reason
    }
}

/// Reads plan files (YAML, or JSON, which YAML reads too) strictly: unknown fields and wrong types are errors that
/// name the line and the field.
public enum PlanLoader {
    /// Loads and checks `path`.
    public static func load(path: String) throws -> Plan {
        // Read through a file handle, bounded: `String(contentsOfFile:)` leaks its read buffer on Linux (LeakSanitizer
        // reported it under the plan fuzzer), and a plan never needs more than a few kilobytes.
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: maxPlanBytes + 1) ?? Data()
        } catch {
            throw PlanError(file: path, reason: "cannot read the plan file (\(error.localizedDescription))")
        }
        guard data.count <= maxPlanBytes else {
            throw PlanError(file: path, reason: "the plan file is over \(maxPlanBytes / (1 << 20)) MB: not a plan")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PlanError(file: path, reason: "the plan file is not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    /// The largest plan file read (16 MB): shots name their images by path, so a real plan is a few kilobytes.
    static let maxPlanBytes = 16 << 20

    /// Parses plan text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> Plan {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw PlanError(file: file, line: 1, reason: "the plan is empty")
            }
            root = node
        } catch let error as PlanError {
            throw error
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw PlanError(file: file, reason: "not valid YAML or JSON: \(error)")
        }
        return try PlanReader(file: file).plan(root)
    }

    private static func syntaxError(_ error: YamlError, file: String) -> PlanError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _):
            let what = [context?.text, problem].compactMap { $0 }.joined(separator: ": ")
            return PlanError(file: file, line: mark.line, reason: "not valid YAML or JSON: \(what)")
        default:
            return PlanError(file: file, reason: "not valid YAML or JSON: \(error)")
        }
    }
}

/// Walks the YAML node tree, checking every field.
struct PlanReader {
    let file: String

    /// Setting fields: the short names and the API's own (`audio` and `generate_audio` are the same field).
    static let settingKeys: Set<String> = ["model", "resolution", "ratio", "duration", "audio", "generate_audio",
                                           "watermark", "seed", "camera_fixed", "return_last_frame", "service_tier",
                                           "execution_expires_after", "draft", "frames", "safety_identifier"]
    /// Names that mean the same field; a mapping may give only one of each pair.
    static let synonyms: [(String, String)] = [("audio", "generate_audio")]
    static let shotKeys: Set<String> = settingKeys.union(["id", "prompt", "images", "videos", "audios",
                                                          "first_frame"])
    static let topKeys: Set<String> = ["name", "defaults", "shots", "qa", "loudness", "prices"]

    func plan(_ root: Node) throws -> Plan {
        let top = try mapping(root, "the plan")
        try checkKeys(top, allowed: Self.topKeys, path: nil)
        let name = try top["name"].map { try string($0, "name") }
        let defaults = try top["defaults"].map { node -> ShotSettings in
            let map = try mapping(node, "defaults")
            try checkKeys(map, allowed: Self.settingKeys, path: "defaults")
            let defaults = try settings(map, path: "defaults")
            try checkDefaults(defaults)
            return defaults
        } ?? ShotSettings()
        guard let shotsNode = top["shots"] else {
            throw PlanError(file: file, line: line(root), field: "shots", reason: "missing: a plan needs a list of shots")
        }
        guard case .sequence(let sequence) = shotsNode else {
            throw PlanError(file: file, line: line(shotsNode), field: "shots", reason: "expected a list of shots")
        }
        if sequence.isEmpty {
            throw PlanError(file: file, line: line(shotsNode), field: "shots", reason: "the list of shots is empty")
        }
        var shots: [PlanShot] = []
        var seen: [String: Int] = [:]
        for (index, node) in sequence.enumerated() {
            let shot = try self.shot(node, index: index)
            if let first = seen[shot.id] {
                throw PlanError(file: file, line: shot.line, field: "shots[\(index)].id",
                                reason: "\"\(shot.id)\" is already the id of shots[\(first)]")
            }
            if index == 0 && shot.firstFrameFromPrevious {
                throw PlanError(file: file, line: shot.line, field: "shots[0].first_frame",
                                reason: "the first shot has no previous shot to start from")
            }
            seen[shot.id] = index
            shots.append(shot)
        }
        let qa = try top["qa"].map { try thresholds($0) }
        let loudness = try top["loudness"].map { node -> Double in
            guard let value = node.scalar.flatMap({ Double($0.string) }), value.isFinite, (-70...0).contains(value) else {
                throw PlanError(file: file, line: line(node), field: "loudness",
                                reason: "expected a loudness in LUFS between -70 and 0, such as -16")
            }
            return value
        }
        let prices = try top["prices"].map { node -> PriceTable in
            do {
                return try PriceFileReader.table(node, where: nil)
            } catch let error as PriceError {
                throw PlanError(file: file, line: line(node), field: "prices", reason: error.reason)
            }
        }
        return Plan(name: name, defaults: defaults, shots: shots, qa: qa, loudness: loudness, prices: prices)
    }

    /// `qa:` maps threshold names to numbers; each is checked as `--threshold` checks it.
    private func thresholds(_ node: Node) throws -> [String: Double] {
        let map = try mapping(node, "qa")
        var values: [String: Double] = [:]
        var thresholds = QAThresholds()
        for (key, valueNode) in map {
            guard let raw = key.string, let name = QAThresholds.Name(loosely: raw) else {
                throw PlanError(file: file, line: line(key), field: "qa.\(key.string ?? "?")",
                                reason: "no such threshold (known: "
                                    + QAThresholds.Name.allCases.map(\.rawValue).joined(separator: ", ") + ")")
            }
            guard let text = valueNode.scalar?.string, let value = Double(text) else {
                throw PlanError(file: file, line: line(valueNode), field: "qa.\(raw)", reason: "expected a number")
            }
            do {
                try thresholds.set(name, to: value)
            } catch {
                throw PlanError(file: file, line: line(valueNode), field: "qa.\(raw)", reason: error.reason)
            }
            values[name.rawValue] = value
        }
        return values
    }

    private func shot(_ node: Node, index: Int) throws -> PlanShot {
        let path = "shots[\(index)]"
        let map = try mapping(node, path)
        try checkKeys(map, allowed: Self.shotKeys, path: path)
        guard let promptNode = map["prompt"] else {
            throw PlanError(file: file, line: line(node), field: "\(path).prompt", reason: "missing: every shot needs a prompt")
        }
        let prompt = try string(promptNode, "\(path).prompt")
        if prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw PlanError(file: file, line: line(promptNode), field: "\(path).prompt", reason: "the prompt is empty")
        }
        let id = try map["id"].map { try identifier($0, "\(path).id") } ?? String(format: "shot-%02d", index + 1)
        var references: [PlanReference] = []
        for (key, kind) in [("images", PlanReference.Kind.image), ("videos", .video), ("audios", .audio)] {
            guard let listNode = map[key] else { continue }
            guard case .sequence(let list) = listNode else {
                throw PlanError(file: file, line: line(listNode), field: "\(path).\(key)",
                                reason: "expected a list of {path: ..., role: ...} or plain paths/URLs")
            }
            for (i, item) in list.enumerated() {
                references.append(try reference(item, kind: kind, path: "\(path).\(key)[\(i)]"))
            }
        }
        var fromPrevious = false
        if let firstFrame = map["first_frame"] {
            let value = try string(firstFrame, "\(path).first_frame")
            if value == "previous" {
                fromPrevious = true
            } else {
                // Any other value is an image for the first frame.
                references.insert(PlanReference(kind: .image, source: value, role: "first_frame"), at: 0)
            }
        }
        return PlanShot(id: id, prompt: prompt, references: references, firstFrameFromPrevious: fromPrevious,
                        settings: try settings(map, path: path), line: line(node))
    }

    private func reference(_ node: Node, kind: PlanReference.Kind, path: String) throws -> PlanReference {
        if case .scalar = node {
            return PlanReference(kind: kind, source: try string(node, path))
        }
        let map = try mapping(node, path)
        try checkKeys(map, allowed: ["path", "url", "role"], path: path)
        let sourceNode = map["path"] ?? map["url"]
        guard let sourceNode else {
            throw PlanError(file: file, line: line(node), field: path, reason: "needs a path or a url")
        }
        let roles = ["image": ["first_frame", "last_frame", "reference_image"], "video": ["reference_video"],
                     "audio": ["reference_audio"]][kind.rawValue] ?? []
        let role = try map["role"].map { try string($0, "\(path).role") }
        if let role, !roles.contains(role) {
            throw PlanError(file: file, line: line(map["role"]!), field: "\(path).role",
                            reason: "\"\(role)\" is not a role for \(kind.rawValue)s; expected one of \(roles.joined(separator: ", "))")
        }
        return PlanReference(kind: kind, source: try string(sourceNode, "\(path).\(map["path"] != nil ? "path" : "url")"),
                             role: role)
    }

    private func settings(_ map: Node.Mapping, path: String) throws -> ShotSettings {
        for (short, long) in Self.synonyms {
            guard let first = map.first(where: { $0.key.string == short || $0.key.string == long }),
                  let second = map.first(where: { $0.key.string == (first.key.string == short ? long : short) })
            else { continue }
            throw PlanError(file: file, line: line(second.key), field: "\(path).\(second.key.string ?? long)",
                            reason: "\(short) and \(long) are the same field (\(first.key.string ?? short) is on line "
                                + "\(line(first.key).map(String.init) ?? "?")); give only one")
        }
        var lines: [String: Int] = [:]
        for (key, _) in map {
            if let name = key.string, let line = line(key) { lines[name] = line }
        }
        let audioKey = map["generate_audio"] != nil ? "generate_audio" : "audio"
        let settings = ShotSettings(
            model: try map["model"].map { try string($0, "\(path).model") },
            resolution: try map["resolution"].map { try string($0, "\(path).resolution") },
            ratio: try map["ratio"].map { try string($0, "\(path).ratio") },
            duration: try map["duration"].map { try integer($0, "\(path).duration", what: "a whole number of seconds") },
            audio: try map[audioKey].map { try bool($0, "\(path).\(audioKey)") },
            watermark: try map["watermark"].map { try bool($0, "\(path).watermark") },
            seed: try map["seed"].map { Int64(try integer($0, "\(path).seed", what: "an integer seed")) },
            cameraFixed: try map["camera_fixed"].map { try bool($0, "\(path).camera_fixed") },
            returnLastFrame: try map["return_last_frame"].map { try bool($0, "\(path).return_last_frame") },
            serviceTier: try map["service_tier"].map { try string($0, "\(path).service_tier") },
            executionExpiresAfter: try map["execution_expires_after"].map {
                try integer($0, "\(path).execution_expires_after", what: "a whole number of seconds")
            },
            draft: try map["draft"].map { try bool($0, "\(path).draft") },
            frames: try map["frames"].map { try integer($0, "\(path).frames", what: "a whole number of frames") },
            safetyIdentifier: try map["safety_identifier"].map { try string($0, "\(path).safety_identifier") },
            lines: lines.isEmpty ? nil : lines
        )
        try checkValues(settings, path: path)
        return settings
    }

    /// The checks a value needs whatever the model: known resolution, ratio and tier names, and the API's fixed
    /// ranges (seed, expiry, the shape of a frame count). Errors name the field's own line.
    private func checkValues(_ settings: ShotSettings, path: String) throws {
        func fail(_ name: String, _ reason: String) -> PlanError {
            PlanError(file: file, line: settings.lines?[name], field: "\(path).\(name)", reason: reason)
        }
        if let text = settings.resolution, Resolution(rawValue: text) == nil {
            throw fail("resolution", ShotRequestBuilder.notAResolution(text))
        }
        if let text = settings.ratio, AspectRatio(rawValue: text) == nil {
            throw fail("ratio", ShotRequestBuilder.notARatio(text))
        }
        if let text = settings.serviceTier, ServiceTier(rawValue: text) == nil {
            throw fail("service_tier", ShotRequestBuilder.notATier(text))
        }
        if let seed = settings.seed, !(-1...4_294_967_295).contains(seed) {
            throw fail("seed", "\(seed) is out of range: -1...4294967295")
        }
        if let expiry = settings.executionExpiresAfter, !(3600...259_200).contains(expiry) {
            throw fail("execution_expires_after", "\(expiry) is out of range: 3600...259200")
        }
        if let frames = settings.frames, !(29...289).contains(frames) || (frames - 25) % 4 != 0 {
            throw fail("frames", "\(frames) must be in 29...289 and of the form 25 + 4n")
        }
    }

    /// The defaults checked on their own, so that an error names the `defaults` line rather than the first shot:
    /// when they name a model, the service's own rules for it (resolution, duration range, audio, tier) on a request made of
    /// the defaults alone; only problems with a field the defaults set are reported.
    private func checkDefaults(_ defaults: ShotSettings) throws {
        guard let model = defaults.model else { return }
        let request = GenerationRequest(
            model: model, content: [.text("defaults")], generateAudio: defaults.audio,
            resolution: defaults.resolution.flatMap(Resolution.init), duration: defaults.duration,
            frames: defaults.frames, seed: defaults.seed, serviceTier: defaults.serviceTier.flatMap(ServiceTier.init),
            executionExpiresAfter: defaults.executionExpiresAfter)
        do {
            _ = try RequestValidation(requireKnownModel: false).validate(request)
        } catch {
            guard let param = error.param, defaults.isSet(param) else { return }
            let written = defaults.writtenName(param)
            throw PlanError(file: file, line: defaults.lines?[written], field: "defaults.\(written)",
                            reason: "\(error.code): \(error.message)")
        }
    }

    // MARK: typed scalars with positions

    private func line(_ node: Node) -> Int? { node.mark?.line }

    private func mapping(_ node: Node, _ what: String) throws -> Node.Mapping {
        guard case .mapping(let map) = node else {
            throw PlanError(file: file, line: line(node), field: what == "the plan" ? nil : what,
                            reason: "expected a mapping of fields (key: value)")
        }
        return map
    }

    private func checkKeys(_ map: Node.Mapping, allowed: Set<String>, path: String?) throws {
        for (key, _) in map {
            guard let name = key.string else {
                throw PlanError(file: file, line: line(key), field: path, reason: "field names must be text")
            }
            if !allowed.contains(name) {
                let suggestion = allowed.min { distance($0, name) < distance($1, name) }
                    .flatMap { distance($0, name) <= 2 ? " (did you mean \($0)?)" : nil } ?? ""
                throw PlanError(file: file, line: line(key), field: path.map { "\($0).\(name)" } ?? name,
                                reason: "unknown field\(suggestion); expected one of \(allowed.sorted().joined(separator: ", "))")
            }
        }
    }

    private func string(_ node: Node, _ field: String) throws -> String {
        guard case .scalar(let scalar) = node else {
            throw PlanError(file: file, line: line(node), field: field, reason: "expected text")
        }
        return scalar.string
    }

    private func identifier(_ node: Node, _ field: String) throws -> String {
        let value = try string(node, field)
        // Shot ids become file names: keep them to a safe alphabet.
        guard !value.isEmpty, value.count <= 64,
              value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw PlanError(file: file, line: line(node), field: field,
                            reason: "\"\(value)\": ids may use letters, digits, - and _ (at most 64)")
        }
        return value
    }

    private func integer(_ node: Node, _ field: String, what: String) throws -> Int {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string) else {
            throw PlanError(file: file, line: line(node), field: field, reason: "expected \(what), got \(describe(node))")
        }
        return value
    }

    private func bool(_ node: Node, _ field: String) throws -> Bool {
        guard case .scalar(let scalar) = node else {
            throw PlanError(file: file, line: line(node), field: field, reason: "expected true or false")
        }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw PlanError(file: file, line: line(node), field: field, reason: "expected true or false, got \"\(scalar.string)\"")
        }
    }

    private func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): "\"\(s.string)\""
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    private func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}
