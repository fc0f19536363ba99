import Foundation

/// What some tests need from the machine (the ffmpeg CLI, PostgreSQL), in one place.
///
/// Use the conditions in `.enabled(if: try TestConditions.X)` on a `@Test` or `@Suite`, so a missing tool is
/// reported as a skip, never as a pass. With `SEEDANCE_REQUIRE_ALL_TESTS=1` in the environment (CI and `make test`
/// under CI, which install every tool) a missing need is a failure instead: the condition throws
/// `MissingRequirement`, which Swift Testing records as an issue of the test. Every condition goes through
/// `need(_:_:)`. Test inputs are all in `fixtures/`, never a condition.
public enum TestConditions {
    /// True when `SEEDANCE_REQUIRE_ALL_TESTS=1`: nothing may be skipped.
    public static let requireAll: Bool = ProcessInfo.processInfo.environment["SEEDANCE_REQUIRE_ALL_TESTS"] == "1"

    /// Whether tests needing `name` run: true when it is `present`, false (the test is skipped) when it is not;
    /// when every test is required, a missing `name` throws, and the test fails.
    public static func need(_ name: String, _ present: Bool) throws -> Bool {
        try need(name, present, requireAll: requireAll)
    }

    /// `need(_:_:)` with the requirement given (for testing the rule itself).
    public static func need(_ name: String, _ present: Bool, requireAll: Bool) throws -> Bool {
        if present || !requireAll { return present }
        throw MissingRequirement(name: name)
    }

    /// The ffmpeg CLI used as a reference, when installed.
    public static let ffmpegPath: String? = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg", "/opt/homebrew/bin/ffmpeg"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Run tests that compare against the ffmpeg CLI.
    public static var ffmpeg: Bool { get throws { try need("the ffmpeg CLI", ffmpegPath != nil) } }

    /// The ffprobe CLI beside the ffmpeg CLI, when installed.
    public static let ffprobePath: String? = ffmpegPath.map {
        URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("ffprobe").path
    }.flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil }

    /// Run tests that read files back with the ffprobe CLI.
    public static var ffprobe: Bool { get throws { try need("the ffprobe CLI", ffprobePath != nil) } }

    /// The Python with OpenTimelineIO and its adapters that `scripts/install-test-tools.sh` sets up.
    public static let otioPython: String? = {
        let venv = FixturePaths.packageRoot.appendingPathComponent(".build/test-tools/otio/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }()

    /// Run tests that read timelines back with OpenTimelineIO.
    public static var otio: Bool {
        get throws { try need("OpenTimelineIO (scripts/install-test-tools.sh)", otioPython != nil) }
    }

    /// The Python with c2pa-python (the C2PA reference reader, c2pa-rs inside) that `scripts/install-test-tools.sh`
    /// sets up.
    public static let c2paPython: String? = {
        let venv = FixturePaths.packageRoot.appendingPathComponent(".build/test-tools/c2pa/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }()

    /// Run tests that read manifests back with, or compare against, c2pa-python.
    public static var c2pa: Bool {
        get throws { try need("c2pa-python (scripts/install-test-tools.sh)", c2paPython != nil) }
    }

    /// The Python with the official MCP SDK (`mcp`) that `scripts/install-test-tools.sh` sets up.
    public static let mcpPython: String? = {
        let venv = FixturePaths.packageRoot.appendingPathComponent(".build/test-tools/mcp/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }()

    /// Run tests that drive `seedance mcp` with the MCP Python SDK.
    public static var mcp: Bool {
        get throws { try need("the MCP Python SDK (scripts/install-test-tools.sh)", mcpPython != nil) }
    }

    /// Debian's chromedriver, which drives Chromium through WebDriver.
    public static let chromedriverPath = "/usr/bin/chromedriver"

    /// Run tests that drive headless Chromium through chromedriver.
    public static var chromedriver: Bool {
        get throws {
            try need("chromium and chromium-driver (scripts/install-chromium.sh)",
                     FileManager.default.isExecutableFile(atPath: chromedriverPath)
                         && FileManager.default.isExecutableFile(atPath: chromiumPath))
        }
    }

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
    public static var chromium: Bool {
        get throws {
            try need("Chromium (scripts/install-chromium.sh)", FileManager.default.isExecutableFile(atPath: chromiumPath))
        }
    }

    /// Whether this process may mount a small tmpfs in a private mount namespace (`unshare -m`, root or
    /// CAP_SYS_ADMIN): a real full disk for the tests of writers that run out of space.
    public static let smallDiskWorks: Bool = {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare"),
              let dir = try? FixturePaths.temporaryDirectory("tmpfs-probe") else { return false }
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try? run("/usr/bin/unshare", ["-m", "--propagation", "private", "/bin/sh", "-c",
                                                   "mount -t tmpfs -o size=64k tmpfs \"$0\"", dir.path])
        return result?.status == 0
    }()

    /// Run tests that fill a small tmpfs (root in a private mount namespace).
    public static var smallDisk: Bool {
        get throws { try need("a private tmpfs mount (unshare -m and mount, as root)", smallDiskWorks) }
    }

    /// Run tests that start a throwaway PostgreSQL server (`PostgresServer`).
    public static var postgres: Bool { get throws { try need("PostgreSQL (initdb, pg_ctl)", postgresBinaries != nil) } }
}

/// A test's need is missing while `SEEDANCE_REQUIRE_ALL_TESTS=1` forbids skipping it.
public struct MissingRequirement: Error, CustomStringConvertible {
    /// What is missing.
    public var name: String

    /// One line for the test report.
    public var description: String {
        "SEEDANCE_REQUIRE_ALL_TESTS=1 but \(name) is missing: this test must run, so it fails"
    }
}
