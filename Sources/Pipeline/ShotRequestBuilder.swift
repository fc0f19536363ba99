import Foundation
import SeedanceAPI

/// Turns a plan's shot into the create body, checking local images against the API's limits and sending them as
/// data URLs. Errors name the plan file, the shot's line and the field.
public struct ShotRequestBuilder: Sendable {
    /// The model used when neither the shot nor the defaults name one.
    public static let defaultModel = "doubao-seedance-2-0-260128"
    /// The API's image size limit (30 MB); the rule lives in `ImageChecks`.
    public static let maxImageBytes = ImageChecks.maxBytes

    /// The plan file (for messages) and the folder local paths are relative to.
    public var planFile: String
    public var planDirectory: String

    /// Makes a builder for a plan file.
    public init(planFile: String) {
        self.planFile = planFile
        self.planDirectory = (planFile as NSString).deletingLastPathComponent
    }

    /// The create body of `shot` under `defaults` (seed left to each attempt; the previous shot's last frame is
    /// added at submission time by `addingFirstFrame`). A bad value that came from `defaults` loaded from a plan
    /// file is named as `defaults.FIELD` at its line; one of the shot's own at the field's line when known.
    public func request(for shot: PlanShot, index: Int, defaults: ShotSettings) throws -> GenerationRequest {
        let settings = shot.settings.over(defaults)
        let origin = FieldOrigin(shot: shot, index: index, defaults: defaults)
        func fail(_ name: String, _ reason: String) -> PlanError {
            let (field, line) = origin.of(name)
            return PlanError(file: planFile, line: line, field: field, reason: reason)
        }
        var resolution: Resolution?
        if let text = settings.resolution {
            guard let value = Resolution(rawValue: text) else { throw fail("resolution", Self.notAResolution(text)) }
            resolution = value
        }
        var ratio: AspectRatio?
        if let text = settings.ratio {
            guard let value = AspectRatio(rawValue: text) else { throw fail("ratio", Self.notARatio(text)) }
            ratio = value
        }
        var tier: ServiceTier?
        if let text = settings.serviceTier {
            guard let value = ServiceTier(rawValue: text) else { throw fail("service_tier", Self.notATier(text)) }
            tier = value
        }
        var content: [ContentItem] = [.text(shot.prompt)]
        for (i, reference) in shot.references.enumerated() {
            let url = try reference.isURL ? reference.source : dataURL(forLocal: reference, shot: shot, index: index, item: i)
            let media = MediaReference(url: url)
            let role = reference.role.map { ContentRole(rawValue: $0) }
            switch reference.kind {
            case .image: content.append(ContentItem(type: .imageURL, imageURL: media, role: role))
            case .video: content.append(ContentItem(type: .videoURL, videoURL: media, role: role))
            case .audio: content.append(ContentItem(type: .audioURL, audioURL: media, role: role))
            }
        }
        let request = GenerationRequest(
            model: settings.model ?? Self.defaultModel, content: content,
            generateAudio: settings.audio ?? true, resolution: resolution ?? (settings.draft == true ? ResolvedRequest.draftResolution : .p720), ratio: ratio ?? .r16x9,
            // A frame count (1.0 models) wins over duration: no default duration beside it.
            duration: settings.duration ?? (settings.frames == nil ? 5 : nil), frames: settings.frames,
            seed: settings.seed, cameraFixed: settings.cameraFixed, watermark: settings.watermark ?? false,
            returnLastFrame: settings.returnLastFrame, serviceTier: tier,
            executionExpiresAfter: settings.executionExpiresAfter, draft: settings.draft,
            safetyIdentifier: settings.safetyIdentifier)
        try validate(shot.firstFrameFromPrevious ? Self.addingFirstFrame(request, dataURL: Self.placeholderImage) : request,
                     shot: shot, origin: origin)
        return request
    }

    static func notAResolution(_ text: String) -> String {
        "\"\(text)\" is not a resolution; expected one of \(Resolution.allCases.map(\.rawValue).joined(separator: ", "))"
    }

    static func notARatio(_ text: String) -> String {
        "\"\(text)\" is not a ratio; expected one of \(AspectRatio.allCases.map(\.rawValue).joined(separator: ", "))"
    }

    static func notATier(_ text: String) -> String {
        "\"\(text)\" is not a service tier; expected one of \(ServiceTier.allCases.map(\.rawValue).joined(separator: ", "))"
    }

    /// `request` with the previous shot's last frame as its first frame.
    public static func addingFirstFrame(_ request: GenerationRequest, dataURL: String) -> GenerationRequest {
        var copy = request
        let item = ContentItem(type: .imageURL, imageURL: MediaReference(url: dataURL), role: .firstFrame)
        copy.content.insert(item, at: min(1, copy.content.count))
        return copy
    }

    /// The same checks the service makes, before any money is spent.
    private func validate(_ request: GenerationRequest, shot: PlanShot, origin: FieldOrigin) throws {
        do {
            _ = try RequestValidation(requireKnownModel: false).validate(request)
        } catch {
            let (field, line) = error.param.map { origin.of($0) } ?? (nil, shot.line)
            throw PlanError(file: planFile, line: line, field: field, reason: "\(error.code): \(error.message)")
        }
    }

    /// A local image as a data URL, after checking it against the API's input limits.
    func dataURL(forLocal reference: PlanReference, shot: PlanShot, index: Int, item: Int) throws -> String {
        let path = reference.source.hasPrefix("/") ? reference.source
            : (planDirectory as NSString).appendingPathComponent(reference.source)
        let field = "shots[\(index)].\(reference.kind.rawValue)s[\(item)]"
        func fail(_ reason: String) -> PlanError {
            PlanError(file: planFile, line: shot.line, field: field, reason: "\(reference.source): \(reason)")
        }
        guard reference.kind == .image else {
            throw fail("reference \(reference.kind.rawValue)s must be URLs (the API takes no base64 \(reference.kind.rawValue))")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot read the file") }
        // The same checks as `seedance submit --image` and the simulator: one rule, one place.
        let facts: ImageFacts
        do { facts = try ImageChecks.check(data) } catch { throw fail(error.reason) }
        return "data:image/\(facts.format);base64,\(data.base64EncodedString())"
    }

    /// A valid stand-in first frame, used only to validate a shot that will start from the previous shot's frame.
    static let placeholderImage = "data:image/png;base64,iVBORw0KGgo="
}

/// Where a field of a shot's request came from: the shot itself (`shots[2].duration`, at the field's line or the
/// shot's) or the plan's defaults (`defaults.duration`, at its line), as recorded by `PlanLoader`.
struct FieldOrigin {
    let shot: PlanShot
    let index: Int
    let defaults: ShotSettings

    /// The field path and line for `param`, an API field path (`duration`, `generate_audio`, `content.text`).
    func of(_ param: String) -> (field: String, line: Int?) {
        let root = String(param.prefix { $0 != "." && $0 != "[" })
        let rest = param.dropFirst(root.count)
        if !shot.settings.isSet(root), defaults.isSet(root), let lines = defaults.lines {
            let name = defaults.writtenName(root)
            if let line = lines[name] { return ("defaults.\(name)\(rest)", line) }
        }
        let name = shot.settings.writtenName(root)
        return ("shots[\(index)].\(name)\(rest)", shot.settings.lines?[name] ?? shot.line)
    }
}

extension Optional {
    func orThrow(_ error: @autoclosure () -> some Error) throws -> Wrapped {
        guard let self else { throw error() }
        return self
    }
}
