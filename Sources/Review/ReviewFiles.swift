import Foundation
import HTTPTypes
import Hummingbird

/// Which files of the run folder a page may load: `/files/<path inside the folder>`, nothing else.
///
/// A path is refused when it could name anything outside the folder or anything the page has no use for: `..`,
/// encoded dots, slashes, backslashes or NULs (`%2e`, `%2f`, `%5c`, `%00`), empty segments (`//`, an absolute
/// path), hidden names (the lock, half-written `.part` files) and the run's state file; and when the file, with every
/// symbolic link resolved, is not inside the folder. Everything refused is a 404 that says nothing of the file.
struct ReviewFiles: Sendable {
    /// The run folder with every symbolic link resolved.
    let root: String

    /// The URL prefix files are served under.
    static let prefix = "/files/"

    init(directory: String) throws {
        guard let resolved = Self.realPath(directory) else {
            throw ReviewError.refused("\(directory): cannot resolve the run folder")
        }
        root = resolved
    }

    /// The folder-relative path a raw request path names, or nil when it is refused.
    func relativePath(rawPath: String) -> String? {
        guard rawPath.hasPrefix(Self.prefix) else { return nil }
        let raw = String(rawPath.dropFirst(Self.prefix.count))
        let lowered = raw.lowercased()
        for encoded in ["%2e", "%2f", "%5c", "%00"] where lowered.contains(encoded) { return nil }
        guard let decoded = raw.removingPercentEncoding, !decoded.isEmpty else { return nil }
        guard !decoded.contains("\\"), !decoded.contains("\0"), !decoded.hasPrefix("/") else { return nil }
        let segments = decoded.split(separator: "/", omittingEmptySubsequences: false)
        for segment in segments {
            if segment.isEmpty || segment.hasPrefix(".") { return nil }
        }
        if segments.count == 1, segments[0].hasPrefix("state.sqlite") { return nil }
        return decoded
    }

    /// The file a raw request path names, resolved and inside the folder (nil: refused or missing).
    func resolve(rawPath: String) -> String? {
        guard let relative = relativePath(rawPath: rawPath),
              let resolved = Self.realPath((root as NSString).appendingPathComponent(relative)),
              resolved.hasPrefix(root + "/") else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
        return resolved
    }

    /// `realpath(3)`: the path with every symbolic link, `.` and `..` resolved (nil when it does not exist).
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// Serves a `/files/` request (`/runs/ID/files/` for a run of a store's list) from its run's folder, only with the
/// token and a path `ReviewFiles` accepts; the file server answers ranges (seeking) and conditional requests.
struct FilesGuardMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let sites: ReviewSites
    let access: ReviewAccess

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let site: ReviewSite
        switch sites.mode {
        case .single(let one):
            guard path.hasPrefix("/files") else { return try await next(request, context) }
            guard access.readAllowed(request) else { return ReviewRoutes.failure(.forbidden, "missing or wrong token") }
            site = one
        case .list:
            // /runs/ID/files...: the run's id is one segment, taken as it is (servable ids need no encoding).
            let parts = path.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count >= 4, parts[0].isEmpty, parts[1] == "runs", parts[3].hasPrefix("files") else {
                return try await next(request, context)
            }
            guard access.readAllowed(request) else { return ReviewRoutes.failure(.forbidden, "missing or wrong token") }
            do {
                site = try await sites.site(String(parts[2]))
            } catch {
                return ReviewRoutes.failure(.notFound, "not found")
            }
        }
        guard request.method == .get || request.method == .head else {
            return ReviewRoutes.failure(.methodNotAllowed, "files are read only")
        }
        guard path.hasPrefix(site.prefix + ReviewFiles.prefix),
              site.files.resolve(rawPath: String(path.dropFirst(site.prefix.count))) != nil else {
            return ReviewRoutes.failure(.notFound, "not found")
        }
        // The file server serves only when what it wraps finds nothing (throws 404).
        return try await site.fileServer.handle(request, context: context) { _, _ in throw HTTPError(.notFound) }
    }
}
