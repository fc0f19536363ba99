import Foundation

/// Where the tests find their inputs: the committed `fixtures/` and the shared real-world corpus beside the clone.
public enum FixturePaths {
    /// The package root (the folder holding Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// `fixtures/` in the package.
    public static let fixtures = packageRoot.appendingPathComponent("fixtures")

    /// A file under `fixtures/`, e.g. `fixture("probe/seedance-720p.mp4")`.
    public static func fixture(_ relative: String) -> String {
        fixtures.appendingPathComponent(relative).path
    }

    /// `../shared/realworld` beside the clone, or `SEEDANCE_REALWORLD` when set; nil when absent.
    public static let realworld: URL? = {
        if let custom = ProcessInfo.processInfo.environment["SEEDANCE_REALWORLD"] {
            return URL(fileURLWithPath: custom)
        }
        let candidates = [
            packageRoot.deletingLastPathComponent().appendingPathComponent("shared/realworld"),
            packageRoot.appendingPathComponent("../../shared/realworld").standardized,
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }()

    /// The real-world media files (sorted), empty when the corpus is absent.
    public static var realworldFiles: [String] {
        guard let dir = realworld,
              let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
        return names.filter { !$0.hasSuffix(".md") }.sorted().map { dir.appendingPathComponent($0).path }
    }

    /// A fresh empty temporary directory, removed by the caller (or left for the OS).
    public static func temporaryDirectory(_ label: String = "seedance-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The built `seedance` binary beside the test bundle (for tests that run the real command).
    public static var seedanceBinary: URL {
        let buildDir = Bundle.main.bundleURL.deletingLastPathComponent()
        let candidates = [buildDir.appendingPathComponent("seedance"),
                          Bundle.main.bundleURL.appendingPathComponent("seedance")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }
}
