import Foundation
@testable import Media
import Testing
import TestSupport

/// `analyzeContent` against clips made to have (or not have) each defect, with the answers ffmpeg's own
/// blackdetect/freezedetect/silencedetect give for the same files.
@Suite struct ContentAnalysisTests {
    private func analyze(_ name: String, _ options: ContentAnalysisOptions = ContentAnalysisOptions()) throws
        -> ContentAnalysis
    {
        try analyzeContent(FixturePaths.fixture("qa/\(name)"), options: options)
    }

    @Test func goodClipHasNoBlackFrozenOrSilence() throws {
        let result = try analyze("good-720p.mp4")
        let video = try #require(result.video)
        #expect(video.frameCount == 49)
        #expect(abs(video.duration - 49.0 / 24) < 0.001)
        #expect(video.black.isEmpty)
        #expect(video.frozen.isEmpty)
        let audio = try #require(result.audio)
        #expect(audio.silent.isEmpty)
        #expect(abs(audio.duration - 2.041) < 0.03)
        // ffmpeg -i good-720p.mp4 -af astats (or volumedetect): RMS level -23.54 dB, peak level -16.17 dB.
        let rms = try #require(audio.rmsLevel), peak = try #require(audio.peakLevel)
        #expect(abs(rms - -23.54) < 0.05)
        #expect(abs(peak - -16.17) < 0.05)
        #expect(!audio.isSilent(noise: -60))
    }

    @Test func leadingBlackIsFoundWhereFFmpegFindsIt() throws {
        // ffmpeg -i black-start.mp4 -vf blackdetect=d=0 says black_start:0 black_end:0.5
        let video = try #require(try analyze("black-start.mp4").video)
        #expect(video.black == [TimeSpan(start: 0, end: 0.5)])
    }

    @Test func frozenEndIsClosedAtTheEndOfTheStream() throws {
        // freezedetect only logs freeze_start 0.5 here: the freeze runs to the end of the file (49/24 s).
        let video = try #require(try analyze("frozen-end.mp4").video)
        #expect(video.frozen.count == 1)
        let span = try #require(video.frozen.first)
        #expect(abs(span.start - 0.5) < 0.001)
        #expect(abs(span.end - 49.0 / 24) < 0.001)
        #expect(video.black.isEmpty)
    }

    @Test func silenceInTheMiddleAndSilentTracks() throws {
        let dropout = try #require(try analyze("audio-dropout.mp4").audio)
        #expect(dropout.silent.count == 1)
        let span = try #require(dropout.silent.first)
        // ffmpeg's silencedetect: silence_start 0.40 ... silence_end 1.60 (AAC smears the edges by a few ms).
        #expect(abs(span.start - 0.4) < 0.03 && abs(span.end - 1.6) < 0.03)
        #expect(!dropout.isSilent(noise: -60))

        let silent = try #require(try analyze("silent-audio.mp4").audio)
        #expect(silent.rmsLevel == nil && silent.peakLevel == nil)
        #expect(silent.isSilent(noise: -60))
        #expect(silent.silent.count == 1)
        #expect((silent.silent.first?.duration ?? 0) > 2.0)
    }

    @Test func noAudioStreamGivesNoAudioFindings() throws {
        let result = try analyze("no-audio.mp4")
        #expect(result.audio == nil)
        #expect(result.video?.frameCount == 49)
    }

    @Test func scalingDownFindsTheSameDefects() throws {
        var options = ContentAnalysisOptions()
        options.analysisWidth = 320
        #expect(try analyze("black-start.mp4", options).video?.black == [TimeSpan(start: 0, end: 0.5)])
        #expect(try analyze("frozen-end.mp4", options).video?.frozen.count == 1)
        #expect(try analyze("good-720p.mp4", options).video?.frozen.isEmpty == true)
    }

    @Test func unreadableInputThrowsMediaError() {
        #expect(throws: MediaError.self) { try analyzeContent(FixturePaths.fixture("probe/html-error-page.mp4")) }
        #expect(throws: MediaError.self) { try analyzeContent(FixturePaths.fixture("qa/does-not-exist.mp4")) }
    }
}
