import Foundation

extension PlanReference {
    /// The roles an image may play in a create request.
    public static let imageRoles = ["first_frame", "last_frame", "reference_image"]

    /// An image given as `PATH|URL[:role]` (`seedance generate --image`, the MCP `generate_clip` tool): a trailing
    /// `:first_frame`, `:last_frame` or `:reference_image` is the role; any other colon belongs to the path or URL.
    public init(imageSpec spec: String) {
        if let colon = spec.lastIndex(of: ":"), Self.imageRoles.contains(String(spec[spec.index(after: colon)...])) {
            self.init(kind: .image, source: String(spec[..<colon]), role: String(spec[spec.index(after: colon)...]))
        } else {
            self.init(kind: .image, source: spec)
        }
    }
}

extension Plan {
    /// The id of the only shot of a one-shot plan (`seedance generate`, `generate_clip`).
    public static let oneShotID = "shot-01"

    /// A plan of one shot: what `seedance generate` and the MCP `generate_clip` tool run, so that a single clip
    /// gets the same folder layout, checks and resume as a plan. The plan is named after the prompt's start.
    public static func oneShot(prompt: String, references: [PlanReference], settings: ShotSettings) -> Plan {
        Plan(name: String(prompt.prefix(60)), defaults: settings,
             shots: [PlanShot(id: oneShotID, prompt: prompt, references: references)])
    }
}
