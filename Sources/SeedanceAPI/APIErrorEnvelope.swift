/// An error as the service reports it: `{"code","message","param","type"}` inside the envelope, plus the HTTP status
/// it came with.
public struct APIError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The error code (`InvalidParameter`, `RateLimitExceeded.EndpointRPMExceeded`, ...).
    public var code: String
    /// The explanation (the service appends `Request id: ...`).
    public var message: String
    /// The body field at fault, when one is (`duration`, `content`).
    public var param: String?
    /// The error class (`BadRequest`, `Unauthorized`, `TooManyRequests`, ...).
    public var type: String?
    /// The HTTP status; not on the wire inside the envelope (it is the response's status).
    public var httpStatus: Int

    enum CodingKeys: String, CodingKey {
        case code, message, param, type
    }

    /// Makes an error; `type` defaults to the class of `httpStatus`.
    public init(httpStatus: Int, code: String, message: String, param: String? = nil, type: String? = nil) {
        self.httpStatus = httpStatus
        self.code = code
        self.message = message
        self.param = param
        self.type = type ?? APIError.typeName(forStatus: httpStatus)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = (try? c.decodeIfPresent(String.self, forKey: .code)) ?? "Unknown"
        message = (try? c.decodeIfPresent(String.self, forKey: .message)) ?? ""
        param = try? c.decodeIfPresent(String.self, forKey: .param)
        type = try? c.decodeIfPresent(String.self, forKey: .type)
        httpStatus = 0
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(message, forKey: .message)
        try c.encodeIfPresent(param, forKey: .param)
        try c.encodeIfPresent(type, forKey: .type)
    }

    /// `HTTP 400 InvalidParameter (duration): message`.
    public var description: String {
        var line = "HTTP \(httpStatus) \(code)"
        if let param { line += " (\(param))" }
        return line + ": " + message
    }

    /// The `type` the service pairs with a status.
    public static func typeName(forStatus status: Int) -> String {
        switch status {
        case 400: "BadRequest"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 429: "TooManyRequests"
        case 500: "InternalServerError"
        case 503: "ServiceUnavailable"
        default: "Error"
        }
    }

    /// Whether the call surely did not take effect and may be sent again (429 and `ServerOverloaded`).
    public var isRetryableWithoutDoubt: Bool {
        httpStatus == 429 || code == "ServerOverloaded"
    }
}

extension APIError {
    /// 400 `MissingParameter`: a required field is absent or null.
    public static func missingParameter(_ param: String, _ message: String? = nil) -> APIError {
        APIError(httpStatus: 400, code: "MissingParameter",
                 message: message ?? "The request failed because it is missing one or multiple required parameters: \(param).",
                 param: param)
    }

    /// 400 `InvalidParameter`: a field has a value the service refuses.
    public static func invalidParameter(_ param: String, _ message: String) -> APIError {
        APIError(httpStatus: 400, code: "InvalidParameter",
                 message: "The parameter `\(param)` specified in the request is not valid: \(message)", param: param)
    }

    /// 401 `AuthenticationError`: the API key is missing or wrong.
    public static func authentication(_ message: String = "The API key or AK/SK in the request is missing or invalid.")
        -> APIError
    {
        APIError(httpStatus: 401, code: "AuthenticationError", message: message)
    }

    /// 404 `InvalidEndpointOrModel.NotFound`: no such model or endpoint.
    public static func modelNotFound(_ model: String) -> APIError {
        APIError(httpStatus: 404, code: "InvalidEndpointOrModel.NotFound",
                 message: "The model or endpoint \(model) does not exist or you do not have access to it.",
                 param: "model")
    }

    /// 404 `ResourceNotFound`: no such task.
    public static func taskNotFound(_ id: String) -> APIError {
        APIError(httpStatus: 404, code: "ResourceNotFound",
                 message: "The specified task \(id) is not found.", param: "id")
    }
}

/// The error envelope: `{"error": {"code": ..., "message": ..., "param": ..., "type": ...}}`.
public struct APIErrorEnvelope: Sendable, Hashable, Codable {
    /// The error.
    public var error: APIError

    /// Wraps an error.
    public init(error: APIError) { self.error = error }
}
