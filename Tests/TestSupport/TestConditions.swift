import Foundation

/// What some tests need from the machine (the ffmpeg CLI, PostgreSQL), in one place.
///
/// Use the conditions in `.enabled(if:_:)` on a `@Test` or `@Suite`, so a missing tool is reported as a skip, never
/// as a pass. With `SEEDANCE_REQUIRE_ALL_TESTS=1` in the environment (CI, which installs ffmpeg) every condition is
/// true: the tests run, and fail where the need is missing. Test inputs are all in `fixtures/`, never a condition.
public enum TestConditions {
    /// True when `SEEDANCE_REQUIRE_ALL_TESTS=1`: nothing may be skipped.
    public static let requireAll: Bool = ProcessInfo.processInfo.environment["SEEDANCE_REQUIRE_ALL_TESTS"] == "1"

    /// Whether tests needing `name` should run: when it is `present`, or when every test is required (then the
    /// test runs and fails on the missing `name`).
    public static func available(_ name: String, _ present: Bool) -> Bool {
        if present || !requireAll { return present }
        FileHandle.standardError.write(Data(
            "SEEDANCE_REQUIRE_ALL_TESTS=1 but \(name) is missing: the tests needing it run and fail\n".utf8))
        return true
    }

    /// The ffmpeg CLI used as a reference, when installed.
    public static let ffmpegPath: String? = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg", "/opt/homebrew/bin/ffmpeg"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Run tests that compare against the ffmpeg CLI.
    public static let ffmpeg = available("the ffmpeg CLI", ffmpegPath != nil)

    /// The Python with OpenTimelineIO and its adapters that `scripts/install-test-tools.sh` sets up.
    public static let otioPython: String? = {
        let venv = FixturePaths.packageRoot.appendingPathComponent(".build/test-tools/otio/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }()

    /// Run tests that read timelines back with OpenTimelineIO.
    public static let otio = available("OpenTimelineIO (scripts/install-test-tools.sh)", otioPython != nil)

    /// The folder holding PostgreSQL's server programs (`initdb`, `pg_ctl`): Debian keeps them off `PATH`, in
    /// `/usr/lib/postgresql/VERSION/bin`, so the highest version there wins; else the folder of an `initdb` on `PATH`.
    public static let postgresBinaries: String? = {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .sorted { $0.compare($1, options: .numeric) == .orderedDescending }
        let candidates = versions.map { "\(root)/\($0)/bin" }
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return candidates.first { dir in
            ["initdb", "pg_ctl"].allSatisfy { FileManager.default.isExecutableFile(atPath: "\(dir)/\($0)") }
        }
    }()

    /// Debian's headless Chromium (`scripts/install-chromium.sh`).
    public static let chromiumPath = "/usr/bin/chromium"

    /// Run tests that render a page in headless Chromium.
    public static let chromium = available("Chromium (scripts/install-chromium.sh)",
                                           FileManager.default.isExecutableFile(atPath: chromiumPath))

    /// Run tests that start a throwaway PostgreSQL server (`PostgresServer`).
    public static let postgres = available("PostgreSQL (initdb, pg_ctl)", postgresBinaries != nil)
}
