import Media
import Testing
import TestSupport

@Suite struct ProbeFixtureTests {
    @Test func seedanceLikeClip() throws {
        let info = try probe(FixturePaths.fixture("probe/seedance-720p.mp4"))
        let video = try #require(info.video)
        #expect(video.codec == "h264")
        #expect(video.width == 1280 && video.height == 720)
        #expect(video.frameRate == Rational(24, 1))
        #expect(video.frameCount == 121)
        #expect(video.pixelFormat == "yuv420p")
        let audio = try #require(info.audio)
        #expect(audio.codec == "aac" && audio.sampleRate == 48000 && audio.channels == 2)
        #expect(info.faststart == true)
    }
}
