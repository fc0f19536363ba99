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

    /// Container tags come through as ffprobe lists them, including the AIGC labelling tag's JSON text.
    @Test func containerTags() throws {
        let labelled = try probe(FixturePaths.fixture("probe/aigc-labelled.mp4"))
        #expect(labelled.tags["major_brand"] == "isom")
        let aigc = try #require(labelled.tags["AIGC"])
        #expect(aigc.hasPrefix(#"{"Label":"1","ContentProducer":"001191110108MA01KP2T5U00000""#))
        #expect(try probe(FixturePaths.fixture("probe/frame-index.mp4")).tags["AIGC"] == nil)
    }

    /// The display matrix's rotation as ffprobe prints it (-180...180, counter-clockwise), width and height swapped
    /// for quarter turns. The upside-down case stands in for the Pixel 7 rot180 phone file, left out of
    /// fixtures/realworld for its 3.4 MB.
    @Test(arguments: [("frames/marker.mp4", 0), ("frames/marker-rot90.mp4", 90),
                      ("frames/marker-rot180.mp4", -180), ("frames/marker-rot270.mp4", -90)])
    func rotationAsFFprobePrintsIt(file: String, rotation: Int) throws {
        let video = try #require(try probe(FixturePaths.fixture(file)).video)
        #expect(video.rotation == rotation)
        #expect((video.width, video.height) == (96, 64))
        let swapped = abs(rotation) == 90
        #expect((video.displayWidth, video.displayHeight) == (swapped ? (64, 96) : (96, 64)))
    }
}
