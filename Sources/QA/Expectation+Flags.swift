import SeedanceAPI

extension Expectation {
    /// An expectation from command-line values (`--resolution 720p --ratio 16:9 --duration 5 --audio --model M`).
    ///
    /// `duration` is whole seconds or -1 (model chooses); `generateAudio` nil takes the API's default (true) and
    /// says so. Throws `ExpectationError` naming the flag for a value that is not allowed.
    public static func fromFlags(model: String?, resolution: String, ratio: String, duration: Int,
                                 generateAudio: Bool?) throws(ExpectationError) -> Expectation {
        var notes: [String] = []
        let resolutionValue = try parseResolution(resolution, field: "--resolution", file: nil)
        let ratioValue = try parseRatio(ratio, field: "--ratio", file: nil)
        guard duration > 0 || duration == -1 else {
            throw ExpectationError(field: "--duration", reason: "\(duration) is not a length: give whole seconds, or -1 "
                                   + "when the model chose")
        }
        if generateAudio == nil {
            notes.append("neither --audio nor --no-audio given: expecting audio (the API's default generate_audio: true)")
        }
        return Expectation(model: model, resolution: resolutionValue, ratio: ratioValue,
                           length: duration == -1 ? .automatic : .seconds(Double(duration)),
                           generateAudio: generateAudio ?? true, source: "flags", notes: notes)
    }

    static func parseResolution(_ text: String, field: String, file: String?) throws(ExpectationError) -> Resolution {
        let normal = text.lowercased() == "4k" ? "4k" : text.lowercased()
        guard let value = Resolution(rawValue: normal) else {
            throw ExpectationError(file: file, field: field, reason: "\"\(text)\" is not a resolution (one of "
                                   + Resolution.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        }
        return value
    }

    static func parseRatio(_ text: String, field: String, file: String?) throws(ExpectationError) -> AspectRatio {
        guard let value = AspectRatio(rawValue: text.lowercased()) else {
            throw ExpectationError(file: file, field: field, reason: "\"\(text)\" is not a ratio (one of "
                                   + AspectRatio.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        }
        return value
    }
}
