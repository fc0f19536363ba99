import Foundation
import Media
import Pipeline
import SeedanceAPI
import Simulator

/// What a soak left, checked against what the simulator did. `problems` lists every broken invariant in words.
struct SoakAudit {
    var shots: [ShotRecord]
    var attempts: [AttemptRecord]
    var reconciled = 0
    var notCreated = 0
    var tasks: [GenerationTask]
    var stats: SimulatorStats
    var leftovers: [String] = []
    var finalDuration: Double?
    var problems: [String] = []

    init(run: String, shots expected: Int, tasks: [GenerationTask], stats: SimulatorStats) async throws {
        let store = try SQLiteJobStore(path: (run as NSString).appendingPathComponent("state.sqlite"), readOnly: true)
        shots = try await store.shots()
        attempts = try await store.allAttempts()
        self.tasks = tasks
        self.stats = stats
        for shot in shots {
            for event in try await store.events(shotID: shot.id) {
                if event.detail?.hasPrefix("reconciled: the create had made") == true { reconciled += 1 }
                if event.detail?.hasPrefix("reconciled: no task") == true { notCreated += 1 }
            }
        }
        let layout = try RunLayout(directory: run)

        // 1. Every shot of the plan is in the store and in a final state.
        if shots.count != expected { problems.append("the store holds \(shots.count) shots, the plan \(expected)") }
        for shot in shots where !shot.state.isFinal {
            problems.append("\(shot.id) ended \(shot.state.rawValue), not done or failed")
        }
        // 2. Every done shot's clip is on disk, complete (a fresh probe), and passed QA; its poster exists.
        for shot in shots where shot.state == .done {
            guard let clip = shot.clipPath.map(layout.absolute) else {
                problems.append("\(shot.id) is done without a clip"); continue
            }
            do {
                let info = try probe(clip)
                if info.video?.width != 864 || info.video?.height != 496 || info.video?.frameCount != 97
                    || info.audio == nil {
                    problems.append("\(shot.id)'s clip is \(info.video?.width ?? 0)x\(info.video?.height ?? 0), "
                        + "\(info.video?.frameCount ?? 0) frames, audio \(info.audio != nil)")
                }
            } catch {
                problems.append("\(shot.id)'s clip does not probe: \(error)")
            }
            if shot.qaPassed != true { problems.append("\(shot.id) is done without passing QA") }
            if let poster = shot.posterPath.map(layout.absolute), !FileManager.default.fileExists(atPath: poster) {
                problems.append("\(shot.id)'s poster is missing")
            }
        }
        // 3. Every task the service made is one the run recorded, once; the run claims no task the service lacks.
        let made = Set(tasks.map(\.id))
        let recorded = attempts.compactMap(\.taskID)
        let recordedSet = Set(recorded)
        if recorded.count != recordedSet.count { problems.append("a task id is recorded on two attempts") }
        let orphans = made.subtracting(recordedSet)
        if !orphans.isEmpty {
            problems.append("\(orphans.count) task(s) the service made are unknown to the run (lost or paid twice): "
                + orphans.sorted().prefix(5).joined(separator: ", "))
        }
        let phantoms = recordedSet.subtracting(made)
        if !phantoms.isEmpty { problems.append("\(phantoms.count) recorded task(s) the service never made") }
        if stats.createsAccepted != made.count {
            problems.append("the simulator counted \(stats.createsAccepted) creates but lists \(made.count) tasks")
        }
        // 3b. Every attempt is settled: none is left waiting on an answer or a download the run no longer pursues.
        let open = attempts.filter { [.creating, .created, .unknown].contains($0.state) }
        if !open.isEmpty {
            problems.append("\(open.count) attempt(s) left unsettled: "
                + open.prefix(5).map { "\($0.shotID) #\($0.number) \($0.state.rawValue)" }.joined(separator: ", "))
        }
        // 4. Every token the service billed is counted by the run.
        let billed = tasks.compactMap { $0.usage?.totalTokens }.reduce(0, +)
        let counted = shots.compactMap(\.tokens).reduce(0, +)
        if billed != counted { problems.append("the service billed \(billed) tokens, the run counted \(counted)") }
        // 5. No half-written file anywhere in the run folder.
        let enumerator = FileManager.default.enumerator(atPath: run)
        while let name = enumerator?.nextObject() as? String {
            if name.hasSuffix(".part") || name.contains(".tmp") { leftovers.append(name) }
        }
        if !leftovers.isEmpty { problems.append("half-written files left: \(leftovers.prefix(5))") }
        // 6. The final video exists exactly when every shot is done, and is as long as the clips.
        let final = layout.absolute(layout.final)
        let allDone = shots.allSatisfy { $0.state == .done }
        if allDone {
            do {
                finalDuration = try probe(final).duration
                // Copy joins are exact: the sum of the clips' frames over the rate.
                let expectedDuration = Double(shots.count) * 97.0 / 24.0
                if abs((finalDuration ?? 0) - expectedDuration) > 0.05 {
                    problems.append("final.mp4 lasts \(finalDuration ?? 0) s, the clips \(expectedDuration) s")
                }
            } catch { problems.append("final.mp4 does not probe: \(error)") }
        } else if FileManager.default.fileExists(atPath: final) {
            problems.append("final.mp4 exists although some shot failed")
        }
    }

