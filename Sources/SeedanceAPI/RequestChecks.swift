import Foundation

/// The client's checks of a create body before anything is sent (and money spent): the service's rules
/// (`RequestValidation`, the same the simulator applies, lenient about model names so new models pass) plus the
/// 64 MB body limit. Messages name the field and the allowed values.
public enum RequestChecks {
    /// Largest create body the service takes.
    public static let maxBodyBytes = 64 * 1024 * 1024

    /// Checks `request` whose encoded body has `bodySize` bytes; returns it resolved (defaults filled in).
    public static func validate(_ request: GenerationRequest, bodySize: Int? = nil) throws(ClientError)
        -> ResolvedRequest
    {
        let resolved: ResolvedRequest
        do {
            resolved = try RequestValidation(requireKnownModel: false).validate(request)
        } catch {
            throw ClientError.invalid(error)
        }
        if let bodySize, bodySize > maxBodyBytes {
            throw ClientError(.invalidRequest, "the request body is \(bodySize) bytes; at most \(maxBodyBytes) "
                + "(64 MB) are allowed: use https URLs or asset ids instead of data URLs for large inputs",
                code: "InvalidParameter", param: "body", attempts: 0)
        }
        return resolved
    }

    /// The request as the wire JSON (`WireJSON`: documented member order, unset fields left out), after `validate`.
    public static func encode(_ request: GenerationRequest) throws(ClientError) -> Data {
        let body: Data
        do {
            body = try WireJSON.encode(request)
        } catch {
            throw ClientError(.invalidRequest, "the request cannot be encoded: \(error)", attempts: 0)
        }
        _ = try validate(request, bodySize: body.count)
        return body
    }
}
