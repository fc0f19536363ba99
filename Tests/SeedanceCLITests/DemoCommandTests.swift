import Foundation
import Media
import Testing
import TestSupport

/// `seedance demo` carries its plan: run from a folder with nothing in it, it makes the verified edit.
@Suite(.serialized) struct DemoCommandTests {
    @Test func theDemoRunsFromAnyFolderWithTheBundledPlan() throws {
        let elsewhere = try FixturePaths.temporaryDirectory("demo-elsewhere")
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let result = try run("/bin/sh", ["-c", "cd \"$1\" && exec \"$0\" demo -o out", FixturePaths.seedanceBinary.path,
                                         elsewhere.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("final video: out/final.mp4 (verified)"), "\(result.stderr)")
        let final = try probe(elsewhere.appendingPathComponent("out/final.mp4").path)
        #expect(final.video?.width == 864 && final.audio != nil)
        // The plan and images written out are byte for byte the ones in fixtures/demo (scripts/embed-demo.sh).
        for name in ["plan.yaml", "party-room.png", "garden.png"] {
            let written = try Data(contentsOf: elsewhere.appendingPathComponent("out/demo-plan/\(name)"))
            let fixture = try Data(contentsOf: URL(fileURLWithPath: FixturePaths.fixture("demo/\(name)")))
            #expect(written == fixture, "\(name) differs from fixtures/demo: run scripts/embed-demo.sh")
        }
        // A second demo into the same folder is refused, naming it.
        let again = try run("/bin/sh", ["-c", "cd \"$1\" && exec \"$0\" demo -o out", FixturePaths.seedanceBinary.path,
                                        elsewhere.path])
        #expect(again.status == 2 && again.stderr.hasPrefix("seedance: out already holds a run"), "\(again.stderr)")
    }

    @Test func theFaultsExampleInTheHelpIsAccepted() throws {
        let help = try runSeedance(["demo", "--help"])
        let example = try #require(help.stdout.range(of: #"--faults seed=[^ \n]+"#, options: .regularExpression))
        let spec = String(help.stdout[example].dropFirst("--faults ".count))
        let elsewhere = try FixturePaths.temporaryDirectory("demo-faults")
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let result = try runSeedance(["demo", "-o", elsewhere.appendingPathComponent("out").path, "--time-scale", "0.005",
                                      "--faults", spec])
        #expect(!result.stderr.contains("unknown fault kind"), "\(spec): \(result.stderr)")
        #expect(result.status == 0 || result.status == 1, "\(spec): \(result.stderr)")
    }
}
