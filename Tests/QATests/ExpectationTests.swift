import Foundation
import QA
import struct QA.Expectation
import SeedanceAPI
import Testing
import TestSupport

@Suite struct ExpectationTests {
    private func data(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: FixturePaths.fixture("qa/\(name)")))
    }

    @Test func seedRequestBody() throws {
        // The seed's body as published, trailing commas included.
        let e = try Expectation.fromRequestBody(try data("request-seed.json"), file: "request-seed.json")
        #expect(e.model == "doubao-seedance-2-0-260128" && e.family == .v2)
        #expect(e.resolution == .p720 && e.ratio == .r16x9)
        #expect(e.length == .seconds(5) && e.expectedFrames == 121...121)
        #expect(e.generateAudio)
        #expect(e.notes.isEmpty)
    }

    @Test func legacyTextFlagsAndDefaults() throws {
        let e = try Expectation.fromRequestBody(try data("request-legacy-text.json"), file: "x.json")
        #expect(e.family == .v1_0)
        #expect(e.resolution == .p1080 && e.ratio == .r9x16 && e.length == .seconds(4))
        #expect(e.generateAudio)
        #expect(e.notes == ["the request gives no generate_audio: assuming true (the API's default)"])

        let bare = Data(#"{"model":"ep-2025","content":[{"type":"image_url","role":"first_frame"}]}"#.utf8)
        let d = try Expectation.fromRequestBody(bare, file: "b.json")
        #expect(d.ratio == .adaptive && d.resolution == .p720 && d.length == .seconds(5))
        #expect(d.family == .v2)
        #expect(d.notes.contains { $0.contains("ep-2025") })
        #expect(d.notes.count == 5)
    }

    @Test func framesWinOverDurationAndMinusOneIsAutomatic() throws {
        let frames = Data(#"{"model":"doubao-seedance-1-0-lite-i2v-250428","frames":57,"duration":5}"#.utf8)
        #expect(try Expectation.fromRequestBody(frames, file: "f.json").expectedFrames == 57...57)
        let auto = Data(#"{"model":"doubao-seedance-2-0-260128","duration":-1,"resolution":"480p","ratio":"1:1"}"#.utf8)
        #expect(try Expectation.fromRequestBody(auto, file: "a.json").expectedFrames == 97...361)
    }

    @Test func taskObjectsGiveWhatWasMade() throws {
        let e = try Expectation.fromTaskObject(try data("task-2s.json"), file: "task-2s.json")
        #expect(e.length == .seconds(2.041667))
        #expect(e.expectedFrames == 49...49)
        #expect(e.notes.isEmpty)
        let running = try Expectation.fromTaskObject(try data("task-running.json"), file: "t.json")
        #expect(!running.generateAudio)
        #expect(running.notes == ["the task's status is running, not succeeded"])
    }

    @Test func malformedDocumentsNameTheField() throws {
        #expect(throws: ExpectationError(file: "r.json", field: "duration", reason: "expected a whole number")) {
            try Expectation.fromRequestBody(try data("request-bad-duration.json"), file: "r.json")
        }
        #expect(throws: ExpectationError(file: "r.json", field: "content[1].role", reason: "expected a string")) {
            try Expectation.fromRequestBody(try data("request-bad-role.json"), file: "r.json")
        }
        #expect(throws: ExpectationError(file: "r.json", field: "model", reason: "missing")) {
            try Expectation.fromRequestBody(Data(#"{"content":[]}"#.utf8), file: "r.json")
        }
        do {
            _ = try Expectation.fromRequestBody(Data("{\"model\": \"x\",\n \"duration\": 5 \"ratio\": 1}".utf8),
                                                file: "r.json")
            Issue.record("accepted broken JSON")
        } catch {
            #expect(error.description == "r.json: not valid JSON (invalid JSON at line 2, column 16)")
        }
        do {
            _ = try Expectation.fromRequestBody(Data(#"{"model":"x","resolution":"900p"}"#.utf8), file: "r.json")
            Issue.record("accepted 900p")
        } catch {
            #expect(error.field == "resolution")
            #expect(error.reason.contains("\"900p\" is not a resolution"))
        }
        #expect(throws: ExpectationError.self) {
            try Expectation.fromTaskObject(try data("task-no-resolution.json"), file: "t.json")
        }
    }

    @Test func flags() throws {
        let e = try Expectation.fromFlags(model: nil, resolution: "1080P", ratio: "21:9", duration: 8, generateAudio: nil)
        #expect(e.model == Expectation.defaultModel)
        #expect(e.resolution == .p1080 && e.ratio == .r21x9 && e.expectedFrames == 193...193)
        #expect(e.generateAudio)
        #expect(e.notes.count == 2)
        #expect(throws: ExpectationError.self) {
            try Expectation.fromFlags(model: nil, resolution: "720p", ratio: "2:1", duration: 5, generateAudio: true)
        }
        #expect(throws: ExpectationError.self) {
            try Expectation.fromFlags(model: nil, resolution: "720p", ratio: "16:9", duration: 0, generateAudio: true)
        }
    }
}
