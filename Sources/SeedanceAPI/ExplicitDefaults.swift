/// A create body with every field the caller left unset given its value explicitly, so that no gateway's default
/// decides (they differ: the one-page description defaults `watermark` and `camera_fixed` to true).
///
/// Values come from the `ResolvedRequest`: the contract's documented defaults (generate_audio true, duration 5,
/// execution_expires_after 172800, service_tier `default`) and, for fields it documents none for, the simulator's
/// (resolution 720p, 1080p on 1.0 pro, 480p for a draft; ratio 16:9, adaptive with a first frame; camera_fixed,
/// watermark and return_last_frame false; seed -1). Legacy prompt flags count as given. A field is added only where
/// it applies: no `camera_fixed` in reference mode, no `service_tier` on 2.x, no `generate_audio` on 1.0, no
/// `duration` when `frames` is given, and nothing that shapes the clip when finishing a draft task.
public enum ExplicitDefaults {
    /// `request` with its unset fields filled from `resolved` (the same request validated).
    public static func filled(_ request: GenerationRequest, resolved: ResolvedRequest) -> GenerationRequest {
        var r = request
        let finishingDraft = resolved.mode == .draft
        if r.generateAudio == nil && resolved.family != .v1_0 { r.generateAudio = resolved.generateAudio }
        if !finishingDraft {
            if r.resolution == nil { r.resolution = resolved.resolution }
            if r.ratio == nil { r.ratio = resolved.ratio }
            if r.duration == nil && r.frames == nil && !resolved.usesFrames { r.duration = resolved.duration }
            if r.seed == nil { r.seed = resolved.seed ?? -1 }
            if r.cameraFixed == nil && resolved.mode != .reference { r.cameraFixed = resolved.cameraFixed }
        }
        if r.watermark == nil { r.watermark = resolved.watermark }
        if r.returnLastFrame == nil { r.returnLastFrame = resolved.returnLastFrame }
        if r.serviceTier == nil && resolved.family != .v2 { r.serviceTier = resolved.serviceTier }
        if r.executionExpiresAfter == nil { r.executionExpiresAfter = resolved.executionExpiresAfter }
        return r
    }
}
