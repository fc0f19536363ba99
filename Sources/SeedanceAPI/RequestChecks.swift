import Foundation

/// The client's checks of a create body before anything is sent (and money spent): the service's rules
/// (`RequestValidation`, lenient about model names so new models pass) plus 4k only on 2.0 standard models, the
/// documented size for the resolution and ratio, and the 64 MB body limit. Messages name the field and the allowed
/// values.
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
        if request.resolution == .k4 && !isStandard20(request.model) {
            throw ClientError(.invalidRequest,
                              "resolution 4k is only available on Seedance 2.0 standard models (allowed for "
                                  + "\(request.model): 480p, 720p, 1080p)",
                              code: "InvalidParameter", param: "resolution", attempts: 0)
        }
        if let ratio = request.ratio, ratio != .adaptive,
           OutputGeometry.size(family: resolved.family, resolution: resolved.resolution, ratio: ratio) == nil {
            throw ClientError(.invalidRequest, "ratio \(ratio.rawValue) is not available at "
                + "\(resolved.resolution.rawValue) on \(resolved.family) (allowed: "
                + AspectRatio.allCases.map(\.rawValue).joined(separator: ", ") + ")",
                code: "InvalidParameter", param: "ratio", attempts: 0)
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

    /// Whether `model` may make 4k: a 2.0 standard model (not `fast`, not 1.x), or an endpoint id (unknown here).
    static func isStandard20(_ model: String) -> Bool {
        let id = model.lowercased()
        if id.hasPrefix("ep-") { return true }
        return id.contains(/seedance-2[-.]0/) && !id.contains("fast") && !id.contains("lite")
    }
}
