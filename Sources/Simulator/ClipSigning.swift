import Foundation
import Media
import Provenance

/// Signs each delivered clip with the simulator's test certificate, as the service signs its deliveries: a C2PA
/// manifest (claim v2, `c2pa.hash.bmff.v3`, one `c2pa.created` action naming the model family, the simulator as
/// software agent, the task id as log id and the time) in place of the placeholder box the render left.
///
/// The render cache holds one unsigned clip per spec; each task gets its own signed copy (the manifest names the
/// task), written beside the cache under `signed/`. Signing copies the clip once and hashes it once: a few
/// milliseconds, off Swift's cooperative pool.
struct ClipSigning: Sendable {
    /// The name the manifests give the simulator, as claim generator and as the action's software agent.
    static let softwareName = "seedance simulator"

    let identity: TestSigningIdentity
    let version: String
    /// Where the signed copies go.
    let directory: URL

    init(identity: TestSigningIdentity, version: String, directory: URL) {
        self.identity = identity
        self.version = version
        self.directory = directory
    }

    /// The model family the manifest of `record` names: its request's, or with the `wrong-model-manifest` fault
    /// the other speed of it.
    static func modelName(for record: TaskRecord) -> String {
        let family = ManifestModelFamily.family(ofModel: record.model)
        return record.provenanceFault == .wrongModelManifest ? ManifestModelFamily.otherSpeed(of: family) : family
    }

    /// Whether `record`'s clip gets a manifest: it carries the placeholder box, and `unsigned` did not strike.
    static func signs(_ record: TaskRecord) -> Bool {
        record.spec.delivery.provenanceBox && record.provenanceFault != .unsigned
    }

    /// The signed copy of `clip` for `record`, made now (blocking).
    func sign(_ clip: RenderedClip, for record: TaskRecord, at now: Date = Date()) throws -> RenderedClip {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let destination = path(forTask: record.id)
        let agent = SoftwareAgent(name: Self.softwareName, version: version)
        let content = ManifestContent(
            title: "\(record.id).mp4",
            action: GenerationAction(softwareAgent: agent, when: now, modelName: Self.modelName(for: record),
                                     logID: record.id),
            generator: agent)
        try ManifestSigner(identity: identity).sign(clip.video, writingTo: destination, content: content)
        return RenderedClip(video: destination, lastFrame: clip.lastFrame)
    }

    /// Where the signed clip of task `id` is kept.
    func path(forTask id: String) -> String {
        directory.appendingPathComponent("\(id).mp4").path
    }
}
