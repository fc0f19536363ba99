import Foundation
@testable import Media
import Testing
import TestSupport

/// Bad input fails with a clear error and leaves nothing behind.
@Suite struct ConcatBadInputTests {
    static let a = FixturePaths.fixture("concat/index-a.mp4")

    private func expectFailure(_ inputs: [String], output name: String = "out.mp4", options: ConcatOptions = ConcatOptions(),
                               check: (MediaError) -> Void) throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = name.hasPrefix("/") ? name : dir.appendingPathComponent(name).path
        // Fails the test when concatenate succeeds or throws anything but a MediaError.
        let error = try #require(throws: MediaError.self) {
            _ = try concatenate(inputs, to: output, options: options)
        }
        check(error)
        // No partial output, no temporary file.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func copyOnMismatchedClipsNamesTheParameterAndFiles() throws {
        let cases: [(String, String)] = [
            ("index-wide", "video size"), ("index-fps30", "video frame rate"),
            ("index-44k-mono", "audio sample rate"), ("index-noaudio", "audio stream"),
        ]
        for (name, parameter) in cases {
            let other = FixturePaths.fixture("concat/\(name).mp4")
            try expectFailure([Self.a, other], options: ConcatOptions(mode: .copy)) { error in
                #expect(error.kind == .unsupported)
                #expect(error.description.contains("\(parameter) differs"), "\(error)")
                #expect(error.description.contains("index-a.mp4") && error.description.contains("\(name).mp4"))
            }
        }
    }

    @Test func unreadableClipIsNamed() throws {
        let html = FixturePaths.fixture("probe/html-error-page.mp4")
        try expectFailure([Self.a, html]) { error in
            #expect(error.path == html)
            #expect(error.kind == .notMedia)
        }
        let missing = "/nonexistent/clip.mp4"
        try expectFailure([missing, Self.a]) { error in
            #expect(error.kind == .notFound)
            #expect(error.description.contains(missing))
        }
        try expectFailure([Self.a, FixturePaths.fixture("probe/truncated-download.mp4")], options: ConcatOptions(mode: .copy)) { error in
            #expect(error.path?.hasSuffix("truncated-download.mp4") == true)
        }
    }

    @Test func outputEqualToAnInputIsRefused() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let copy = dir.appendingPathComponent("clip.mp4").path
        try FileManager.default.copyItem(atPath: Self.a, toPath: copy)
        let before = try Data(contentsOf: URL(fileURLWithPath: copy))
        // The same file by another spelling of its path.
        let other = dir.appendingPathComponent("./sub/../clip.mp4").path
        #expect(throws: MediaError.self) { try concatenate([Self.a, copy], to: other) }
        let error = #expect(throws: MediaError.self) {
            _ = try concatenate([copy, Self.a], to: copy)
        }
        #expect(error?.kind == .invalidArgument)
        #expect(error?.description.contains("output is also an input") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["clip.mp4"])
    }

    /// The no-warning checks of the other concat tests are only worth something if the capture sees warnings.
    @Test func logCaptureSeesFFmpegWarnings() throws {
        let html = FixturePaths.fixture("probe/html-error-page.mp4")
        let (_, warnings) = FFmpegLog.capturingWarnings(.callingThread) { try? ConcatClip(path: html) }
        #expect(warnings.contains { $0.contains("moov atom not found") }, "\(warnings)")
        let (_, clean) = FFmpegLog.capturingWarnings(.callingThread) { try? ConcatClip(path: Self.a) }
        #expect(clean.isEmpty)
    }
}
