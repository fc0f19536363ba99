import Foundation
import Pipeline
import SeedanceAPI
import Testing
import TestSupport

/// A full disk, for real: the commands write into a small tmpfs mounted in a private mount namespace (`unshare -m`),
/// which a filler file fills to a few KiB. A thumbnail, a concat, a download, a run and a report that run out of
/// space end with one `seedance: ...` line naming the path, leave nothing under the final name (and no temporary
/// file), and work once the filler is gone; the interrupted run is finished by `resume`.
@Suite(.serialized, .enabled(if: try TestConditions.smallDisk, "needs a private tmpfs mount (root)"))
struct FullDiskTests {
    /// What one command did inside the namespace.
    struct Step {
        var status: Int32
        var stderr: String
        /// Every path on the small disk afterwards (relative, filler left out).
        var files: [String]

        /// The `seedance: ` lines of stderr (a run also prints its progress there).
        var failureLines: [String] { stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("seedance: ") } }
        /// The one line a failure prints.
        var line: String { failureLines.last ?? "" }
    }

    /// The shell functions every script gets: `fill KIB` leaves that much free on `$DISK` (a filler file takes the
    /// rest; `fill` with no argument frees it all), `step NAME ARGS...` runs seedance and records its status,
    /// stderr and the disk's listing under `$OUT/NAME.*`.
    static let prelude = #"""
        set -u
        mount -t tmpfs -o size=8m tmpfs "$DISK" || exit 97
        fill() {
          rm -f "$DISK/.filler"
          [ $# -eq 0 ] && return 0
          avail=$(df -k --output=avail "$DISK" | tail -1)
          n=$((avail - $1))
          [ "$n" -gt 0 ] && dd if=/dev/zero of="$DISK/.filler" bs=1k count="$n" 2>/dev/null
          return 0
        }
        step() {
          name=$1; shift
          "$SEEDANCE" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
          echo $? >"$OUT/$name.code"
          (cd "$DISK" && find . -mindepth 1 ! -name .filler | sed 's|^\./||' | sort) >"$OUT/$name.files"
        }

        """#

    /// Runs `script` after the prelude in a private mount namespace; `$DISK` is the small disk, `$OUT` a folder
    /// outside it for the records.
    static func onSmallDisk(_ script: String, in dir: URL, environment: [String: String] = [:]) throws -> URL {
        let disk = dir.appendingPathComponent("disk"), out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        var env = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        env["DISK"] = disk.path
        env["OUT"] = out.path
        env["SEEDANCE"] = FixturePaths.seedanceBinary.path
        let result = try run("/usr/bin/unshare", ["-m", "--propagation", "private", "/bin/sh", "-c", prelude + script],
                             environment: env)
        try #require(result.status == 0, "the script failed (\(result.status)): \(result.stderr)")
        return out
    }

    static func step(_ name: String, in out: URL) throws -> Step {
        func text(_ ext: String) throws -> String {
            // Through Data: `String(contentsOf:encoding:)` leaks its read buffer on Linux for an empty file, which
            // LeakSanitizer reports (the "files" list is empty when a step left nothing behind).
            String(decoding: try Data(contentsOf: out.appendingPathComponent("\(name).\(ext)")), as: UTF8.self)
        }
        let status = Int32(try text("code").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        return Step(status: status, stderr: try text("err"),
                    files: try text("files").split(separator: "\n").map(String.init))
    }

    /// A failure for want of space: not success, one line `seedance: ` naming `path`, and nothing under any name
    /// the writers use for a file being written.
    static func expectCleanFailure(_ step: Step, naming path: String, _ what: String) {
        #expect(step.status != 0, "\(what) succeeded on a full disk")
        #expect(step.failureLines.count == 1, "\(what) says what failed in one line: \(step.stderr)")
        #expect(step.line.contains(path), "\(what) names \(path): \(step.line)")
        #expect(step.line.lowercased().contains("space") || step.line.contains("full"), "\(what) says why: \(step.line)")
        #expect(!step.files.contains { RunLayout.isTemporaryName(($0 as NSString).lastPathComponent) },
                "\(what) left a temporary file: \(step.files)")
    }

    @Test func aThumbnailAConcatAndADownloadRunOutOfSpaceCleanly() async throws {
        try await SimulatorHarness.with(timeScale: 0.001) { harness in
            // A finished task to download.
            let request = GenerationRequest(model: "doubao-seedance-2-0-260128", content: [.text("a red kite")],
                                            generateAudio: false, resolution: .p480, ratio: .r16x9, duration: 4)
            let task = try await harness.client.create(request)
            let done = try await harness.client.wait(for: task.id, timeout: 60)
            #expect(done.status == .succeeded)

            let dir = try FixturePaths.temporaryDirectory("full-disk")
            defer { try? FileManager.default.removeItem(at: dir) }
            let clip = FixturePaths.fixture("probe/seedance-720p.mp4")
            let out = try Self.onSmallDisk("""
                fill 8;  step thumb thumbnail "\(clip)" --at 1 -o "$DISK/poster.png"
                fill 64; step concat concat "\(clip)" "\(clip)" -o "$DISK/joined.mp4"
                fill 64; step download download \(task.id) -o "$DISK/clip.mp4"
                fill
                step thumb2 thumbnail "\(clip)" --at 1 -o "$DISK/poster.png"
                step concat2 concat "\(clip)" "\(clip)" -o "$DISK/joined.mp4"
                step download2 download \(task.id) -o "$DISK/clip.mp4"
                """, in: dir, environment: RunCommandTests.environment(harness))

            let disk = dir.appendingPathComponent("disk").path
            for (name, file) in [("thumb", "poster.png"), ("concat", "joined.mp4"), ("download", "clip.mp4")] {
                let failed = try Self.step(name, in: out)
                Self.expectCleanFailure(failed, naming: "\(disk)/\(file)", name)
                #expect(failed.files.isEmpty, "\(name) left \(failed.files)")
                let again = try Self.step(name + "2", in: out)
                #expect(again.status == 0, "\(name) once space is back: \(again.stderr)")
                #expect(again.files.contains(file), "\(name): \(again.files)")
            }
        }
    }

    @Test func aRunStoppedByAFullDiskIsFinishedByResumeAndTheReportIsNeverHalfWritten() async throws {
        try await SimulatorHarness.with(timeScale: 0.001) { harness in
            let plan = try harness.writePlan("""
                defaults: {resolution: 480p, ratio: "16:9", duration: 4, audio: false}
                shots:
                  - id: one
                    prompt: a kite over a beach
                """)
            let dir = try FixturePaths.temporaryDirectory("full-disk-run")
            defer { try? FileManager.default.removeItem(at: dir) }
            // The run's state (SQLite, its WAL and shared memory: about 200 KiB by the download) fits in the space
            // left; its clip (848 KiB) does not.
            let out = try Self.onSmallDisk("""
                fill 512
                step run run "\(plan)" -o "$DISK/run" --poll-interval 0.05
                fill
                step resume resume "$DISK/run" --poll-interval 0.05
                sha256sum "$DISK/run/report.json" > "$OUT/report-before.sha"
                fill 0
                step report report "$DISK/run"
                sha256sum "$DISK/run/report.json" > "$OUT/report-after.sha"
                fill
                step report2 report "$DISK/run"
                """, in: dir, environment: RunCommandTests.environment(harness))

            let disk = dir.appendingPathComponent("disk").path
            let run = try Self.step("run", in: out)
            Self.expectCleanFailure(run, naming: "\(disk)/run", "the run")
            #expect(!run.files.contains("run/final.mp4") && !run.files.contains("run/clips/one.mp4"), "\(run.files)")
            let resume = try Self.step("resume", in: out)
            #expect(resume.status == 0, "resume once space is back: \(resume.stderr)")
            #expect(resume.files.contains("run/final.mp4") && resume.files.contains("run/clips/one.mp4"))
            #expect(try await harness.simulator.stats().createsAccepted == 1, "the resumed run paid for nothing twice")

            let report = try Self.step("report", in: out)
            Self.expectCleanFailure(report, naming: "\(disk)/run", "the report")
            let before = try String(contentsOf: out.appendingPathComponent("report-before.sha"), encoding: .utf8)
            let after = try String(contentsOf: out.appendingPathComponent("report-after.sha"), encoding: .utf8)
            #expect(before == after, "report.json is the last whole one, not a half-written one")
            let again = try Self.step("report2", in: out)
            #expect(again.status == 0, "the report once space is back: \(again.stderr)")
        }
    }
}
