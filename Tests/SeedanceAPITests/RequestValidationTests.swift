import Foundation
import SeedanceAPI
import Testing

/// The validation rules and the resolved parameters.
@Suite struct RequestValidationTests {
    private let rules = RequestValidation()
    private let model2 = "doubao-seedance-2-0-260128"

    private func problem(_ request: GenerationRequest) -> APIError? {
        do { try rules.validate(request); return nil } catch { return error }
    }

    @Test func fieldRanges() throws {
        #expect(problem(GenerationRequest(model: model2, content: [.text("x")], duration: 15)) == nil)
        #expect(problem(GenerationRequest(model: model2, content: [.text("x")], duration: -1)) == nil)
        #expect(problem(GenerationRequest(model: model2, content: [.text("x")], duration: 3))?.param == "duration")
        let v1 = "doubao-seedance-1-0-pro-250528"
        #expect(problem(GenerationRequest(model: v1, content: [.text("x")], duration: -1))?.param == "duration")
        #expect(problem(GenerationRequest(model: v1, content: [.text("x")], duration: 2)) == nil)
        #expect(problem(GenerationRequest(model: v1, content: [.text("x")], frames: 33)) == nil)
        #expect(problem(GenerationRequest(model: v1, content: [.text("x")], frames: 30))?.param == "frames")
        #expect(problem(GenerationRequest(model: v1, content: [.text("x")], resolution: .k4))?.param == "resolution")
        #expect(problem(GenerationRequest(model: model2, content: [.text("x")], resolution: .k4)) == nil)
        #expect(problem(GenerationRequest(model: model2, content: [.text("x")], seed: -2))?.param == "seed")
        #expect(problem(GenerationRequest(model: "ep-2024", content: [.text("x")])) == nil)
        #expect(problem(GenerationRequest(model: "gpt", content: [.text("x")]))?.httpStatus == 404)
        #expect(try RequestValidation(requireKnownModel: false).family(of: "gpt") == .v2)
    }

    @Test func contentModes() {
        let first = ContentItem.image(url: "https://e.com/1.png", role: .firstFrame)
        let last = ContentItem.image(url: "https://e.com/2.png", role: .lastFrame)
        let reference = ContentItem.image(url: "asset://abc", role: .referenceImage)
        #expect(problem(GenerationRequest(model: model2, content: []))?.code == "MissingParameter")
        #expect(problem(GenerationRequest(model: model2, content: [.image(url: "https://e.com/1.png")])) == nil)
        #expect(problem(GenerationRequest(model: model2, content: [.text("x"), first, last])) == nil)
        #expect(problem(GenerationRequest(model: model2, content: [.text("x"), last]))?.param == "content.role")
        #expect(problem(GenerationRequest(model: model2, content: [.text("x"), first, reference]))?.param == "content.role")
        #expect(problem(GenerationRequest(model: model2, content: [.text("x")] + Array(repeating: reference, count: 10)))?
            .param == "content")
        #expect(problem(GenerationRequest(model: model2, content: [.text("x"), reference, .video(url: "https://e.com/v.mp4")])) == nil)
        #expect(problem(GenerationRequest(model: model2, content: [.text("x"), .video(url: "data:video/mp4;base64,AAAA")]))?
            .param == "content.video_url.url")
        #expect(problem(GenerationRequest(model: "doubao-seedance-1-0-lite-i2v-250428",
                                          content: [.text("x"), reference, .video(url: "https://e.com/v.mp4")]))?
            .param == "content.type")
        #expect(problem(GenerationRequest(model: model2, content: [.text("x"), .image(url: "ftp://e.com/a.png")]))?
            .param == "content.image_url.url")
        #expect(problem(GenerationRequest(model: model2, content: [.text("x"), .text("y")]))?.param == "content")
        #expect(problem(GenerationRequest(model: model2, content: [.text("   ")]))?.param == "content.text")
    }

    @Test func resolvedDefaultsFlagsAndGeometry() throws {
        let plain = try rules.validate(GenerationRequest(model: model2, content: [.text("x")]))
        #expect(plain.resolution == .p720 && plain.ratio == .r16x9 && plain.duration == 5 && plain.frameCount == 121)
        #expect(plain.generateAudio && !plain.watermark)
        #expect(plain.outputSize() == PixelSize(1280, 720) && plain.tokens(size: plain.outputSize()) == 108_900)
        let flagged = try rules.validate(GenerationRequest(
            model: model2, content: [.text("boat --rs 1080p --rt 21:9 --dur 8 --cf true --wm true --seed 9")]))
        #expect(flagged.prompt == "boat" && flagged.resolution == .p1080 && flagged.ratio == .r21x9)
        #expect(flagged.duration == 8)
        #expect(flagged.cameraFixed && flagged.watermark && flagged.seed == 9)
        #expect(flagged.outputSize() == PixelSize(2206, 946))
        let image = try rules.validate(GenerationRequest(model: model2, content: [.image(url: "https://e.com/a.png")]))
        #expect(image.ratio == .adaptive && image.outputSize() == PixelSize(1280, 720))
        #expect(image.outputSize(adaptiveSource: PixelSize(1000, 1000)) == PixelSize(960, 960))
        #expect(image.outputSize(adaptiveSource: PixelSize(1080, 1920)) == PixelSize(720, 1280))
        let v1 = try rules.validate(GenerationRequest(model: "doubao-seedance-1-0-lite-t2v-250428", content: [.text("x")],
                                                      resolution: .p1080, frames: 29))
        #expect(!v1.generateAudio && v1.usesFrames && v1.frameCount == 29 && v1.outputSize() == PixelSize(1920, 1088))
    }

    @Test func promptFlagsParseLeniently() {
        let flags = PromptFlags(parsing: "a red kite --rs 480P --rt 9:16 --dur x --foo bar --wm false")
        #expect(flags.resolution == .p480 && flags.ratio == .r9x16 && flags.duration == nil && flags.watermark == false)
        #expect(flags.prompt == "a red kite --foo bar")
    }

    @Test func dataURLs() {
        let url = DataURL("data:image/png;base64,aGVsbG8=")
        #expect(url?.format == "png" && url?.isBase64 == true && url?.data == Data("hello".utf8))
        #expect(DataURL("https://e.com") == nil)
    }
}
