import Dispatch
import Foundation
import Media
import Provenance

/// What the simulator adds per delivered clip by signing it: a 5 s 720p clip packaged as a Seedance 2.0 delivery
/// (placeholder C2PA box) signed into a fresh copy, as the simulator does for each task, against a plain copy of
/// the same file (the part signing cannot avoid) and the render it follows. Best and median wall-clock
/// milliseconds of `runs`, one line each.
enum SigningBench {
    static func run(scratch: URL, runs: Int) throws -> String {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let clip = scratch.appendingPathComponent("clip.mp4").path
        let copy = scratch.appendingPathComponent("copy.mp4").path
        let signed = scratch.appendingPathComponent("signed.mp4").path
        let spec = SyntheticClipSpec(width: 1280, height: 720, frameCount: 121, sound: .speech, variant: 1,
                                     delivery: .seedance20(fast: false))
        var identity: TestSigningIdentity?
        let agent = SoftwareAgent(name: "seedance simulator", version: "bench")
        let content = ManifestContent(title: "clip.mp4", action: GenerationAction(
            softwareAgent: agent, when: Date(), modelName: "doubao-seedance-2-0", logID: "cgt-bench"), generator: agent)
        let cases: [(String, Int, () throws -> Void)] = [
            ("render (5 s 720p delivery)", min(runs, 3), { try renderSyntheticClip(spec, to: clip) }),
            ("make a test identity (root + leaf)", runs, { identity = try TestSigningIdentity.generate() }),
            ("copy the clip (FileManager)", runs, {
                try? FileManager.default.removeItem(atPath: copy)
                try FileManager.default.copyItem(atPath: clip, toPath: copy)
            }),
            ("sign into a copy (hash, claim, ES256, write)", runs, {
                _ = try ManifestSigner(identity: identity!).sign(clip, writingTo: signed, content: content)
            }),
        ]
        var lines: [String] = []
        for (label, count, body) in cases {
            try body() // warm-up: page cache
            var times: [Double] = []
            for _ in 0..<count {
                let start = DispatchTime.now().uptimeNanoseconds
                try body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            times.sort()
            let median = times[times.count / 2]
            lines.append("\(label): best \(format(times[0])) ms, median \(format(median)) ms (n=\(count))")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: clip)[.size] as? Int) ?? 0
        lines.append("clip: \(size) bytes")
        return lines.joined(separator: "\n")
    }

    private static func format(_ value: Double) -> String { String((value * 10).rounded() / 10) }
}