    func print(wall: Double, kills: Int, exitStatus: Int32, spec: String) {
        let done = shots.filter { $0.state == .done }.count
        let failed = shots.count - done
        let madeCount = Set(tasks.map(\.id)).count
        var byState: [String: Int] = [:]
        for attempt in attempts { byState[attempt.state.rawValue, default: 0] += 1 }
        var failures: [String: Int] = [:]
        for shot in shots where shot.state == .failed {
            let reason = (shot.error ?? "?").prefix(70)
            failures[String(reason), default: 0] += 1
        }
        let faults = stats.faults.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        let totalFaults = stats.faults.values.reduce(0, +)
        Swift.print("""

            | figure | value |
            |---|---|
            | shots | \(shots.count): \(done) done, \(failed) failed for good |
            | wall time | \(fmtS(wall)) s, \(kills) SIGKILL(s) + resume, last exit status \(exitStatus) |
            | faults injected | \(totalFaults): \(faults) |
            | creates accepted (tasks made) | \(stats.createsAccepted) = \(fmtS(Double(stats.createsAccepted) / Double(max(shots.count, 1)))) per shot |
            | creates refused (429/500 injected) | \(stats.createsRefused) |
            | attempts by outcome | \(byState.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")) |
            | ambiguous creates reconciled | \(reconciled) found made, \(notCreated) found not made |
            | list / get / download calls | \(stats.lists) / \(stats.gets) / \(stats.downloads) (+\(stats.downloadsRefused) refused links) |
            | tasks the service made vs the run recorded | \(madeCount) vs \(Set(attempts.compactMap(\.taskID)).count) |
            | tokens billed vs counted | \(tasks.compactMap { $0.usage?.totalTokens }.reduce(0, +)) vs \(shots.compactMap(\.tokens).reduce(0, +)) |
            | half-written files left | \(leftovers.count) |
            | final.mp4 | \(finalDuration.map { "\(fmtS($0)) s" } ?? "not made (a shot failed)") |
            | invariants broken | \(problems.count) |
            """)
        if !failures.isEmpty {
            Swift.print("\nshots failed for good, by reason:")
            for (reason, count) in failures.sorted(by: { $0.value > $1.value }) { Swift.print("  \(count) x \(reason)") }
        }
        for problem in problems { Swift.print("PROBLEM: \(problem)") }
        Swift.print(problems.isEmpty ? "\nsoak: every invariant held" : "\nsoak: \(problems.count) invariant(s) broken")
    }
}

private func fmtS(_ value: Double) -> String { String(format: "%.2f", value) }
