import Foundation
import SeedanceAPI
import Testing

/// The wire types: what goes out, what comes in, and what is tolerated.
@Suite struct WireTypesTests {
    private func json(_ value: some Encodable) throws -> [String: Any] {
        let data = try JSONEncoder().encode(value)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func requestOmitsUnsetFieldsAndUsesWireNames() throws {
        let request = GenerationRequest(
            model: "doubao-seedance-2-0-260128",
            content: [.text("a kite"), .image(url: "https://e.com/a.png", role: .firstFrame)],
            generateAudio: false, resolution: .p720, ratio: .r16x9, duration: 5, returnLastFrame: true)
        let object = try json(request)
        #expect(Set(object.keys) == ["model", "content", "generate_audio", "resolution", "ratio", "duration",
                                     "return_last_frame"])
        let content = try #require(object["content"] as? [[String: Any]])
        #expect(Set(content[0].keys) == ["type", "text"])
        #expect(Set(content[1].keys) == ["type", "image_url", "role"])
        #expect((content[1]["image_url"] as? [String: String])?["url"] == "https://e.com/a.png")
        #expect(content[1]["role"] as? String == "first_frame")
        // Round trip.
        let back = try JSONDecoder().decode(GenerationRequest.self, from: try JSONEncoder().encode(request))
        #expect(back == request)
    }

    @Test func explicitNullsDecodeAsUnset() throws {
        let text = #"{"model":"m","content":[{"type":"text","text":"x","role":null}],"seed":null,"#
            + #""generate_audio":null,"ratio":null,"tools":null,"omni_reference_task_type":null}"#
        let request = try GenerationRequest.decode(Data(text.utf8))
        #expect(request.seed == nil && request.generateAudio == nil && request.ratio == nil && request.tools == nil)
        #expect(request.content == [.text("x")])
    }

    @Test func decodeErrorsNameTheField() {
        func failure(_ text: String) -> APIError? {
            do { _ = try GenerationRequest.decode(Data(text.utf8)); return nil } catch { return error }
        }
        #expect(failure(#"{"content":[]}"#)?.code == "MissingParameter")
        #expect(failure(#"{"model":"m","content":[],"duration":5.5}"#)?.param == "duration")
        #expect(failure(#"{"model":"m","content":[],"watermark":"yes"}"#)?.param == "watermark")
        #expect(failure(#"{"model":"m","content":[{"type":"text","text":5}]}"#)?.param == "content.text")
        #expect(failure(#"[1,2]"#)?.param == "body")
    }

    @Test func taskDecodingIsTolerant() throws {
        let text = #"{"id":"cgt-1","status":"processing","duration":5.04,"framespersecond":24.0,"#
            + #""failure_reason":{"code":"X","message":"y"},"brand_new":{"a":1},"seed":"12","#
            + #""usage":{"completion_tokens":10}}"#
        let task = try JSONDecoder().decode(GenerationTask.self, from: Data(text.utf8))
        #expect(task.status == .processing && task.status.isPending && !task.status.isTerminal)
        #expect(task.duration == 5.04 && task.framesPerSecond == 24 && task.seed == 12)
        #expect(task.error == TaskError(code: "X", message: "y"))
        #expect(task.usage == TaskUsage(completionTokens: 10, totalTokens: 10))
        let bare = try JSONDecoder().decode(GenerationTask.self,
                                            from: Data(#"{"id":"a","status":"failed","failure_reason":"Boom"}"#.utf8))
        #expect(bare.error?.code == "Boom")
        let list = try JSONDecoder().decode(TaskList.self, from: Data(#"{"items":null}"#.utf8))
        #expect(list.total == 0 && list.items.isEmpty)
    }

    @Test func taskEncodesErrorAsNullAndWholeDurations() throws {
        let task = GenerationTask(id: "cgt-1", status: .queued, duration: 5)
        let text = String(decoding: try JSONEncoder().encode(task), as: UTF8.self)
        #expect(text.contains(#""error":null"#) && text.contains(#""duration":5"#) && !text.contains("5.0"))
    }

    @Test func errorEnvelopeRoundTrips() throws {
        let envelope = APIErrorEnvelope(error: .invalidParameter("duration", "20 is out of range"))
        let object = try json(envelope)
        let error = try #require(object["error"] as? [String: Any])
        #expect(error["code"] as? String == "InvalidParameter" && error["param"] as? String == "duration")
        #expect(error["type"] as? String == "BadRequest")
        let back = try JSONDecoder().decode(APIErrorEnvelope.self, from: try JSONEncoder().encode(envelope))
        #expect(back.error.code == "InvalidParameter" && back.error.param == "duration")
    }
}
