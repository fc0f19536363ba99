import Foundation
import Media
@testable import SeedanceCLI
import SeedanceAPI
import Testing
import TestSupport

/// Tables fit the width they are given (the terminal's, or 80 columns when stdout is not a terminal): cells wrap
/// within their column and no line is longer.
@Suite struct TableWidthTests {
    /// Every probe fixture that opens (real deliveries, rotated phone clips, long names).
    static func probedFixtures() throws -> [MediaInfo] {
        let folder = FixturePaths.fixtures.appendingPathComponent("probe")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mp4") }.sorted()
        return names.compactMap { try? probe(folder.appendingPathComponent($0).path) }
    }

    @Test func theWidthIsTheTerminalsOrEightyAndColumnsOverridesIt() {
        #expect(TerminalWidth.columns(environment: [:], isTerminal: false, terminal: { 200 }) == 80)
        #expect(TerminalWidth.columns(environment: [:], isTerminal: true, terminal: { 132 }) == 132)
        #expect(TerminalWidth.columns(environment: [:], isTerminal: true, terminal: { nil }) == 80)
        #expect(TerminalWidth.columns(environment: ["COLUMNS": "100"], isTerminal: false, terminal: { nil }) == 100)
        #expect(TerminalWidth.columns(environment: ["COLUMNS": "wide"], isTerminal: false, terminal: { nil }) == 80)
        #expect(TerminalWidth.columns(environment: ["COLUMNS": "10"], isTerminal: false, terminal: { nil })
                == TerminalWidth.minimum)
    }

    @Test(arguments: [80, 60, 120])
    func theProbeTableFits(_ width: Int) throws {
        let infos = try Self.probedFixtures()
        #expect(infos.count >= 5)
        let table = ProbeTable.render(infos, width: width)
        let lines = table.split(separator: "\n").map(String.init)
        for line in lines {
            #expect(line.count <= width, "\(line.count) > \(width): \(line)")
        }
        // Too wide for a row a file: a block per file, its path whole on a line and every field there.
        let natural = ProbeTable.render(infos, width: 1000)
        #expect(natural.split(separator: "\n").count == infos.count + 1)
        #expect(natural.split(separator: "\n").contains { $0.count > 120 }, "the fixtures make a table wider than 120")
        for info in infos {
            #expect(lines.contains(info.file), "\(info.file) is not whole on its line")
        }
        #expect(lines.filter { $0.hasPrefix("  frames ") }.count == infos.count)
        #expect(lines.contains("  video      h264 (High) 1280x720 rot 90 -> 720x1280 yuv420p"), "\(table)")
    }

    @Test func aTableThatFitsStaysATable() throws {
        let info = try probe(FixturePaths.fixtures.appendingPathComponent("probe/seedance-720p.mp4").path)
        let table = ProbeTable.render([info], width: 200)
        #expect(table.hasPrefix("FILE "))
        #expect(table.split(separator: "\n").count == 2)
    }

    @Test func runsAndListTablesWrapWithinTheirColumns() {
        let table = TextTable(header: ["RUN", "STATE", "FOLDER"],
                              rows: [["edit1-20261127-101500-3f2a", "open", "/mnt/shared/runs/edit1-20261127-101500-3f2a"
                                      + "/a/folder/name/that/is/long"]])
        let text = table.render(width: 50)
        for line in text.split(separator: "\n") { #expect(line.count <= 50, "\(line)") }
        #expect(text.split(separator: "\n").count > 2)
        #expect(text.hasPrefix("RUN "))
    }

    @Test func aCellWrapsAtSpacesElseMidWord() {
        #expect(TextTable.wrap("h264 (High) 1280x720 yuv420p", to: 12) == ["h264 (High)", "1280x720", "yuv420p"])
        #expect(TextTable.wrap("fixtures/probe/seedance-720p.mp4", to: 10)
                == ["fixtures/p", "robe/seeda", "nce-720p.m", "p4"])
        #expect(TextTable.wrap("short", to: 10) == ["short"])
    }

    @Test func theListTableFits() throws {
        let json = """
            {"id":"cgt-20251225201056-abcdefghijklmnop","model":"doubao-seedance-2-0-260128","status":"failed",
             "resolution":"1080p","ratio":"21:9","duration":12,"usage":{"completion_tokens":123456,"total_tokens":123456},
             "error":{"code":"OutputVideoSensitiveContentDetected","message":"the output was moderated"},
             "created_at":1,"updated_at":2}
            """
        let task = try JSONDecoder().decode(GenerationTask.self, from: Data(json.utf8))
        let table = ListCommand.table([task, task], width: 80)
        for line in table.split(separator: "\n") { #expect(line.count <= 80, "\(line)") }
        #expect(table.contains("cgt-"))
        #expect(table.contains("failed"))
        // One model: no column for it (the count line names it); two: a column.
        #expect(!table.contains("MODEL") && table.contains("ERROR"))
        var other = task
        other.model = "doubao-seedance-1-0-pro-250528"
        other.error = nil
        let mixed = ListCommand.table([task, other], width: 200)
        #expect(mixed.hasPrefix("TASK ") && mixed.contains("MODEL") && mixed.contains("doubao-seedance-1-0-pro-250528"))
        #expect(ListCommand.countLine(TaskList(total: 7, items: [task, task])) == "2 of 7 tasks, all doubao-seedance-2-0-260128")
        #expect(ListCommand.countLine(TaskList(total: 1, items: [task])).hasPrefix("1 of 1 task,"))
    }

    @Test func theProbeCommandPipedFitsEightyColumnsAndColumnsWidensIt() throws {
        let folder = FixturePaths.fixtures.appendingPathComponent("probe")
        let files = ["seedance-720p.mp4", "phone-rotated.mp4", "moov-at-end.mp4"].map { folder.appendingPathComponent($0).path }
        let piped = try runSeedance(["probe"] + files, environment: [:])
        #expect(piped.status == 0, "\(piped.stderr)")
        for line in piped.stdout.split(separator: "\n") { #expect(line.count <= 80, "\(line.count): \(line)") }
        let wide = try runSeedance(["probe"] + files, environment: ["COLUMNS": "300"])
        #expect(wide.stdout.split(separator: "\n").contains { $0.count > 80 }, "\(wide.stdout)")
        #expect(wide.stdout.split(separator: "\n").count == 4)
    }
}
