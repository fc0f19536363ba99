import Foundation
@testable import Media
import Testing
import TestSupport

/// A join made ahead (`CopyJoinInProgress`) finished by `concatenate`: the same file as a join made at once, and
/// dropped (with its temporary file) whenever it no longer matches what is joined.
@Suite struct CopyJoinInProgressTests {
    static let a = FixturePaths.fixture("concat/index-a.mp4")
    static let b = FixturePaths.fixture("concat/index-b.mp4")
    static let c = FixturePaths.fixture("concat/index-c.mp4")
    static let wide = FixturePaths.fixture("concat/index-wide.mp4")

    /// Names in `dir` that a writer uses while it works (`TemporaryPath`).
    static func temporaryNames(in dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") && $0.contains(".part") }
    }

    /// Copies of the three clips in `dir` (so a test may replace one).
    static func copies(in dir: URL) throws -> [String] {
        try [a, b, c].enumerated().map { index, source in
            let path = dir.appendingPathComponent("clip-\(index).mp4").path
            try FileManager.default.copyItem(atPath: source, toPath: path)
            return path
        }
    }

    @Test func aJoinMadeAheadIsTheSameFileAsOneMadeAtOnce() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clips = try Self.copies(in: dir)
        let atOnce = dir.appendingPathComponent("at-once.mp4").path
        let once = try concatenate(clips, to: atOnce)

        let output = dir.appendingPathComponent("ahead.mp4").path
        let join = try CopyJoinInProgress(output: output)
        #expect(try join.append(clips[0]))
        #expect(try join.append(clips[1]))
        #expect(join.paths == Array(clips.prefix(2)))
        // Nothing at the output's name until the join is finished: only its temporary file.
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(try Self.temporaryNames(in: dir).count == 1)

        let summary = try concatenate(clips, to: output, continuing: join)
        #expect(join.wasContinued)
        #expect(!join.isOpen)
        #expect(summary.strategy == .copy)
        #expect(summary.videoFrames == once.videoFrames && summary.audioTrimmed == once.audioTrimmed)
        let joined = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(joined == (try Data(contentsOf: URL(fileURLWithPath: atOnce))), "the files differ")
        #expect(try probe(output).video?.frameCount == 36)
        #expect(try Self.temporaryNames(in: dir).isEmpty)
    }

    @Test func aClipReplacedAfterItWasAppendedIsJoinedFromScratch() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var clips = try Self.copies(in: dir)
        let output = dir.appendingPathComponent("ahead.mp4").path
        let join = try CopyJoinInProgress(output: output)
        try join.append(clips[0])
        try join.append(clips[1])
        // The second shot made again: a new file renamed over the old name (as the runner publishes clips).
        let replacement = dir.appendingPathComponent("replacement.mp4").path
        try FileManager.default.copyItem(atPath: Self.c, toPath: replacement)
        #expect(rename(replacement, clips[1]) == 0)

        _ = try concatenate(clips, to: output, continuing: join)
        #expect(!join.wasContinued)
        clips[1] = Self.c
        let atOnce = dir.appendingPathComponent("at-once.mp4").path
        _ = try concatenate(clips, to: atOnce)
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == (try Data(contentsOf: URL(fileURLWithPath: atOnce))))
        #expect(try Self.temporaryNames(in: dir).isEmpty)
    }

    @Test func aJoinOfOtherClipsOrAnotherOutputIsNotContinued() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clips = try Self.copies(in: dir)
        let output = dir.appendingPathComponent("ahead.mp4").path

        let reordered = try CopyJoinInProgress(output: output)
        try reordered.append(clips[1])
        _ = try concatenate(clips, to: output, continuing: reordered)
        #expect(!reordered.wasContinued)

        let elsewhere = try CopyJoinInProgress(output: dir.appendingPathComponent("other.mp4").path)
        try elsewhere.append(clips[0])
        _ = try concatenate(clips, to: output, continuing: elsewhere)
        #expect(!elsewhere.wasContinued)
        #expect(!FileManager.default.fileExists(atPath: elsewhere.output))
        #expect(try probe(output).video?.frameCount == 36)
        #expect(try Self.temporaryNames(in: dir).isEmpty)
    }

    @Test func aClipThatCannotBeCopiedClosesTheJoinAndTheEndReencodes() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("ahead.mp4").path
        let join = try CopyJoinInProgress(output: output)
        #expect(try join.append(Self.a))
        #expect(try !join.append(Self.wide))
        #expect(!join.isOpen)
        #expect(join.closedBecause?.contains("video size differs") == true, "\(join.closedBecause ?? "open")")
        #expect(try !join.append(Self.b))
        #expect(try Self.temporaryNames(in: dir).isEmpty)

        let summary = try concatenate([Self.a, Self.wide, Self.b], to: output, continuing: join)
        #expect(summary.strategy == .normalize)
        #expect(!join.wasContinued)
        #expect(try probe(output).video?.frameCount == 36)
    }

    @Test func aJoinDroppedUnfinishedLeavesNothing() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("ahead.mp4").path
        do {
            let join = try CopyJoinInProgress(output: output)
            try join.append(Self.a)
            #expect(try Self.temporaryNames(in: dir).count == 1)
        }
        #expect(try Self.temporaryNames(in: dir).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func badClipsAndOptionsAreRefusedInOneLine() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var loud = ConcatOptions()
        loud.loudness = -16
        #expect(throws: MediaError.self) { try CopyJoinInProgress(output: dir.appendingPathComponent("x.mp4").path, options: loud) }
        #expect(throws: MediaError.self) { try CopyJoinInProgress(output: dir.appendingPathComponent("x.avi").path) }

        let join = try CopyJoinInProgress(output: dir.appendingPathComponent("x.mp4").path)
        let broken = dir.appendingPathComponent("broken.mp4").path
        try Data("not a video".utf8).write(to: URL(fileURLWithPath: broken))
        let error = #expect(throws: MediaError.self) { try join.append(broken) }
        #expect(error?.description.contains("broken.mp4") == true)
        #expect(!join.isOpen)
        #expect(try Self.temporaryNames(in: dir).isEmpty)
    }
}
