import Foundation
import Pipeline
import Testing
import TestSupport

@Suite struct JobStoreTests {
    @Test func attemptsAreRecordedBeforeAndAfterAndSurviveReopening() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.sqlite").path
        do {
            let store = try JobStore(path: path)
            try store.setMeta("plan", "plan.yaml")
            try store.addShot(ShotRecord(id: "a", position: 0, request: "{}", estimatedTokens: 108_900))
            try store.addShot(ShotRecord(id: "b", position: 1, request: "{}"))
            var attempt = try store.beginAttempt(shotID: "a", reason: "first", markerSeed: 1234)
            #expect(attempt.number == 1 && attempt.state == .creating)
            #expect(try store.shot("a")?.state == .creating)
            attempt.state = .created
            attempt.taskID = "cgt-1"
            try store.updateAttempt(attempt, shot: { $0.state = .queued; $0.taskID = "cgt-1" }, detail: "created cgt-1")
            _ = try store.beginAttempt(shotID: "b", reason: "first", markerSeed: 99)
        }
        // As after a kill: a new process opens the same file.
        let store = try JobStore(path: path)
        #expect(try store.meta("plan") == "plan.yaml")
        #expect(try store.shots().map(\.id) == ["a", "b"])
        #expect(try store.shot("a")?.taskID == "cgt-1")
        #expect(try store.shot("a")?.estimatedTokens == 108_900)
        let open = try store.allAttempts().filter { $0.state == .creating }
        #expect(open.map(\.shotID) == ["b"] && open.first?.markerSeed == 99)
        #expect(try store.events(shotID: "a").map(\.state) == ["pending", "creating", "queued"])
        // Adding a shot again (resume) keeps what was recorded.
        try store.addShot(ShotRecord(id: "a", position: 0, request: "{}"))
        #expect(try store.shot("a")?.state == .queued)
        let second = try store.beginAttempt(shotID: "a", reason: "qa failed", markerSeed: 5)
        #expect(second.number == 2)
        #expect(try store.shot("a")?.attempts == 2)
    }
}

@Suite struct JobStoreReadOnlyTests {
    @Test func watchersNeverCreateOrMigrate() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.sqlite").path
        #expect(throws: (any Error).self) { try JobStore(path: path, readOnly: true) }
        #expect(!FileManager.default.fileExists(atPath: path))
        let writer = try JobStore(path: path)
        try writer.addShot(ShotRecord(id: "a", position: 0, request: "{}"))
        let reader = try JobStore(path: path, readOnly: true)
        #expect(try reader.shots().map(\.id) == ["a"])
        #expect(throws: (any Error).self) { try reader.setMeta("k", "v") }
    }
}
