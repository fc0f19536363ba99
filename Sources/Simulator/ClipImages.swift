import AsyncHTTPClient
import Foundation
import Media
import SeedanceAPI

/// The images of a request that shape its clip: the first and last frames, and the mean colour of the reference
/// images.
struct ClipImages: Sendable, Hashable {
    /// The `first_frame` image (or the one image without a role), saved in the image folder.
    var first: StillImage?
    /// The `last_frame` image.
    var last: StillImage?
    /// The mean colour of the `reference_image` images together.
    var tint: VideoImage.Color?

    /// No images.
    static let none = ClipImages()

    /// Reads the image items of `request`: data URLs are decoded; `http(s)` URLs are fetched when they point at
    /// this machine (the simulator never reaches beyond loopback, so other hosts and `asset://` ids are left out,
    /// and the clip is the test pattern). Each image is saved under `directory` by a digest of its bytes.
    ///
    /// Throws `InvalidParameter` for an image that cannot be fetched or read, as the service refuses one.
    static func read(_ request: GenerationRequest, into directory: URL) async throws(APIError) -> ClipImages {
        var images = ClipImages()
        var references: [VideoImage.Color] = []
        for (index, item) in request.content.enumerated() where item.type == .imageURL {
            guard let url = item.imageURL?.url, let data = try await bytes(of: url, index: index) else { continue }
            let saved = try save(data, in: directory, index: index)
            if item.role == .lastFrame {
                images.last = saved
            } else if item.role == .referenceImage {
                let path = saved.path
                guard let colour = try? await runOffThePool({ try meanColour(ofImage: path) }) else {
                    throw APIError.invalidParameter("content.image_url.url", "content[\(index)]: the image cannot be read")
                }
                references.append(colour)
            } else {
                images.first = saved
            }
        }
        if !references.isEmpty {
            func mean(_ channel: (VideoImage.Color) -> UInt8) -> UInt8 {
                UInt8((Double(references.reduce(0) { $0 + Int(channel($1)) }) / Double(references.count)).rounded())
            }
            images.tint = VideoImage.Color(red: mean(\.red), green: mean(\.green), blue: mean(\.blue))
        }
        return images
    }

    /// The bytes behind `url`: a data URL's payload, or a loopback `http(s)` answer; nil for what the simulator
    /// does not fetch.
    private static func bytes(of url: String, index: Int) async throws(APIError) -> Data? {
        if let dataURL = DataURL(url) {
            guard let data = dataURL.data else {
                throw APIError.invalidParameter("content.image_url.url", "content[\(index)]: the data URL is not valid base64")
            }
            return data
        }
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
              let host = parsed.host, ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased())
        else { return nil }
        do {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
            guard response.status == .ok else {
                throw APIError.invalidParameter("content.image_url.url",
                                                "content[\(index)]: the image URL answered \(response.status.code)")
            }
            let body = try await response.body.collect(upTo: 30 * 1024 * 1024)
            return Data(buffer: body)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.invalidParameter("content.image_url.url", "content[\(index)]: the image could not be fetched")
        }
    }

    /// Writes `data` to `directory` under its digest (once: the same bytes give the same file).
    private static func save(_ data: Data, in directory: URL, index: Int) throws(APIError) -> StillImage {
        var hash = StableHash()
        hash.add(data)
        let digest = String(hash.value, radix: 16)
        let path = directory.appendingPathComponent("image-\(digest)").path
        if !FileManager.default.fileExists(atPath: path) {
            let temporary = path + ".\(UUID().uuidString).part"
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try data.write(to: URL(fileURLWithPath: temporary))
                _ = try? FileManager.default.removeItem(atPath: path)
                try FileManager.default.moveItem(atPath: temporary, toPath: path)
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                throw APIError(httpStatus: 500, code: "InternalServiceError",
                               message: "content[\(index)]: the image could not be stored")
            }
        }
        return StillImage(path: path, digest: digest)
    }
}
