import Foundation
import Media
import Testing
import TestSupport

/// Every kind of bad input gives its own kind of error and a message naming the file and the problem.
@Suite struct ProbeBadInputTests {
    func expectError(_ path: String, _ kind: MediaError.Kind, mentioning words: [String],
                     sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let info = try probe(path)
            Issue.record("expected \(kind), probed \(info)", sourceLocation: sourceLocation)
        } catch let error as MediaError {
            #expect(error.kind == kind, sourceLocation: sourceLocation)
            #expect(error.description.hasPrefix(path + ": "), "names the file: \(error)", sourceLocation: sourceLocation)
            #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
            for word in words {
                #expect(error.description.contains(word), "\(error) mentions \(word)", sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("not a MediaError: \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func missingFile() {
        expectError(FixturePaths.fixture("probe/no-such-clip.mp4"), .notFound, mentioning: ["no such file"])
    }

    @Test func directory() {
        expectError(FixturePaths.fixture("probe"), .isDirectory, mentioning: ["directory"])
    }

    @Test func emptyFile() {
        expectError(FixturePaths.fixture("probe/empty.mp4"), .emptyFile, mentioning: ["empty"])
    }

    @Test func htmlErrorPage() {
        expectError(FixturePaths.fixture("probe/html-error-page.mp4"), .notMedia, mentioning: ["HTML"])
    }

    @Test func truncatedFaststartDownload() {
        expectError(FixturePaths.fixture("probe/truncated-download.mp4"), .truncated,
                    mentioning: ["truncated", "incomplete download"])
    }

    @Test func truncatedMoovAtEndDownload() {
        expectError(FixturePaths.fixture("probe/truncated-moov-at-end.mp4"), .truncated, mentioning: ["truncated"])
    }

    @Test func jsonErrorBodySavedAsVideo() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("clip.mp4").path
        try #"{"error":{"code":"AccessDenied","message":"Request has expired"}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        expectError(path, .notMedia, mentioning: ["JSON"])
    }

    @Test func randomBytes() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("noise.mp4").path
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do { _ = try probe(path); Issue.record("random bytes probed") } catch let error as MediaError {
            #expect(error.description.hasPrefix(path))
        }
    }

    @Test func dashSegmentAloneAndJoinedToItsInit() throws {
        let segment = FixturePaths.realworldFile("tos-dash-1080p-h264-seg7.m4s")
        expectError(segment, .notMedia, mentioning: ["init segment"])

        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let joined = dir.appendingPathComponent("joined.mp4")
        let initSegment = FixturePaths.realworldFile("tos-dash-1080p-h264-init.mp4")
        var data = try Data(contentsOf: URL(fileURLWithPath: initSegment))
        data.append(try Data(contentsOf: URL(fileURLWithPath: segment)))
        try data.write(to: joined)
        let info = try probe(joined.path)
        #expect(info.video?.width == 1920 && info.video?.height == 1080)
        #expect(info.startTime == 12.0)
        #expect(info.duration == 14.0)
    }

    @Test func audioOnlyIsNotAnError() throws {
        let info = try probe(FixturePaths.realworldFile("opus-audio-only.mp4"))
        #expect(info.video == nil)
        #expect(info.audio?.codec == "opus")
    }

    @Test func manyFilesKeepTheirOrderAndTheirErrors() {
        let paths = [FixturePaths.fixture("probe/seedance-720p.mp4"), FixturePaths.fixture("probe/empty.mp4"),
                     FixturePaths.fixture("probe/seedance-480p-9x16.mp4"), FixturePaths.fixture("probe/missing.mp4")]
        let results: [Result<MediaInfo, MediaError>] = probeAll(paths)
        #expect(results.count == 4)
        #expect((try? results[0].get())?.video?.width == 1280)
        #expect((try? results[2].get())?.video?.width == 496)
        if case .failure(let error) = results[1] { #expect(error.kind == .emptyFile) } else { Issue.record("empty") }
        if case .failure(let error) = results[3] { #expect(error.kind == .notFound) } else { Issue.record("missing") }
    }
}
