import Foundation
import SeedanceAPI
import Testing

/// The seed's example, the client's checks and the cost estimate.
@Suite struct WireAndValidationTests {
    /// The seed's request exactly as `seed-seedance-2.0-image-to-video.txt` shows it (its trailing commas removed).
    static let seedJSON = """
        {"model":"doubao-seedance-2-0-260128","content":[{"type":"text","text":"Cute pet birthday scene, puppy \
        wearing a party hat in a cozy home setting, mini birthday cake, warm lighting, wagging tail and licking cream, \
        soft and heartwarming style, dynamic short video, HD 60fps, soft filter"},{"type":"image_url","image_url":\
        {"url":"https://docs.test.maxtoken.io/dog.png"},"role":"reference_image"},{"type":"image_url","image_url":\
        {"url":"https://docs.test.maxtoken.io/happy.png"},"role":"reference_image"}],"generate_audio":true,\
        "resolution":"720p","ratio":"16:9","duration":5,"camera_fixed":false,"watermark":true}
        """

    static let seedRequest = GenerationRequest(
        model: "doubao-seedance-2-0-260128",
        content: [
            .text("Cute pet birthday scene, puppy wearing a party hat in a cozy home setting, mini birthday cake, warm "
                + "lighting, wagging tail and licking cream, soft and heartwarming style, dynamic short video, HD 60fps, soft filter"),
            .image(url: "https://docs.test.maxtoken.io/dog.png", role: .referenceImage),
            .image(url: "https://docs.test.maxtoken.io/happy.png", role: .referenceImage),
        ],
        generateAudio: true, resolution: .p720, ratio: .r16x9, duration: 5, cameraFixed: false, watermark: true)

    @Test func seedRequestEncodesToTheSeedsJSON() throws {
        let encoded = try RequestChecks.encode(Self.seedRequest)
        #expect(String(decoding: encoded, as: UTF8.self) == Self.seedJSON)
    }

    @Test func unsetFieldsAreLeftOut() throws {
        let request = GenerationRequest(model: "doubao-seedance-2-0-260128", content: [.text("a kite")])
        let text = String(decoding: try RequestChecks.encode(request), as: UTF8.self)
        #expect(text == #"{"model":"doubao-seedance-2-0-260128","content":[{"type":"text","text":"a kite"}]}"#)
    }

