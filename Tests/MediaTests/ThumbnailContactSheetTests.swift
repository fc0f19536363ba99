import Foundation
@testable import Media
import Testing
import TestSupport

/// Contact sheets: the tiles show exactly the evenly spaced frames, in order, laid out as asked.
@Suite struct ThumbnailContactSheetTests {
    /// The frame index shown by tile `i` of a sheet laid out with `columns`, tiles `w` x `h`, `pad` pixels apart.
    static func tileFrame(_ sheet: VideoImage, _ i: Int, columns: Int, w: Int, h: Int, pad: Int) -> Int {
        let col = i % columns, row = i / columns
        let x = pad + col * (w + pad), y = pad + row * (h + pad)
        return FrameIndex.of(sheet, x: x + w / 4, y: y + h / 4, width: w / 2, height: h / 2)
    }

    @Test func fourFramesInATwoByTwoGrid() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("sheet.png").path
        let result = try writeContactSheet(of: FixturePaths.fixture("probe/frame-index.mp4"), to: out,
                                           options: ContactSheetOptions(count: 4, columns: 2, tileWidth: 160))
        #expect(result.columns == 2 && result.rows == 2)
        #expect(result.tileWidth == 160 && result.tileHeight == 120)
        #expect(result.width == 2 * 160 + 3 * 4 && result.height == 2 * 120 + 3 * 4)
        #expect(result.requestedTimes == [0, 0.5, 1, 1.5])
        let sheet = try loadImage(out)
        #expect(sheet.width == result.width && sheet.height == result.height)
        #expect((0..<4).map { Self.tileFrame(sheet, $0, columns: 2, w: 160, h: 120, pad: 4) } == [0, 12, 24, 36])
        // The margin is the dark background, not picture.
        #expect(sheet.pixel(x: 1, y: 1).red < 40)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["sheet.png"])
    }

    @Test func defaultGridIsNearSquareAndLeavesEmptyCellsDark() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("sheet.jpg").path
        let result = try writeContactSheet(of: FixturePaths.fixture("probe/frame-index.mp4"), to: out,
                                           options: ContactSheetOptions(count: 5, tileWidth: 64))
        #expect(result.columns == 3 && result.rows == 2 && result.format == .jpeg)
        let sheet = try loadImage(out)
        let frames = (0..<6).map { Self.tileFrame(sheet, $0, columns: 3, w: 64, h: 48, pad: 4) }
        // Times 0, 0.4, 0.8, 1.2, 1.6 s -> frames 0, 10, 20, 29 (1.2 s is 28.8 frames), 39 (38.4); the sixth cell is empty.
        #expect(Array(frames.prefix(5)) == [0, 10, 20, 29, 39])
        #expect(sheet.meanLevel(x: 4 + 2 * 68 + 16, y: 4 + 52 + 12, width: 32, height: 24) < 40)
    }

    @Test func rotatedClipTilesAreUpright() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("sheet.png").path
        let result = try writeContactSheet(of: FixturePaths.fixture("frames/marker-rot90.mp4"), to: out,
                                           options: ContactSheetOptions(count: 2, columns: 2, tileWidth: 64, padding: 0))
        #expect(result.tileWidth == 64 && result.tileHeight == 96)
        let sheet = try loadImage(out)
        #expect(sheet.width == 128 && sheet.height == 96)
        // Each tile has its marker bottom-left, as the thumbnail of the same clip does.
        #expect(sheet.pixel(x: 2, y: 93).red > 200 && sheet.pixel(x: 66, y: 93).red > 200)
        #expect(sheet.pixel(x: 2, y: 2).red < 100)
        #expect([0, 1].map { Self.tileFrame(sheet, $0, columns: 2, w: 64, h: 96, pad: 0) } == [0, 12])
    }

    @Test func badLayoutIsRefusedAndNothingIsWritten() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("sheet.png").path
        let clip = FixturePaths.fixture("probe/frame-index.mp4")
        #expect(throws: MediaError.self) { try writeContactSheet(of: clip, to: out, options: ContactSheetOptions(count: 0)) }
        #expect(throws: MediaError.self) {
            try writeContactSheet(of: clip, to: out, options: ContactSheetOptions(columns: 0))
        }
        #expect(throws: MediaError.self) {
            try writeContactSheet(of: FixturePaths.fixture("frames/audio-only.mp4"), to: out)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
