import Foundation

/// The service's rules for a create body, returning its error codes and `param`.
///
/// Body fields are checked strictly; legacy flags inside the prompt (`--rs 720p`) leniently (see `PromptFlags`).
/// Checks that need the bytes of an input (image size of a data URL) are the caller's: this type knows no media.
public struct RequestValidation: Sendable {
    /// Whether a model id that names no known Seedance family (and is not an `ep-` endpoint id) is refused with
    /// 404 `InvalidEndpointOrModel.NotFound`. A server says yes; a client may say no to let new models through.
    public var requireKnownModel: Bool

    /// Image data-URL formats the service takes (lowercase; `heic` on 2.x only).
    public static let imageFormats = ["jpeg", "jpg", "png", "webp", "bmp", "tiff", "gif"]

    /// Makes the rules.
    public init(requireKnownModel: Bool = true) {
        self.requireKnownModel = requireKnownModel
    }

    /// The family `model` belongs to: endpoint ids and (unless `requireKnownModel`) unknown names count as 2.x.
    public func family(of model: String) throws(APIError) -> ModelFamily {
        if let family = ModelFamily(model: model) { return family }
        if model.hasPrefix("ep-") || !requireKnownModel { return .v2 }
        throw APIError.modelNotFound(model)
    }

    /// Checks `request`; throws the first problem, as the service reports one at a time.
    @discardableResult
    public func validate(_ request: GenerationRequest) throws(APIError) -> ResolvedRequest {
        if request.model.trimmingCharacters(in: .whitespaces).isEmpty { throw .missingParameter("model") }
        let family = try family(of: request.model)
        let mode = try checkContent(request.content, family: family)
        try checkFields(request, family: family, mode: mode)
        return ResolvedRequest(request: request, family: family, mode: mode)
    }

    // MARK: Content