    @Test func everyDocumentedFieldEncodes() throws {
        let request = GenerationRequest(
            model: "doubao-seedance-1-0-pro-250528", content: [.text("a kite"), .image(url: "asset://a1")],
            generateAudio: false, resolution: .p1080, ratio: .r9x16, frames: 121, seed: 42, cameraFixed: true,
            watermark: false, returnLastFrame: true, callbackURL: "https://example.com/cb", serviceTier: .flex,
            executionExpiresAfter: 3600, draft: false, safetyIdentifier: "user-1", priority: .number(1),
            tools: .array([.object(["type": .string("web_search")])]), outputFormat: .string("mp4"))
        let object = try #require(JSONSerialization.jsonObject(with: try RequestChecks.encode(request)) as? [String: Any])
        #expect(Set(object.keys) == ["model", "content", "generate_audio", "resolution", "ratio", "frames", "seed",
                                     "camera_fixed", "watermark", "return_last_frame", "callback_url", "service_tier",
                                     "execution_expires_after", "draft", "safety_identifier", "priority", "tools",
                                     "output_format"])
        let draft = GenerationRequest(model: "doubao-seedance-2-0-260128", content: [.draft(taskID: "cgt-1")])
        #expect(String(decoding: try RequestChecks.encode(draft), as: UTF8.self).contains(#"{"type":"draft_task","draft_task":{"id":"cgt-1"}}"#))
    }

    @Test func taskDecodingIsTolerant() throws {
        let json = #"{"id":"cgt-1","status":"processing","duration":5.5,"failure_reason":{"code":"X","message":"m"},"novel":{"a":1}}"#
        let task = try JSONDecoder().decode(GenerationTask.self, from: Data(json.utf8))
        #expect(task.status.rawValue == "processing" && !task.status.isTerminal)
        #expect(task.duration == 5.5 && task.error?.code == "X")
    }

    /// Each rule: the request, the param named, and a piece of the message (the allowed values).
    @Test(arguments: [
        (#"{"model":"doubao-seedance-2-0-260128","content":[{"type":"text","text":"a"}],"duration":16}"#, "duration", "4...15 or -1"),
        (#"{"model":"doubao-seedance-1-0-pro-250528","content":[{"type":"text","text":"a"}],"duration":1}"#, "duration", "2...12"),
        (#"{"model":"doubao-seedance-1-5-pro-251215","content":[{"type":"text","text":"a"}],"resolution":"4k"}"#, "resolution", "480p, 720p, 1080p"),
        (#"{"model":"dreamina-seedance-2-0-fast-260128","content":[{"type":"text","text":"a"}],"resolution":"4k"}"#, "resolution", "allowed: 480p, 720p)"),
        (#"{"model":"doubao-seedance-2-0-fast-260128","content":[{"type":"text","text":"a"}],"resolution":"1080p"}"#, "resolution", "allowed: 480p, 720p)"),
        (#"{"model":"doubao-seedance-2-0-260128","content":[{"type":"text","text":"a"}],"frames":121}"#, "frames", "1.0"),
        (#"{"model":"doubao-seedance-1-0-pro-250528","content":[{"type":"text","text":"a"}],"frames":30}"#, "frames", "25 + 4n"),
        (#"{"model":"doubao-seedance-2-0-260128","content":[{"type":"text","text":"a"}],"seed":4294967296}"#, "seed", "-1...4294967295"),
        (#"{"model":"doubao-seedance-2-0-260128","content":[{"type":"text","text":"a"}],"execution_expires_after":60}"#, "execution_expires_after", "3600...259200"),
        (#"{"model":"doubao-seedance-2-0-260128","content":[{"type":"image_url","image_url":{"url":"https://x.io/a.png"},"role":"first_frame"},{"type":"image_url","image_url":{"url":"https://x.io/b.png"},"role":"reference_image"}]}"#, "content.role", "do not mix"),
        (#"{"model":"doubao-seedance-2-0-260128","content":[{"type":"image_url","image_url":{"url":"https://x.io/a.png"},"role":"last_frame"}]}"#, "content.role", "first_frame"),
        (#"{"model":"doubao-seedance-2-0-260128","content":[{"type":"image_url","image_url":{"url":"data:image/PNG;base64,iVBORw0KGgo="}}]}"#, "content.image_url.url", "lowercase"),
        (#"{"model":"doubao-seedance-2-0-260128","content":[{"type":"video_url","video_url":{"url":"https://x.io/v.mp4"},"role":"reference_image"}]}"#, "content.role", "not allowed"),
        (#"{"model":"doubao-seedance-2-0-260128","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"https://x.io/a.png"},"role":"reference_image"}],"camera_fixed":true}"#, "camera_fixed", "reference"),
    ])
    func validationNamesTheFieldAndTheAllowedValues(body: String, param: String, fragment: String) throws {
        let request = try GenerationRequest.decode(Data(body.utf8))
        do {
            _ = try RequestChecks.validate(request)
            Issue.record("accepted: \(body)")
        } catch {
            #expect(error.kind == .invalidRequest)
            #expect(error.param == param, "\(error)")
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }

    @Test func bodiesOver64MBAreRefusedBeforeSending() throws {
        let big = String(repeating: "A", count: 65 * 1024 * 1024)
        let request = GenerationRequest(model: "doubao-seedance-2-0-260128",
                                        content: [.text("a"), .image(url: "data:image/png;base64,\(big)")])
        #expect { try RequestChecks.encode(request) } throws: { error in
            (error as? ClientError)?.param != nil
        }
        let ok = GenerationRequest(model: "doubao-seedance-2-0-260128", content: [.text("a")])
        #expect(throws: ClientError.self) { try RequestChecks.validate(ok, bodySize: 64 * 1024 * 1024 + 1) }
    }

    @Test func costEstimateFollowsTheDocumentedFormula() throws {
        let estimate = try CostEstimate(request: Self.seedRequest)
        #expect(estimate.width == 1280 && estimate.height == 720 && estimate.frames == 121)
        #expect(estimate.tokens == 108_900)
        let v1 = GenerationRequest(model: "doubao-seedance-1-0-pro-250528", content: [.text("a")],
                                   resolution: .p1080, ratio: .r16x9, duration: 5)
        #expect(try CostEstimate(request: v1).tokens == 246_840)
        #expect(estimate.compare(with: TaskUsage(completionTokens: 108_900, totalTokens: 108_900))
            == "billed 108900 tokens (estimate 108900, +0.0%)")
    }

    @Test func keyAndConfigurationNeverShowTheSecret() throws {
        let key = try #require(APIKey("sk-secret-123"))
        #expect("\(key)" == "[redacted]" && String(reflecting: key) == "APIKey([redacted])")
        let configuration = ClientConfiguration(apiKey: key)
        #expect(!"\(configuration)".contains("sk-secret-123"))
        #expect(ClientConfiguration(baseURL: URL(string: "http://45.32.108.182:15555/api/v3")!).warnings.count == 1)
        #expect(ClientConfiguration(baseURL: URL(string: "http://127.0.0.1:8123/api/v3")!).warnings.isEmpty)
        #expect(ClientConfiguration(baseURL: URL(string: "https://ark.cn-beijing.volces.com/api/v3")!).warnings.isEmpty)
        #expect(ClientConfiguration.parseBaseURL("ftp://x") == nil)
        #expect(ClientConfiguration.parseBaseURL("http://h:1/api/v3/")?.absoluteString == "http://h:1/api/v3")
    }
}
