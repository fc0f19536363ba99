import Foundation
import Pipeline
import QA
import SeedanceAPI
import Testing
import TestSupport

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

    // MARK: the API's field names

    let apiNames = """
        defaults:
          generate_audio: false
          watermark: true
          return_last_frame: true
          seed: 11
          service_tier: default
          execution_expires_after: 7200
          safety_identifier: user-42
        shots:
          - prompt: A kite over the dunes
            camera_fixed: true
            draft: true
          - prompt: The kite lands
            model: doubao-seedance-1-0-pro-250528
            frames: 57
            service_tier: flex
            return_last_frame: false
        """

    @Test func apiNamesAreAcceptedAndReachTheRequest() throws {
        let plan = try PlanLoader.parse(apiNames, file: "/tmp/plan.yaml")
        #expect(plan.defaults.audio == false)
        #expect(plan.defaults.lines?["generate_audio"] == 2)
        let builder = ShotRequestBuilder(planFile: "/tmp/plan.yaml")
        let first = try builder.request(for: plan.shots[0], index: 0, defaults: plan.defaults)
        #expect(first.generateAudio == false)
        #expect(first.watermark == true)
        #expect(first.returnLastFrame == true)
        #expect(first.seed == 11)
        #expect(first.serviceTier == .default)
        #expect(first.executionExpiresAfter == 7200)
        #expect(first.safetyIdentifier == "user-42")
        #expect(first.cameraFixed == true)
        #expect(first.draft == true)
        #expect(first.frames == nil && first.duration == 5)

        let second = try builder.request(for: plan.shots[1], index: 1, defaults: plan.defaults)
        #expect(second.model == "doubao-seedance-1-0-pro-250528")
        #expect(second.frames == 57)
        #expect(second.duration == nil, "a frame count wins: no default duration beside it")
        #expect(second.serviceTier == .flex)
        #expect(second.returnLastFrame == false)
        #expect(second.draft == nil && second.cameraFixed == nil)
        #expect(second.safetyIdentifier == "user-42")
    }

    @Test func storedSettingsRoundTripAndOldOnesStillDecode() throws {
        let plan = try PlanLoader.parse(apiNames, file: "plan.yaml")
        let decoded = try JSONDecoder().decode(Plan.self, from: try JSONEncoder().encode(plan))
        #expect(decoded == plan)
        let old = #"{"model": "m", "audio": true, "camera_fixed": false}"#
        let settings = try JSONDecoder().decode(ShotSettings.self, from: Data(old.utf8))
        #expect(settings == ShotSettings(model: "m", audio: true, cameraFixed: false))
    }

    @Test func theShortAndTheAPINameOfOneFieldConflict() {
        expectError("shots:\n  - prompt: a\n    audio: true\n    generate_audio: false\n", line: 4,
                    field: "shots[0].generate_audio", mentioning: ["audio and generate_audio", "line 3", "only one"])
        expectError("defaults:\n  generate_audio: true\n  audio: true\nshots:\n  - prompt: a\n", line: 3,
                    field: "defaults.audio", mentioning: ["audio and generate_audio", "line 2"])
    }

    @Test func badAPIValuesNameTheirOwnLine() {
        expectError("shots:\n  - prompt: a\n    service_tier: cheap\n", line: 3, field: "shots[0].service_tier",
                    mentioning: ["\"cheap\" is not a service tier", "default, flex"])
        expectError("shots:\n  - prompt: a\n    execution_expires_after: 60\n", line: 3,
                    field: "shots[0].execution_expires_after", mentioning: ["3600...259200"])
        expectError("shots:\n  - prompt: a\n    frames: 30\n", line: 3, field: "shots[0].frames",
                    mentioning: ["25 + 4n"])
        expectError("shots:\n  - prompt: a\n    draft: maybe\n", line: 3, field: "shots[0].draft",
                    mentioning: ["true or false"])
    }

    // MARK: errors in the defaults

    @Test func aBadDefaultNamesTheDefaultsLineNotTheFirstShot() throws {
        let text = "name: x\ndefaults:\n  resolution: 9000p\nshots:\n  - prompt: a\n"
        expectError(text, line: 3, field: "defaults.resolution", mentioning: ["\"9000p\" is not a resolution"])
        let error = #expect(throws: PlanError.self) { _ = try PlanLoader.parse(text, file: "plan.yaml") }
        #expect(error?.description.hasPrefix("plan.yaml:3: defaults.resolution: \"9000p\" is not a resolution; ") == true)
        expectError("defaults:\n  ratio: 5:4\nshots:\n  - prompt: a\n", line: 2, field: "defaults.ratio",
                    mentioning: ["not a ratio"])
        expectError("defaults:\n  seed: 99999999999\nshots:\n  - prompt: a\n", line: 2, field: "defaults.seed",
                    mentioning: ["-1...4294967295"])
        // With a model, the service's rules for it apply to the defaults on their own.
        expectError("defaults:\n  model: doubao-seedance-2-0-260128\n  duration: 99\nshots:\n  - prompt: a\n",
                    line: 3, field: "defaults.duration", mentioning: ["out of range: 4...15"])
        expectError("defaults:\n  model: doubao-seedance-1-0-pro-250528\n  audio: true\nshots:\n  - prompt: a\n",
                    line: 3, field: "defaults.audio", mentioning: ["make no audio"])
        expectError("defaults:\n  model: doubao-seedance-1-5-pro-251215\n  resolution: 4k\nshots:\n  - prompt: a\n",
                    line: 3, field: "defaults.resolution", mentioning: ["not available on Seedance 1.5"])
    }

    @Test func aDefaultThatFailsForAShotNamesTheDefaults() throws {
        // No model in the defaults: the duration is checked when a shot uses it, and named where it was written.
        let plan = try PlanLoader.parse("defaults:\n  duration: 99\nshots:\n  - prompt: a\n  - prompt: b\n    duration: 40\n",
                                        file: "plan.yaml")
        let builder = ShotRequestBuilder(planFile: "plan.yaml")
        do {
            _ = try builder.request(for: plan.shots[0], index: 0, defaults: plan.defaults)
            Issue.record("built")
        } catch let error as PlanError {
            #expect(error.line == 2 && error.field == "defaults.duration", "\(error)")
            #expect(error.reason.contains("out of range"))
        }
        // The shot's own value is named as the shot's, at its line.
        do {
            _ = try builder.request(for: plan.shots[1], index: 1, defaults: plan.defaults)
            Issue.record("built")
        } catch let error as PlanError {
            #expect(error.line == 6 && error.field == "shots[1].duration", "\(error)")
        }
        // Settings made in code (no lines recorded) keep naming the shot.
        do {
            _ = try builder.request(for: PlanShot(id: "s", prompt: "a"), index: 0, defaults: ShotSettings(duration: 99))
            Issue.record("built")
        } catch let error as PlanError {
            #expect(error.field == "shots[0].duration", "\(error)")
        }
    }

    @Test func theExampleOfTheDocsReadsAndBuilds() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/plans.md")
        let page = try String(contentsOf: url, encoding: .utf8)
        let start = try #require(page.range(of: "## Example\n\n```yaml\n"))
        let end = try #require(page.range(of: "```", range: start.upperBound..<page.endIndex))
        let plan = try PlanLoader.parse(String(page[start.upperBound..<end.lowerBound]), file: "plan.yaml")
        #expect(plan.shots.map(\.id) == ["launch", "climb", "lite"])
        let builder = ShotRequestBuilder(planFile: "plan.yaml")
        // The first shot's image is not in the docs folder; the other two build.
        let climb = try builder.request(for: plan.shots[1], index: 1, defaults: plan.defaults)
        #expect(climb.duration == 8 && climb.returnLastFrame == true && climb.generateAudio == true)
        let lite = try builder.request(for: plan.shots[2], index: 2, defaults: plan.defaults)
        #expect(lite.frames == 121 && lite.serviceTier == .flex && lite.generateAudio == false)
        #expect(lite.executionExpiresAfter == 7200 && lite.safetyIdentifier == "user-42")
    }

    @Test func qaThresholdsAreReadCheckedAndApplied() throws {
        let plan = try PlanLoader.parse("""
            qa:
              pause: 2
              silent_share: 0.6
            shots:
              - prompt: A cat
            """, file: "p.yaml")
        #expect(plan.qa == ["pause": 2, "silent-share": 0.6])
        let thresholds = try plan.thresholds(over: QAThresholds())
        #expect(thresholds.pause == 2 && thresholds.silentShare == 0.6 && thresholds.frameTolerance == 3)
        // Stored plans round-trip the mapping; plans stored before it existed still decode.
        let stored = try JSONDecoder().decode(Plan.self, from: JSONEncoder().encode(plan))
        #expect(stored.qa == plan.qa)
        let old = try JSONDecoder().decode(Plan.self, from: Data(#"{"defaults":{},"shots":[]}"#.utf8))
        #expect(old.qa == nil)
        #expect(try old.thresholds(over: QAThresholds()) == QAThresholds())

        let unknown = #expect(throws: PlanError.self) {
            try PlanLoader.parse("qa:\n  loudness: 3\nshots:\n  - prompt: A cat\n", file: "p.yaml")
        }
        #expect(unknown?.description.hasPrefix("p.yaml:2: qa.loudness: no such threshold (known: frame-tolerance") == true)
        let bad = #expect(throws: PlanError.self) {
            try PlanLoader.parse("shots:\n  - prompt: A cat\nqa:\n  silent-share: 2\n", file: "p.yaml")
        }
        #expect(bad?.description == "p.yaml:4: qa.silent-share: expected a share above 0 and at most 1; got 2.0")
        let word = #expect(throws: PlanError.self) {
            try PlanLoader.parse("shots:\n  - prompt: A cat\nqa:\n  pause: long\n", file: "p.yaml")
        }
        #expect(word?.description == "p.yaml:4: qa.pause: expected a number")
    }

    @Test func aLoudnessTargetIsReadAndChecked() throws {
        let plan = try PlanLoader.parse("loudness: -23\nshots:\n  - prompt: A cat\n", file: "p.yaml")
        #expect(plan.loudness == -23)
        let stored = try JSONDecoder().decode(Plan.self, from: JSONEncoder().encode(plan))
        #expect(stored.loudness == -23)
        for bad in ["loudness: 5", "loudness: loud", "loudness: [1]"] {
            let error = #expect(throws: PlanError.self) {
                try PlanLoader.parse(bad + "\nshots:\n  - prompt: A cat\n", file: "p.yaml")
            }
            #expect(error?.description == "p.yaml:1: loudness: expected a loudness in LUFS between -70 and 0, such as -16")
        }
    }

    /// Files that are not plans fail with a PlanError naming the file: bytes that are not UTF-8, a file far over any
    /// plan's size (refused before it is read whole), an empty file.
    @Test func filesThatAreNotPlanTextAreNamed() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let binary = dir.appendingPathComponent("binary.yaml").path
        #expect(FileManager.default.createFile(atPath: binary, contents: Data([0x73, 0x68, 0xFF, 0xFE, 0x0A])))
        let notText = try #require(throws: PlanError.self) { _ = try PlanLoader.load(path: binary) }
        #expect(notText.description == "\(binary): the plan file is not UTF-8 text")

        let huge = dir.appendingPathComponent("huge.json").path
        #expect(FileManager.default.createFile(atPath: huge, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: huge))
        try handle.truncate(atOffset: 17 << 20)
        try handle.close()
        let tooBig = try #require(throws: PlanError.self) { _ = try PlanLoader.load(path: huge) }
        #expect(tooBig.description.hasPrefix(huge) && tooBig.reason.contains("over 16 MB"), "\(tooBig)")

        let empty = dir.appendingPathComponent("empty.yaml").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        let none = try #require(throws: PlanError.self) { _ = try PlanLoader.load(path: empty) }
        #expect(none.description.hasPrefix(empty), "\(none)")
    }
}
