import Foundation
import Testing
import TestSupport

/// The rule every `.enabled(if:)` condition goes through: a missing tool skips a test, except when every test is
/// required (`SEEDANCE_REQUIRE_ALL_TESTS=1`, set under CI), where it fails the test instead.
@Suite struct TestConditionsTests {
    @Test func aMissingNeedSkipsUnlessEveryTestIsRequired() throws {
        #expect(try TestConditions.need("a tool", true, requireAll: false))
        #expect(try TestConditions.need("a tool", true, requireAll: true))
        #expect(try !TestConditions.need("a tool", false, requireAll: false))
        let error = try #require(throws: MissingRequirement.self) {
            _ = try TestConditions.need("the ffmpeg CLI", false, requireAll: true)
        }
        #expect(error.description.contains("the ffmpeg CLI") && error.description.contains("SEEDANCE_REQUIRE_ALL_TESTS"))
    }

    /// Every `.enabled(if:)` in the test targets goes through `TestConditions` (a bare condition would skip
    /// silently under CI).
    @Test func everyConditionGoesThroughTestConditions() throws {
        let tests = FixturePaths.packageRoot.appendingPathComponent("Tests")
        let files = FileManager.default.enumerator(atPath: tests.path)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") } ?? []
        var bare: [String] = []
        for file in files where !file.hasSuffix("TestConditions.swift") && !file.hasSuffix("TestConditionsTests.swift") {
            let text = try String(contentsOf: tests.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") where line.contains(".enabled(if:")
                && !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                let usesHelper = line.contains(".enabled(if: try TestConditions.") || line.contains(".enabled(if: try available")
                if !usesHelper { bare.append("\(file): \(line.trimmingCharacters(in: .whitespaces))") }
            }
        }
        #expect(bare.isEmpty, "conditions that bypass TestConditions: \(bare)")
    }
}
