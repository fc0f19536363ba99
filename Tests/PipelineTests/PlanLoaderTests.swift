import Pipeline
import Testing

@Suite struct PlanLoaderTests {
    let yaml = """
        name: puppy birthday
        defaults:
          model: doubao-seedance-2-0-260128
          resolution: 720p
          ratio: "16:9"
          duration: 5
          audio: true
          watermark: false
          seed: 7
        shots:
          - id: intro
            prompt: A puppy in a party hat
            images:
              - path: dog.png
                role: first_frame
          - prompt: The puppy licks the cake
            first_frame: previous
            duration: 4
          - prompt: Wide shot of the party
            images: [https://example.com/happy.png]
        """

    @Test func readsDefaultsShotsOverridesAndReferences() throws {
        let plan = try PlanLoader.parse(yaml, file: "plan.yaml")
        #expect(plan.name == "puppy birthday")
        #expect(plan.defaults.resolution == "720p" && plan.defaults.duration == 5 && plan.defaults.seed == 7)
        #expect(plan.shots.map(\.id) == ["intro", "shot-02", "shot-03"])
        #expect(plan.shots[0].references == [PlanReference(kind: .image, source: "dog.png", role: "first_frame")])
        #expect(plan.shots[1].firstFrameFromPrevious)
        #expect(plan.shots[1].settings.over(plan.defaults).duration == 4)
        #expect(plan.shots[2].settings.over(plan.defaults).duration == 5)
        #expect(plan.shots[2].references.first?.isURL == true)
        #expect(plan.shots[1].line == 16)
    }

    @Test func jsonPlansReadToo() throws {
        let json = #"{"defaults": {"duration": 4}, "shots": [{"prompt": "a cat"}, {"prompt": "a dog", "audio": false}]}"#
        let plan = try PlanLoader.parse(json, file: "plan.json")
        #expect(plan.shots.count == 2)
        #expect(plan.shots[1].settings.audio == false)
    }

    func expectError(_ text: String, line: Int?, field: String?, mentioning words: [String],
                     sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try PlanLoader.parse(text, file: "plan.yaml")
            Issue.record("parsed", sourceLocation: sourceLocation)
        } catch let error as PlanError {
            #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
            #expect(error.field == field, "\(error)", sourceLocation: sourceLocation)
            for word in words {
                #expect(error.description.contains(word), "\(error)", sourceLocation: sourceLocation)
            }
            #expect(error.description.hasPrefix("plan.yaml"), sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func wrongTypeNamesLineAndField() {
        expectError("shots:\n  - prompt: a\n  - prompt: b\n    duration: five\n", line: 4, field: "shots[1].duration",
                    mentioning: ["whole number", "five"])
    }

    @Test func unknownFieldSuggestsTheRightOne() {
        expectError("defaults:\n  durration: 5\nshots:\n  - prompt: a\n", line: 2, field: "defaults.durration",
                    mentioning: ["did you mean duration?"])
    }

    @Test func missingPrompt() {
        expectError("shots:\n  - id: a\n    duration: 5\n", line: 2, field: "shots[0].prompt", mentioning: ["prompt"])
    }

    @Test func badRole() {
        expectError("shots:\n  - prompt: a\n    images:\n      - path: x.png\n        role: hero\n", line: 5,
                    field: "shots[0].images[0].role", mentioning: ["first_frame"])
    }

    @Test func duplicateIdsAndFirstShotFromPrevious() {
        expectError("shots:\n  - id: a\n    prompt: x\n  - id: a\n    prompt: y\n", line: 4, field: "shots[1].id",
                    mentioning: ["already"])
        expectError("shots:\n  - prompt: x\n    first_frame: previous\n", line: 2, field: "shots[0].first_frame",
                    mentioning: ["no previous shot"])
    }

    @Test func syntaxErrorsNameTheLine() {
        expectError("shots:\n  - prompt: [unclosed\n  - prompt: b\n", line: 3, field: nil, mentioning: ["not valid YAML"])
    }

    @Test func unsafeIdsAreRefused() {
        expectError("shots:\n  - id: ../../etc\n    prompt: x\n", line: 2, field: "shots[0].id", mentioning: ["letters"])
    }
}
