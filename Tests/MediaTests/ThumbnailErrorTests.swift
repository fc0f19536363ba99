import Foundation
@testable import Media
import Testing
import TestSupport

/// Bad input fails with a clear MediaError and leaves nothing at (or beside) the output path.
@Suite struct ThumbnailErrorTests {
    static let clip = FixturePaths.fixture("probe/frame-index.mp4")

    /// Runs `body` with an output path in a fresh directory, expects a MediaError, and checks the directory stays empty.
    func expectFailure(output name: String = "out.jpg", _ body: (String) throws -> Void) throws -> MediaError {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = try #require(throws: MediaError.self) { try body(dir.appendingPathComponent(name).path) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        #expect(!error.description.contains("\n"))
        return error
    }

    @Test func negativeTimeSaysSo() throws {
        let error = try expectFailure { try writeThumbnail(of: Self.clip, at: .seconds(-0.5), to: $0) }
        #expect(error.kind == .invalidArgument)
        #expect(error.description.contains("negative"))
    }

    @Test func timePastTheEndSaysTheDuration() throws {
        let error = try expectFailure { try writeThumbnail(of: Self.clip, at: .seconds(2.5), to: $0) }
        #expect(error.kind == .invalidArgument)
        #expect(error.description.contains("past the end"))
        #expect(error.description.contains("the clip is 2 s long"))
    }

    @Test func fileWithoutVideoIsRefused() throws {
        let error = try expectFailure {
            try writeThumbnail(of: FixturePaths.fixture("frames/audio-only.mp4"), at: .seconds(0.1), to: $0)
        }
        #expect(error.kind == .noVideo)
        #expect(error.description.contains("only audio (aac)"))
    }

    @Test func unknownExtensionIsRefusedBeforeAnyWork() throws {
        let error = try expectFailure(output: "out.gif") { try writeThumbnail(of: Self.clip, at: .seconds(1), to: $0) }
        #expect(error.kind == .invalidArgument)
        #expect(error.description.contains(".gif"))
    }

    @Test func unwritableOutputIsRefused() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("plain-file")
        try Data("x".utf8).write(to: file)
        // A path below a regular file can never be created, whoever runs the test (root included).
        let error = try #require(throws: MediaError.self) {
            try writeThumbnail(of: Self.clip, at: .seconds(1), to: file.appendingPathComponent("out.jpg").path)
        }
        #expect(error.kind == .io)
        #expect(error.description.contains("cannot write here"))
        let missing = try #require(throws: MediaError.self) {
            try writeThumbnail(of: Self.clip, at: .seconds(1), to: dir.appendingPathComponent("no/such/out.png").path)
        }
        #expect(missing.description.contains("does not exist"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["plain-file"])
    }

    @Test func outputThatIsADirectoryIsRefused() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("looks-like.jpg")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        #expect(throws: MediaError.self) { try writeThumbnail(of: Self.clip, at: .seconds(1), to: folder.path) }
    }

    @Test(arguments: ["probe/truncated-download.mp4", "probe/html-error-page.mp4", "probe/empty.mp4"])
    func brokenInputFailsLikeProbe(file: String) throws {
        let error = try expectFailure { try writeThumbnail(of: FixturePaths.fixture(file), at: .seconds(0.5), to: $0) }
        let probeError = try #require(throws: MediaError.self) { try probe(FixturePaths.fixture(file)) }
        #expect(error.kind == probeError.kind)
    }

    @Test func replacingAnExistingImageIsAtomic() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("poster.png").path
        try writeThumbnail(of: Self.clip, at: .seconds(0.5), to: out)
        // A failed second attempt leaves the first image as it was.
        #expect(throws: MediaError.self) { try writeThumbnail(of: Self.clip, at: .seconds(9), to: out) }
        #expect(FrameIndex.of(try loadImage(out)) == 12)
        try writeThumbnail(of: Self.clip, at: .seconds(1), to: out)
        #expect(FrameIndex.of(try loadImage(out)) == 24)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["poster.png"])
    }

    @Test func badWidthIsRefused() throws {
        let error = try expectFailure {
            try writeThumbnail(of: Self.clip, at: .seconds(1), to: $0, options: ThumbnailOptions(width: 0))
        }
        #expect(error.kind == .invalidArgument)
    }
}
