import Foundation
import SeedanceAPI

// The request and task documents are read with small private Decodable structs holding only the fields QA needs.
// They should move onto SeedanceAPI's GenerationRequest and Task types once those exist (written in parallel).

extension Expectation {
    /// An expectation from a create-request body (the JSON POSTed to `/contents/generations/tasks`).
    ///
    /// Body fields win over the legacy flags inside the prompt text (`--rs 720p --rt 16:9 --dur 5`); what neither
    /// gives takes the API's default (resolution 720p; ratio `adaptive` with a first-frame image, else 16:9;
    /// duration 5; generate_audio true), each noted. `frames` (1.0 models) wins over `duration`.
    public static func fromRequestBody(_ data: Data, file: String) throws(ExpectationError) -> Expectation {
        let body: RequestBody = try decodeDocument(data, file: file)
        var notes: [String] = []
        let legacy = LegacyTextFlags(body.content?.compactMap(\.text) ?? [])

        let resolution: Resolution
        if let text = body.resolution {
            resolution = try parseResolution(text, field: "resolution", file: file)
        } else if let text = legacy.resolution {
            resolution = try parseResolution(text, field: "content text --rs", file: file)
        } else {
            resolution = .p720
            notes.append("the request gives no resolution: assuming 720p (the API's default)")
        }

        let hasFirstFrame = body.content?.contains {
            $0.type == "image_url" && ($0.role == nil || $0.role == "first_frame")
        } ?? false
        let ratio: AspectRatio
        if let text = body.ratio {
            ratio = try parseRatio(text, field: "ratio", file: file)
        } else if let text = legacy.ratio {
            ratio = try parseRatio(text, field: "content text --rt", file: file)
        } else {
            ratio = hasFirstFrame ? .adaptive : .r16x9
            notes.append("the request gives no ratio: assuming \(ratio.rawValue) (the API's default "
                         + (hasFirstFrame ? "with a first-frame image)" : "for text to video)"))
        }

        let length: Length
        if let frames = body.frames {
            guard frames > 0 else { throw ExpectationError(file: file, field: "frames", reason: "\(frames) is not a frame count") }
            length = .frames(frames)
        } else if let duration = body.duration ?? legacy.duration {
            guard duration > 0 || duration == -1 else {
                throw ExpectationError(file: file, field: "duration", reason: "\(duration) is not a length in seconds (or -1)")
            }
            length = duration == -1 ? .automatic : .seconds(Double(duration))
        } else {
            length = .seconds(5)
            notes.append("the request gives no duration: assuming 5 s (the API's default)")
        }
        if body.generateAudio == nil {
            notes.append("the request gives no generate_audio: assuming true (the API's default)")
        }
        return Expectation(model: body.model, resolution: resolution, ratio: ratio, length: length,
                           generateAudio: body.generateAudio ?? true, source: "request \(file)", notes: notes)
    }

    /// An expectation from a task object (the GET response): its `resolution`, `ratio`, `duration` or `frames` are
    /// what was really made. A task that has not succeeded is noted (it has no video to deliver).
    public static func fromTaskObject(_ data: Data, file: String) throws(ExpectationError) -> Expectation {
        let task: TaskObject = try decodeDocument(data, file: file)
        var notes: [String] = []
        if let status = task.status, status != "succeeded" {
            notes.append("the task's status is \(status), not succeeded")
        }
        guard let resolutionText = task.resolution else {
            throw ExpectationError(file: file, field: "resolution", reason: "missing (is this a task object from GET "
                                   + ".../contents/generations/tasks/{id}?)")
        }
        let resolution = try parseResolution(resolutionText, field: "resolution", file: file)
        guard let ratioText = task.ratio else {
            throw ExpectationError(file: file, field: "ratio", reason: "missing")
        }
        let ratio = try parseRatio(ratioText, field: "ratio", file: file)
        let length: Length
        if let frames = task.frames, frames > 0 {
            length = .frames(frames)
        } else if let duration = task.duration {
            guard duration > 0 || duration == -1 else {
                throw ExpectationError(file: file, field: "duration", reason: "\(duration) is not a length in seconds")
            }
            length = duration == -1 ? .automatic : .seconds(duration)
        } else {
            throw ExpectationError(file: file, field: "duration", reason: "missing (and no frames either)")
        }
        let fps = task.framesPerSecond ?? OutputGeometry.framesPerSecond
        if fps != OutputGeometry.framesPerSecond {
            notes.append("the task says framespersecond \(fps), not Seedance's 24: checking against \(fps)")
        }
        if task.generateAudio == nil {
            notes.append("the task gives no generate_audio: assuming true (the API's default)")
        }
        return Expectation(model: task.model, resolution: resolution, ratio: ratio, length: length,
                           generateAudio: task.generateAudio ?? true, framesPerSecond: fps, source: "task \(file)",
                           notes: notes)
    }

