import Foundation
import Media
import Testing
import TestSupport

/// Issue 9's limits on hostile input: huge files, pipes and devices, and pictures too large to decode all end in a
/// clear error, quickly, without reading the whole file or allocating what a crafted header asks for.
@Suite struct HostileInputTests {
    func scratch() throws -> URL { try FixturePaths.temporaryDirectory("hostile") }

    @Test func aHugeFileOfZerosIsRefusedAfterReadingOnlyItsStart() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        // 8 GiB, sparse: reading all of it would take minutes; probing stops at `probeSize`.
        let path = directory.appendingPathComponent("huge.mp4").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        #expect(truncate(path, 8 << 30) == 0)
        let started = Date()
        #expect { try probe(path) } throws: { ($0 as? MediaError)?.kind == .notMedia }
        #expect {
            try writeThumbnail(of: path, at: .seconds(0), to: directory.appendingPathComponent("t.jpg").path)
        } throws: { ($0 as? MediaError)?.kind == .notMedia }
        #expect(Date().timeIntervalSince(started) < 20, "bounded by probeSize, not by the file's 8 GiB")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("t.jpg").path))
    }

    @Test func pipesAndDevicesAreRefusedInsteadOfBlocking() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Nobody ever writes to this FIFO: opening it for reading would block forever.
        let fifo = directory.appendingPathComponent("stalled.mp4").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let link = directory.appendingPathComponent("link-to-fifo.mp4").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: fifo)
        for path in [fifo, link, "/dev/zero", "/dev/urandom"] {
            #expect { try probe(path) } throws: { error in
                let error = error as? MediaError
                return error?.kind == .io && error?.description.contains("not a regular file") == true
            }
        }
        #expect { try analyzeContent(fifo) } throws: { ($0 as? MediaError)?.kind == .io }
    }

    @Test func aSmallFileOfAHugePictureIsNeitherDecodedWhileProbingNorThumbnailed() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        // 83 KB that decode to 8200x8200 (67.2 megapixels, just over the default limit; see make-hostile.sh).
        let huge = FixturePaths.fixture("hostile/over-limit-8200.png")
        // Probing decodes the first picture to learn its size; the limit stops it (ffprobe reports 8200x8200 and
        // pays the decode), so the size stays unknown rather than the memory being spent.
        let info = try probe(huge)
        #expect(info.video?.codec == "png" && info.video?.width == 0)
        var generous = OpenLimits()
        generous.maxPixels = 100_000_000   // above 8200 x 8200 with the decoder's row padding (8256 x 8200)
        #expect(try probe(huge, limits: generous).video?.width == 8200, "the limit is what kept the size unknown")

        let output = directory.appendingPathComponent("out.jpg").path
        #expect { try writeThumbnail(of: huge, at: .seconds(0), to: output, options: ThumbnailOptions(width: 64)) }
            throws: { error in
                let error = error as? MediaError
                return error?.description.hasPrefix(huge + ": ") == true
                    && error?.description.contains("larger than the limit of 67108864 pixels") == true
            }
        #expect(!FileManager.default.fileExists(atPath: output))
        var options = ThumbnailOptions(width: 64)
        options.limits = generous
        #expect(try writeThumbnail(of: huge, at: .seconds(0), to: output, options: options).width == 64)
    }

    @Test func picturesOverTheLimitAreRefusedBeforeDecoding() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clip = FixturePaths.fixture("probe/frame-index.mp4")
        let info = try probe(clip)
        let pixels = Int64(try #require(info.video?.width)) * Int64(try #require(info.video?.height))
        #expect(OpenLimits().maxPixels == 8192 * 8192 && pixels < OpenLimits().maxPixels)
        var options = ThumbnailOptions()
        options.limits.maxPixels = pixels - 1
        let output = directory.appendingPathComponent("t.jpg").path
        #expect { try writeThumbnail(of: clip, at: .seconds(0), to: output, options: options) } throws: { error in
            let error = error as? MediaError
            return error?.kind == .unsupported && error?.description.contains("larger than the limit of \(pixels - 1) pixels") == true
        }
        options.limits.maxPixels = pixels
        #expect(try writeThumbnail(of: clip, at: .seconds(0), to: output, options: options).width == info.video?.width)
    }
}