    private func checkContent(_ content: [ContentItem], family: ModelFamily) throws(APIError) -> InputMode {
        if content.isEmpty { throw .missingParameter("content", "The request failed because `content` is empty.") }
        var texts = 0, firstFrames = 0, lastFrames = 0, references = 0, videos = 0, audios = 0, drafts = 0
        var unroledImages = 0
        for (index, item) in content.enumerated() {
            let at = "content[\(index)]"
            switch item.type {
            case .text:
                texts += 1
                guard let text = item.text else { throw .missingParameter("content.text", "\(at).text is missing.") }
                if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    throw .invalidParameter("content.text", "\(at).text is empty")
                }
                if texts > 1 { throw .invalidParameter("content", "only one text item is allowed (\(at) is another)") }
            case .imageURL, .videoURL, .audioURL:
                let member = item.type.rawValue
                guard let url = item.mediaURL, !url.isEmpty else {
                    throw .missingParameter("content.\(member).url", "\(at).\(member).url is missing.")
                }
                try checkURL(url, type: item.type, family: family, at: at)
                if let role = item.role, !ContentRole.allowed(for: item.type).contains(role) {
                    throw .invalidParameter("content.role", "\(at).role \"\(role)\" is not allowed for \(member)")
                }
                if item.type != .imageURL && family != .v2 {
                    throw .invalidParameter("content.type", "\(at): \(member) inputs need a Seedance 2.x model")
                }
                switch (item.type, item.role) {
                case (.imageURL, nil): unroledImages += 1
                case (.imageURL, .firstFrame?): firstFrames += 1
                case (.imageURL, .lastFrame?): lastFrames += 1
                case (.imageURL, _): references += 1
                case (.videoURL, _): videos += 1
                default: audios += 1
                }
            case .draftTask:
                drafts += 1
                guard let id = item.draftTask?.id, !id.isEmpty else {
                    throw .missingParameter("content.draft_task.id", "\(at).draft_task.id is missing.")
                }
            default:
                throw .invalidParameter("content.type", "\(at).type \"\(item.type)\" is not one of "
                    + ContentType.known.map(\.rawValue).joined(separator: ", "))
            }
        }
        let images = unroledImages + firstFrames + lastFrames + references
        if references + videos + audios > 0 {
            if firstFrames + lastFrames + unroledImages > 0 {
                throw .invalidParameter("content.role", "first/last frame images and reference inputs do not mix")
            }
            let maxImages = family == .v2 ? 9 : 4
            if references > maxImages {
                throw .invalidParameter("content", "at most \(maxImages) reference images are allowed (got \(references))")
            }
            if videos > 3 { throw .invalidParameter("content", "at most 3 reference videos are allowed (got \(videos))") }
            if audios > 3 { throw .invalidParameter("content", "at most 3 reference audios are allowed (got \(audios))") }
            if references + videos == 0 {
                throw .invalidParameter("content", "reference audio needs at least one reference image or video")
            }
            return .reference
        }
        switch images {
        case 0:
            if texts == 0 && drafts == 0 {
                throw .missingParameter("content.text", "The request needs a text prompt or an image.")
            }
            return drafts > 0 ? .draft : .textOnly
        case 1:
            if lastFrames == 1 {
                throw .invalidParameter("content.role", "a last_frame image needs a first_frame image")
            }
            return .firstFrame
        case 2:
            if firstFrames != 1 || lastFrames != 1 {
                throw .invalidParameter("content.role",
                                        "two images need the roles first_frame and last_frame (or reference_image)")
            }
            return .firstAndLastFrame
        default:
            throw .invalidParameter("content", "\(images) images need the role reference_image")
        }
    }

    private func checkURL(_ url: String, type: ContentType, family: ModelFamily, at: String) throws(APIError) {
        let member = type.rawValue, param = "content.\(member).url"
        if let dataURL = DataURL(url) {
            guard type == .imageURL else {
                throw .invalidParameter(param, "\(at): \(member) takes a URL or asset id, not base64 data")
            }
            let formats = Self.imageFormats + (family == .v2 ? ["heic", "heif"] : [])
            let mediaType = dataURL.mediaType
            guard mediaType.hasPrefix("image/"), formats.contains(dataURL.format) else {
                let hint = formats.contains(dataURL.format.lowercased()) ? " (the format name must be lowercase)" : ""
                throw .invalidParameter(param, "\(at): unsupported image data URL type \"\(mediaType)\"\(hint)")
            }
            guard dataURL.isBase64, let data = dataURL.data, !data.isEmpty else {
                throw .invalidParameter(param, "\(at): the image data URL is not valid base64")
            }
            if data.count > 30 * 1024 * 1024 {
                throw .invalidParameter(param, "\(at): the image is larger than 30 MB")
            }
            return
        }
        if url.hasPrefix("asset://") { return }
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
              scheme == "http" || scheme == "https", parsed.host?.isEmpty == false
        else {
            throw .invalidParameter(param, "\(at): \"\(url.prefix(60))\" is not an http(s) URL, data URL or asset id")
        }
    }

    // MARK: Fields

    private func checkFields(_ r: GenerationRequest, family: ModelFamily, mode: InputMode) throws(APIError) {
        let resolutions = family.resolutions(model: r.model)
        if let resolution = r.resolution, !resolutions.contains(resolution) {
            let on = resolutions == family.resolutions ? "\(family)" : r.model
            throw .invalidParameter("resolution", "\(resolution.rawValue) is not available on \(on) (allowed: "
                + resolutions.map(\.rawValue).joined(separator: ", ") + ")")
        }
        if r.draft == true, let resolution = r.resolution, resolution != ResolvedRequest.draftResolution {
            throw .invalidParameter("resolution", "a draft is made at \(ResolvedRequest.draftResolution.rawValue) "
                + "(got \(resolution.rawValue))")
        }
        if let ratio = r.ratio, ratio != .adaptive, let resolution = r.resolution,
           OutputGeometry.size(family: family, resolution: resolution, ratio: ratio) == nil {
            throw .invalidParameter("ratio", "ratio \(ratio.rawValue) is not available at \(resolution.rawValue) on "
                + "\(family)")
        }
        if let duration = r.duration {
            let automatic = duration == -1 && family.allowsAutomaticDuration
            if !automatic && !family.durationRange.contains(duration) {
                let range = family.durationRange
                throw .invalidParameter("duration", "\(duration) is out of range: \(range.lowerBound)...\(range.upperBound)"
                    + (family.allowsAutomaticDuration ? " or -1" : ""))
            }
        }
        if let frames = r.frames {
            guard family == .v1_0 else { throw .invalidParameter("frames", "frames is only accepted by Seedance 1.0 models") }
            if !(29...289).contains(frames) || (frames - 25) % 4 != 0 {
                throw .invalidParameter("frames", "\(frames) must be in 29...289 and of the form 25 + 4n")
            }
        }
        if let seed = r.seed, !(-1...4_294_967_295).contains(seed) {
            throw .invalidParameter("seed", "\(seed) is out of range: -1...4294967295")
        }
        if r.cameraFixed == true && mode == .reference {
            throw .invalidParameter("camera_fixed", "camera_fixed is not supported with reference inputs")
        }
        if r.generateAudio == true && family == .v1_0 {
            throw .invalidParameter("generate_audio", "Seedance 1.0 models make no audio")
        }
        if r.serviceTier == .flex && family == .v2 {
            throw .invalidParameter("service_tier", "flex is not available on Seedance 2.x")
        }
        if let expiry = r.executionExpiresAfter, !(3600...259_200).contains(expiry) {
            throw .invalidParameter("execution_expires_after", "\(expiry) is out of range: 3600...259200")
        }
        if let callback = r.callbackURL {
            guard let url = URL(string: callback), let scheme = url.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", url.host?.isEmpty == false
            else { throw .invalidParameter("callback_url", "\"\(callback.prefix(60))\" is not an http(s) URL") }
        }
    }
}

/// How the inputs steer the clip (modes do not mix).
public enum InputMode: String, Sendable, Hashable {
    /// Text only.
    case textOnly = "text"
    /// One image, the first frame.
    case firstFrame = "first_frame"
    /// Two images, first and last frame.
    case firstAndLastFrame = "first_last_frame"
    /// Reference images, videos and audios.
    case reference
    /// Finishing a draft task.
    case draft
}
