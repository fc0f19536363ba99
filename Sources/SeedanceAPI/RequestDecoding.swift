import Foundation

extension GenerationRequest {
    /// Decodes a create body as the service does, turning every problem into the service's error.
    ///
    /// Not strict JSON (`StrictJSON`: trailing commas, comments...) or not a JSON object: `InvalidParameter` (param
    /// `body`, the line named). `model` or `content` absent or null: `MissingParameter`.
    /// A field of the wrong type or with an unknown value (`"resolution": "2k"`, `"duration": "5"`): `InvalidParameter`
    /// whose `param` names the field (`content.role` for an item's member). Explicit nulls elsewhere read as unset.
    public static func decode(_ data: Data) throws(APIError) -> GenerationRequest {
        do {
            try StrictJSON.check(data)
        } catch {
            throw APIError.invalidParameter("body", "the request body is not valid JSON (\(error))")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw APIError.invalidParameter("body", "the request body is not valid JSON")
        }
        guard let fields = object as? [String: Any] else {
            throw APIError.invalidParameter("body", "the request body must be a JSON object")
        }
        for required in ["model", "content"] where fields[required] == nil || fields[required] is NSNull {
            throw APIError.missingParameter(required)
        }
        // Foundation reports a fractional number for an integer field as "not valid JSON" with no path: name it here.
        // (Strings and booleans are not NSNumber-integral or fail later as a type mismatch with their path.)
        for field in ["duration", "frames", "seed", "execution_expires_after"] {
            guard let value = fields[field], !(value is NSNull) else { continue }
            guard let number = value as? NSNumber,
                  number.doubleValue.rounded() == number.doubleValue
            else { throw APIError.invalidParameter(field, "\(field) must be an integer") }
        }
        do {
            return try JSONDecoder().decode(GenerationRequest.self, from: data)
        } catch let error as DecodingError {
            throw APIError.from(error)
        } catch {
            throw APIError.invalidParameter("body", "\(error)")
        }
    }
}

extension APIError {
    /// The service's error for a body that did not decode: the field's dotted path as `param`.
    static func from(_ error: DecodingError) -> APIError {
        func path(_ keys: [any CodingKey]) -> (param: String, shown: String) {
            let named = keys.filter { $0.intValue == nil }.map(\.stringValue)
            let shown = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return (named.isEmpty ? "body" : named.joined(separator: "."),
                    shown.hasPrefix(".") ? String(shown.dropFirst()) : shown)
        }
        switch error {
        case let .keyNotFound(key, context):
            let p = path(context.codingPath + [key])
            return .missingParameter(p.param, "The request failed because it is missing the parameter \(p.shown).")
        case let .valueNotFound(_, context):
            let p = path(context.codingPath)
            return .missingParameter(p.param, "The request failed because \(p.shown) is null.")
        case let .typeMismatch(type, context):
            let p = path(context.codingPath)
            return .invalidParameter(p.param, "\(p.shown) must be \(typeWord(type))")
        case let .dataCorrupted(context):
            let p = path(context.codingPath)
            return .invalidParameter(p.param, "\(p.shown) has an unsupported value")
        @unknown default:
            return .invalidParameter("body", "\(error)")
        }
    }

    private static func typeWord(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        default: "of another type (\(type))"
        }
    }
}
