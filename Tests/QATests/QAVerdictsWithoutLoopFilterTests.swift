import Foundation
import Media
@testable import QA
import Testing
import TestSupport

/// QA decodes pictures without the deblocking filter (`ContentAnalysisOptions.skipLoopFilter`) to spend less than
/// a plain decode. That is only allowed because no verdict changes: every check of every QA fixture, probe fixture
/// and real-world file is judged the same from the exact pictures and from the unfiltered ones.
@Suite struct QAVerdictsWithoutLoopFilterTests {
    /// Every media file under fixtures/qa, fixtures/probe and fixtures/realworld.
    static let files = FixturePaths.mediaFiles

    @Test func thereAreEnoughFilesToMeanSomething() {
        #expect(Self.files.count >= 50)
        #expect(Self.files.contains { $0.hasSuffix("qa/black-start.mp4") })
        #expect(Self.files.contains { $0.hasSuffix("qa/frozen-end.mp4") })
    }

    @Test(arguments: files)
    func sameVerdictsWithAndWithoutTheLoopFilter(_ path: String) throws {
        let info: MediaInfo
        do {
            info = try probe(path)
        } catch {
            return // not media, or damaged before any decoding: no content verdicts to compare
        }
        guard info.video != nil else { return }
        let thresholds = QAThresholds()
        let asked = try Expectation.fromFlags(model: nil, resolution: "720p", ratio: "16:9", duration: 5,
                                              generateAudio: true)
        var fast = thresholds.analysisOptions
        #expect(fast.skipLoopFilter, "QA's analysis skips the loop filter")
        if let video = info.video, video.width * video.height > thresholds.fullSizeAnalysisPixels {
            fast.analysisWidth = video.width / 4 // as QA.check does
        }
        var exact = fast
        exact.skipLoopFilter = false

        let fastContent = Result { try analyzeContent(path, options: fast) }
        let exactContent = Result { try analyzeContent(path, options: exact) }
        switch (fastContent, exactContent) {
        case let (.success(fastContent), .success(exactContent)):
            let fastReport = QA.evaluate(info: info, content: fastContent, expectation: asked, thresholds: thresholds)
            let exactReport = QA.evaluate(info: info, content: exactContent, expectation: asked,
                                          thresholds: thresholds)
            #expect(fastReport.checks.map(\.name) == exactReport.checks.map(\.name))
            for (fastCheck, exactCheck) in zip(fastReport.checks, exactReport.checks) {
                #expect(fastCheck.verdict == exactCheck.verdict,
                        "\(fastCheck.name): \(fastCheck.message) vs exact \(exactCheck.message)")
            }
            // The decoded pictures are the same ones, only filtered differently.
            #expect(fastContent.video?.frameCount == exactContent.video?.frameCount)
        case (.failure, .failure):
            break // damaged both ways: QA's decode check fails alike
        default:
            Issue.record("one analysis failed and the other did not: \(fastContent) vs \(exactContent)")
        }
    }
}
