import Foundation
import Media
import Testing
import TestSupport

/// `seedance thumbnail` and `seedance contact-sheet` run as the built binary: exit status, output, and the image
/// decoded back to check it is exactly the frame asked for.
@Suite struct ThumbnailCommandTests {
    static let clip = FixturePaths.fixture("probe/frame-index.mp4")

    /// Frame N of the fixtures is flat grey 16 + 4N (limited range): (4N) * 255 / 219 in the written image.
    static func frameIndex(_ path: String) throws -> Int {
        let image = try loadImage(path)
        let level = image.meanLevel(x: image.width / 4, y: image.height / 4, width: image.width / 2,
                                    height: image.height / 2)
        return Int((level * 219 / 255 / 4).rounded())
    }

    @Test func atWritesTheExactFrame() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("poster.jpg").path
        let result = try runSeedance(["thumbnail", Self.clip, "--at", "1.25", "-o", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("wrote \(out): frame at 1.250 s"))
        #expect(result.stderr.isEmpty)
        #expect(try Self.frameIndex(out) == 30)
    }

    @Test func clockTimeAndWidth() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("frame.png").path
        let result = try runSeedance(["thumbnail", Self.clip, "--at", "0:01.5", "-o", out, "--width", "160"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.frameIndex(out) == 36)
        let image = try loadImage(out)
        #expect(image.width == 160 && image.height == 120)
    }

    @Test func lastWritesTheLastFrameUpright() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("last.png").path
        let result = try runSeedance(["thumbnail", FixturePaths.fixture("probe/frame-index-rot90.mp4"), "--last",
                                      "-o", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("the last frame (1.958 s)"))
        #expect(try Self.frameIndex(out) == 47)
        let image = try loadImage(out)
        #expect(image.width == 240 && image.height == 320)
    }

    @Test func jsonCarriesOnlyJSON() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("t.jpg").path
        let result = try runSeedance(["thumbnail", Self.clip, "--at", "0.5", "-o", out, "--json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["format"] as? String == "jpeg")
        #expect(object["requested_time"] as? Double == 0.5)
        #expect(object["time"] as? Double == 0.5)
        #expect(object["last_frame"] as? Bool == false)
        #expect(object["width"] as? Int == 320 && object["height"] as? Int == 240)
        #expect(object["clip_duration"] as? Double == 2)
        #expect((object["size_bytes"] as? Int ?? 0) > 0)
    }

    /// Every kind of bad input: exit 2, one line on stderr naming the problem, nothing on stdout, no file written.
    @Test(arguments: [
        (["--at", "-1"], "negative"),
        (["--at", "2.5"], "the clip is 2 s long"),
        (["--at", "soon"], "is not a time"),
        ([], "--at SECONDS or --last"),
        (["--at", "1", "--last"], "not both"),
        (["--at", "1", "--quality", "0"], "--quality"),
        (["--at", "1", "--width", "0"], "--width"),
    ])
    func badArgumentsExitTwoWithOneLine(arguments: [String], message: String) throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("t.jpg").path
        let result = try runSeedance(["thumbnail", Self.clip, "-o", out] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.hasPrefix("seedance: thumbnail: "))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func badFilesExitTwoWithOneLine() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [(input: String, output: String, message: String)] = [
            (FixturePaths.fixture("frames/audio-only.mp4"), "a.jpg", "no video"),
            (Self.clip, "a.gif", ".gif"),
            (Self.clip, "no-such-folder/a.jpg", "does not exist"),
            (FixturePaths.fixture("probe/truncated-download.mp4"), "a.jpg", "truncated"),
            (dir.appendingPathComponent("missing.mp4").path, "a.jpg", "no such file"),
        ]
        for c in cases {
            let result = try runSeedance(["thumbnail", c.input, "--at", "0.1", "-o",
                                          dir.appendingPathComponent(c.output).path])
            #expect(result.status == 2, "\(c.input)")
            #expect(result.stderr.contains(c.message), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func contactSheetShowsTheEvenlySpacedFrames() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("sheet.png").path
        let result = try runSeedance(["contact-sheet", Self.clip, "-o", out, "--count", "4", "--columns", "4",
                                      "--tile-width", "80", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["columns"] as? Int == 4 && object["rows"] as? Int == 1)
        #expect(object["times"] as? [Double] == [0, 0.5, 1, 1.5])
        let sheet = try loadImage(out)
        #expect(sheet.width == 4 * 80 + 5 * 4 && sheet.height == 60 + 2 * 4)
        let frames = (0..<4).map { i -> Int in
            let level = sheet.meanLevel(x: 4 + i * 84 + 20, y: 4 + 15, width: 40, height: 30)
            return Int((level * 219 / 255 / 4).rounded())
        }
        #expect(frames == [0, 12, 24, 36])
    }

    @Test func contactSheetBadInputExitsTwo() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("sheet.png").path
        for arguments in [[Self.clip, "--count", "0"], [FixturePaths.fixture("frames/audio-only.mp4")],
                          [Self.clip, "--tile-width", "2"]] {
            let result = try runSeedance(["contact-sheet"] + arguments + ["-o", out])
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.hasPrefix("seedance: contact-sheet: "))
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func helpTeachesWithExamples() throws {
        let result = try runSeedance(["thumbnail", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("ffmpeg -ss T"))
        #expect(result.stdout.contains("seedance thumbnail shot1.mp4 --last"))
    }
}
