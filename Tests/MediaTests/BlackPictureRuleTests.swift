import CFFmpeg
import Foundation
@testable import Media
import Testing
import TestSupport

/// Black pictures are counted in Swift (`BlackPictureRule`) instead of by libavfilter's blackdetect, for speed. That
/// is only allowed because the answers are the filter's: picture by picture on pictures made to sit exactly at its
/// thresholds, and stretch by stretch on every fixture and real-world file.
@Suite struct BlackPictureRuleTests {
    /// One synthetic picture: `black` of its luma samples at `dark`, the rest at `bright`.
    struct Picture: CustomStringConvertible {
        var black: Int
        var dark: Int
        var bright: Int
        var description: String { "\(black) samples at \(dark), the rest at \(bright)" }
    }

    /// A format and range to test, and the picture size.
    struct Case: CustomStringConvertible, Sendable {
        var format: String
        var fullRange: Bool
        var width: Int32 = 50
        var height: Int32 = 20
        var description: String { "\(format)\(fullRange ? " (full range)" : "")" }
    }

    static let cases: [Case] = [
        Case(format: "yuv420p", fullRange: false), Case(format: "yuv420p", fullRange: true),
        Case(format: "yuvj420p", fullRange: false), Case(format: "yuv444p", fullRange: false),
        Case(format: "nv12", fullRange: false), Case(format: "gray8", fullRange: true),
        Case(format: "yuv420p10le", fullRange: false), Case(format: "yuv420p10le", fullRange: true),
        Case(format: "yuv422p12le", fullRange: false),
        // An odd size: rows of odd length and a total whose 98 % is not a whole number.
        Case(format: "yuv420p", fullRange: false, width: 37, height: 23),
    ]

