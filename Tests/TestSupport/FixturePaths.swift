import Foundation

/// Where the tests find their inputs: the committed `fixtures/`, real-world files included. No test reads outside
/// the repository.
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

    /// `fixtures/realworld/`: real-world phone, camera and screen-recording files (see its SOURCES.md).
    public static let realworld = fixtures.appendingPathComponent("realworld")

    /// A file under `fixtures/realworld/`, e.g. `realworldFile("opus-audio-only.mp4")`.
    public static func realworldFile(_ name: String) -> String {
        realworld.appendingPathComponent(name).path
    }

    /// The real-world media files (sorted; SOURCES.md and hidden files left out).
    public static var realworldFiles: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: realworld.path)) ?? []
        return names.filter { !$0.hasSuffix(".md") && !$0.hasPrefix(".") }.sorted()
            .map { realworld.appendingPathComponent($0).path }
    }

    /// Every media file under fixtures/qa, fixtures/probe and fixtures/realworld (sorted): the corpus on which a
    /// faster path is checked to give the same answers as the exact one.
    public static var mediaFiles: [String] {
        let media: Set<String> = ["mp4", "mov", "mkv", "3gp", "m4s"]
        let local = ["qa", "probe"].map { fixtures.appendingPathComponent($0) }.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
                .filter { media.contains(($0 as NSString).pathExtension) }
                .map { folder.appendingPathComponent($0).path }
        }
        return (local + realworldFiles).sorted()
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