    /// Decodes a document, turning JSON and type errors into one line naming the field (or, for broken JSON,
    /// the line and column).
    private static func decodeDocument<T: Decodable>(_ data: Data, file: String) throws(ExpectationError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                throw ExpectationError(file: file, field: nil, reason: "not valid JSON (\(syntaxProblem(data)))")
            }
            throw describe(error, file: file)
        } catch {
            throw ExpectationError(file: file, field: nil, reason: "not JSON (\(error.localizedDescription))")
        }
    }

    /// JSONDecoder does not say where JSON breaks; JSONSerialization does ("around character 8"): as line:column.
    private static func syntaxProblem(_ data: Data) -> String {
        if data.isEmpty { return "the file is empty" }
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return "not an object"
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            guard let match = detail.firstMatch(of: /character (\d+)/), let offset = Int(match.1) else {
                return detail.hasSuffix(".") ? String(detail.dropLast()) : detail
            }
            let before = data.prefix(offset)
            let line = before.filter { $0 == UInt8(ascii: "\n") }.count + 1
            let column = offset - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
            return "invalid JSON at line \(line), column \(column)"
        }
    }

    private static func describe(_ error: DecodingError, file: String) -> ExpectationError {
        func path(_ keys: [any CodingKey]) -> String? {
            guard !keys.isEmpty else { return nil }
            return keys.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }
                .joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context):
            return ExpectationError(file: file, field: path(context.codingPath + [key]), reason: "missing")
        case .typeMismatch(let type, let context):
            return ExpectationError(file: file, field: path(context.codingPath),
                                    reason: "expected \(typeName(type))")
        case .valueNotFound(let type, let context):
            return ExpectationError(file: file, field: path(context.codingPath),
                                    reason: "is null, expected \(typeName(type))")
        case .dataCorrupted(let context):
            if let field = path(context.codingPath) {
                return ExpectationError(file: file, field: field, reason: context.debugDescription)
            }
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return ExpectationError(file: file, field: nil,
                                    reason: "not valid JSON (\(underlying ?? context.debugDescription))")
        @unknown default:
            return ExpectationError(file: file, field: nil, reason: String(describing: error))
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type: "a whole number"
        case is Double.Type: "a number"
        case is Array<Any>.Type: "an array"
        default: "\(type)".contains("Array") ? "an array" : "an object"
        }
    }
}

/// The fields of a create-request body QA needs.
private struct RequestBody: Decodable {
    var model: String
    var content: [ContentItem]?
    var generateAudio: Bool?
    var resolution: String?
    var ratio: String?
    var duration: Int?
    var frames: Int?

    enum CodingKeys: String, CodingKey {
        case model, content, resolution, ratio, duration, frames
        case generateAudio = "generate_audio"
    }

    struct ContentItem: Decodable {
        var type: String
        var role: String?
        var text: String?
    }
}

/// The fields of a task object QA needs. `duration` may be fractional.
private struct TaskObject: Decodable {
    var model: String?
    var status: String?
    var resolution: String?
    var ratio: String?
    var duration: Double?
    var frames: Int?
    var framesPerSecond: Int?
    var generateAudio: Bool?

    enum CodingKeys: String, CodingKey {
        case model, status, resolution, ratio, duration, frames
        case framesPerSecond = "framespersecond", generateAudio = "generate_audio"
    }
}

/// The legacy parameters written into the prompt text: `--rs 720p --rt 16:9 --dur 5` (also the long names).
private struct LegacyTextFlags {
    var resolution: String?
    var ratio: String?
    var duration: Int?

    init(_ texts: [String]) {
        for text in texts {
            let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
            for (i, word) in words.enumerated() where i + 1 < words.count {
                let value = words[i + 1]
                switch word {
                case "--rs", "--resolution": resolution = value
                case "--rt", "--ratio": ratio = value
                case "--dur", "--duration": duration = Int(value)
                default: break
                }
            }
        }
    }
}
