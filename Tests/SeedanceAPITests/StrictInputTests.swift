import Foundation
import SeedanceAPI
import Testing

/// Strict JSON (what the service's decoder takes) and the input-image checks shared by client and simulator.
@Suite struct StrictInputTests {
    @Test(arguments: [
        (#"{"a":1,}"#, 1, true),
        ("{\n\"a\": [1,\n2,\n]\n}", 3, true),
        (#"{"a":1} x"#, 1, false),
        ("{\n// note\n\"a\":1}", 2, false),
        (#"{"a":01}"#, 1, false),
        (#"{'a':1}"#, 1, false),
        ("{\"a\":\"x\ny\"}", 1, false),
        (#"[1 2]"#, 1, false),
    ])
    func invalidJSONIsRefusedNamingTheLine(text: String, line: Int, trailing: Bool) {
        #expect { try StrictJSON.check(Data(text.utf8)) } throws: { error in
            guard let problem = error as? StrictJSON.Problem else { return false }
            return problem.line == line && problem.isTrailingComma == trailing
        }
    }

    @Test func strictJSONPassesAndTrailingCommasAreRemovedOnlyOutsideStrings() throws {
        try StrictJSON.check(Data(#"  {"a":[1,-2.5e3,true,null,"x,]\"\u00e9"],"b":{}}  "#.utf8))
        let text = "{\n  \"a\": \"x,}\",\n  \"b\": [1, 2,\n  ],\n}\n"
        let (fixed, lines) = StrictJSON.removingTrailingCommas(Data(text.utf8))
        #expect(lines == [3, 4])
        #expect(String(decoding: fixed, as: UTF8.self) == "{\n  \"a\": \"x,}\",\n  \"b\": [1, 2\n  ]\n}\n")
        try StrictJSON.check(fixed)
    }

    @Test func theServiceRefusesTrailingCommasInACreateBody() {
        #expect { try GenerationRequest.decode(Data(#"{"model":"m","content":[],}"#.utf8)) } throws: { error in
            let error = error as? APIError
            return error?.param == "body" && error?.message.contains("line 1") == true
        }
    }

    @Test func imageFactsComeFromTheBytes() throws {
        let png = pngHeader(width: 1280, height: 720)
        let facts = try ImageChecks.check(png)
        #expect(facts == ImageFacts(format: "png", width: 1280, height: 720))
        #expect(ImageChecks.facts(of: gifHeader(width: 400, height: 300))?.size == PixelSize(400, 300))
        #expect(ImageChecks.facts(of: jpegHeader(width: 640, height: 480)) == ImageFacts(format: "jpeg", width: 640,
                                                                                          height: 480))
    }

    @Test(arguments: [
        (100, 100, "100x100: each side must be 300...6000 px"),
        (6001, 3000, "6001x3000: each side must be 300...6000 px"),
        (3000, 1000, "3000x1000: width/height 3.00 must be within 0.4...2.5"),
    ])
    func imagesOutsideTheLimitsAreRefusedNamingTheRule(width: Int, height: Int, reason: String) {
        #expect { try ImageChecks.check(pngHeader(width: width, height: height)) } throws: { error in
            (error as? ImageChecks.Problem)?.reason == reason
        }
    }

    @Test func notAnImageIsRefused() {
        #expect { try ImageChecks.check(Data("hello world, not an image".utf8)) } throws: { error in
            (error as? ImageChecks.Problem)?.reason.contains("not a JPEG, PNG") == true
        }
    }

    @Test func fourKOnlyOnTwoZeroStandardAnd1080pNotOnFast() throws {
        func check(_ model: String, _ resolution: Resolution) -> String? {
            let request = GenerationRequest(model: model, content: [.text("a")], resolution: resolution)
            do { _ = try RequestValidation().validate(request); return nil } catch { return error.param }
        }
        #expect(check("doubao-seedance-2-0-260128", .k4) == nil)
        #expect(check("doubao-seedance-2-0-fast-260128", .k4) == "resolution")
        #expect(check("doubao-seedance-2-0-fast-260128", .p1080) == "resolution")
        #expect(check("doubao-seedance-2-0-fast-260128", .p720) == nil)
        #expect(check("doubao-seedance-1-5-pro-251215", .k4) == "resolution")
        #expect(check("ep-20250101-abc", .k4) == nil)
    }

    @Test func aDraftIs480pAndCheaperByTheFormula() throws {
        let draft = GenerationRequest(model: "doubao-seedance-2-0-260128", content: [.text("a")], draft: true)
        let full = GenerationRequest(model: "doubao-seedance-2-0-260128", content: [.text("a")])
        let d = try RequestValidation().validate(draft), f = try RequestValidation().validate(full)
        #expect(d.resolution == .p480 && f.resolution == .p720)
        #expect(d.tokens(size: d.outputSize()) < f.tokens(size: f.outputSize()))
        var wrong = draft
        wrong.resolution = .p1080
        #expect(throws: APIError.self) { try RequestValidation().validate(wrong) }
    }

    @Test func explicitDefaultsApplyOnlyWhereTheFieldApplies() throws {
        let text = GenerationRequest(model: "doubao-seedance-2-0-260128", content: [.text("a --rs 1080p")])
        let filled = ExplicitDefaults.filled(text, resolved: try RequestValidation().validate(text))
        #expect(filled.generateAudio == true && filled.resolution == .p1080 && filled.ratio == .r16x9)
        #expect(filled.duration == 5 && filled.cameraFixed == false && filled.watermark == false)
        #expect(filled.seed == -1 && filled.serviceTier == nil && filled.executionExpiresAfter == 172_800)
        let reference = GenerationRequest(model: "doubao-seedance-2-0-260128",
                                          content: [.text("a"), .image(url: "https://e.com/a.png", role: .referenceImage)])
        let filledReference = ExplicitDefaults.filled(reference, resolved: try RequestValidation().validate(reference))
        #expect(filledReference.cameraFixed == nil)
        let older = GenerationRequest(model: "doubao-seedance-1-0-pro-250528", content: [.text("a")])
        let filledOlder = ExplicitDefaults.filled(older, resolved: try RequestValidation().validate(older))
        #expect(filledOlder.serviceTier == .default && filledOlder.generateAudio == nil && filledOlder.resolution == .p1080)
        try RequestValidation().validate(filledOlder)
        try RequestValidation().validate(filledReference)
    }
}

/// The first bytes of a PNG: signature and IHDR (enough for `ImageChecks`, which reads headers only).
func pngHeader(width: Int, height: Int) -> Data {
    var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]
    for value in [width, height] { bytes += [24, 16, 8, 0].map { UInt8((value >> $0) & 0xFF) } }
    bytes += [8, 2, 0, 0, 0, 0, 0, 0, 0]
    return Data(bytes)
}

func gifHeader(width: Int, height: Int) -> Data {
    Data(Array("GIF89a".utf8) + [UInt8(width & 0xFF), UInt8(width >> 8), UInt8(height & 0xFF), UInt8(height >> 8), 0, 0, 0])
}

/// SOI, an APP0 segment, then SOF0 with the size.
func jpegHeader(width: Int, height: Int) -> Data {
    var bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16] + Array("JFIF\0".utf8) + [1, 1, 0, 0, 1, 0, 1, 0, 0]
    bytes += [0xFF, 0xC0, 0, 17, 8, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF),
              3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]
    return Data(bytes)
}