    /// Frames through blackdetect and through the Swift rule give the same start and end marks on every frame, for
    /// pictures one sample either side of both thresholds (how many samples are black, and how dark is black).
    @Test(arguments: cases)
    func sameMarksAsBlackdetectPictureByPicture(_ testCase: Case) throws {
        let format = av_get_pix_fmt(testCase.format)
        try #require(format != AV_PIX_FMT_NONE)
        #expect(BlackPictureRule.supports(format.rawValue))
        let rule = BlackPictureRule(pictureRatio: 0.98, pixelThreshold: 0.10)
        let total = Int(testCase.width) * Int(testCase.height)
        let needed = rule.blackSamplesNeeded(total: total)
        #expect(needed > 0 && needed <= total)
        // The integer black level the filter uses, from a picture of this format and range.
        let probeFrame = try makeFrame(testCase, Picture(black: 0, dark: 0, bright: 0), pts: 0)
        let depth = Int(av_pix_fmt_desc_get(format)!.pointee.comp.0.depth)
        let level = Int(rule.threshold(for: probeFrame.pointer, depth: depth))
        let top = (1 << depth) - 1
        // Black and bright in turn, so every picture below starts or ends a stretch when its verdict flips.
        var pictures: [Picture] = []
        for black in [needed - 1, needed, needed + 1, total, 0] {
            pictures.append(Picture(black: black, dark: level, bright: level + 1))
            pictures.append(Picture(black: 0, dark: 0, bright: top))
            pictures.append(Picture(black: black, dark: level + 1, bright: top))
            pictures.append(Picture(black: total, dark: 0, bright: 0))
        }
        let timeBase = AVRational(num: 1, den: 24)
        let graph = try FilterGraph(
            sources: [("in", .video(width: testCase.width, height: testCase.height, pixelFormat: format,
                                    timeBase: timeBase, sampleAspectRatio: AVRational(num: 1, den: 1)))],
            sinks: [("out", true)], description: "[in]blackdetect=d=0:pic_th=0.98:pix_th=0.1[out]")
        var marks = BlackRunMarks()
        let out = try Frame()
        var compared = 0
        for (i, picture) in pictures.enumerated() {
            let frame = try makeFrame(testCase, picture, pts: Int64(i))
            let swift = marks.step(isBlack: rule.isBlack(frame.pointer), pts: Int64(i), timeBase: timeBase)
            try graph.push(frame, to: 0)
            while try graph.pull(from: 0, into: out) == .produced {
                let filterStart = metadataValue(out.pointer.pointee.metadata, "lavfi.black_start")
                let filterEnd = metadataValue(out.pointer.pointee.metadata, "lavfi.black_end")
                #expect(out.pointer.pointee.pts == Int64(i), "the filter holds no frame back")
                #expect(swift.start == filterStart && swift.end == filterEnd,
                        "picture \(i) (\(picture)): Swift \(swift) vs blackdetect (\(filterStart as Any), \(filterEnd as Any))")
                compared += 1
                out.unref()
            }
        }
        #expect(compared == pictures.count)
    }

    /// The black stretches of every fixture and real-world file are the same counted in Swift and by blackdetect.
    @Test(arguments: FixturePaths.mediaFiles)
    func sameBlackStretchesAsBlackdetectOnEveryFile(_ path: String) throws {
        guard let info = try? probe(path), let video = info.video else { return }
        var swift = ContentAnalysisOptions()
        swift.audio = false
        // QA's analysis of large pictures (QAThresholds.fullSizeAnalysisPixels): a quarter of the width.
        if video.width * video.height > 2_200_000 { swift.analysisWidth = video.width / 4 }
        var filter = swift
        filter.blackdetectFilter = true
        let counted = Result { try analyzeContent(path, options: swift) }
        let filtered = Result { try analyzeContent(path, options: filter) }
        switch (counted, filtered) {
        case let (.success(counted), .success(filtered)):
            #expect(counted.video?.black == filtered.video?.black)
            #expect(counted.video?.frameCount == filtered.video?.frameCount)
        case (.failure, .failure):
            break
        default:
            Issue.record("one analysis failed and the other did not: \(counted) vs \(filtered)")
        }
    }

    @Test func theFilesIncludeBlackStretches() throws {
        #expect(FixturePaths.mediaFiles.count >= 50)
        var options = ContentAnalysisOptions()
        options.audio = false
        for name in ["black-start.mp4", "black-end.mp4"] {
            let video = try #require(try analyzeContent(FixturePaths.fixture("qa/\(name)"), options: options).video)
            #expect(!video.black.isEmpty, "\(name) has a black stretch")
        }
    }

    @Test func ratioBoundaryIsTheFiltersDoubleComparison() {
        let rule = BlackPictureRule(pictureRatio: 0.98, pixelThreshold: 0.1)
        // 98 % of 1000 is exactly 980; of 851, 833.98 (834 needed).
        #expect(rule.blackSamplesNeeded(total: 1000) == 980)
        #expect(rule.blackSamplesNeeded(total: 851) == 834)
        #expect(BlackPictureRule(pictureRatio: 0, pixelThreshold: 0.1).blackSamplesNeeded(total: 10) == 0)
        #expect(BlackPictureRule(pictureRatio: 1, pixelThreshold: 0.1).blackSamplesNeeded(total: 10) == 10)
    }

    /// A picture of `testCase`'s format: the first `picture.black` luma samples (row by row) at `dark`, the others
    /// at `bright`; chroma mid-grey.
    private func makeFrame(_ testCase: Case, _ picture: Picture, pts: Int64) throws -> Frame {
        let frame = try Frame()
        let f = frame.pointer
        let format = av_get_pix_fmt(testCase.format)
        f.pointee.width = testCase.width
        f.pointee.height = testCase.height
        f.pointee.format = format.rawValue
        f.pointee.color_range = testCase.fullRange ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG
        f.pointee.pts = pts
        try #require(av_frame_get_buffer(f, 0) >= 0)
        let descriptor = try #require(av_pix_fmt_desc_get(format))
        let bytesPerSample = descriptor.pointee.comp.0.depth > 8 ? 2 : 1
        let planes = Int(av_pix_fmt_count_planes(format))
        let data = withUnsafeBytes(of: f.pointee.data) { Array($0.bindMemory(to: UnsafeMutablePointer<UInt8>?.self)) }
        let linesizes = withUnsafeBytes(of: f.pointee.linesize) { Array($0.bindMemory(to: Int32.self)) }
        func store(_ value: Int, _ row: UnsafeMutablePointer<UInt8>, _ x: Int) {
            if bytesPerSample == 2 {
                UnsafeMutableRawPointer(row).storeBytes(of: UInt16(value), toByteOffset: 2 * x, as: UInt16.self)
            } else {
                row[x] = UInt8(value)
            }
        }
        let height = Int(testCase.height), width = Int(testCase.width)
        var index = 0
        for y in 0..<height {
            let row = try #require(data[0]) + y * Int(linesizes[0])
            for x in 0..<width {
                store(index < picture.black ? picture.dark : picture.bright, row, x)
                index += 1
            }
        }
        // Chroma (and alpha) mid-scale: the rule must not look at them.
        let mid = 1 << (Int(descriptor.pointee.comp.0.depth) - 1)
        let chromaRows = (height + (1 << Int(descriptor.pointee.log2_chroma_h)) - 1) >> Int(descriptor.pointee.log2_chroma_h)
        for plane in 1..<max(1, planes) {
            guard let base = data[plane] else { continue }
            let rows = plane == 3 ? height : chromaRows
            for y in 0..<rows {
                let row = base + y * Int(linesizes[plane])
                for x in 0..<(Int(linesizes[plane]) / bytesPerSample) { store(mid, row, x) }
            }
        }
        return frame
    }
}
