import Foundation
import Testing
import TestSupport

/// `seedance probe` run as a user runs it: the real binary, its stdout, stderr and exit status.
@Suite struct ProbeCommandTests {
    let good = FixturePaths.fixture("probe/seedance-720p.mp4")
    let portrait = FixturePaths.fixture("probe/seedance-480p-9x16.mp4")

    @Test func jsonForOneFileIsAnObjectWithTheDesignKeys() throws {
        let result = try runSeedance(["probe", "--json", good])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        for key in ["file", "format_name", "duration", "start_time", "size_bytes", "bit_rate", "faststart", "video", "audio"] {
            #expect(object.keys.contains(key), "missing \(key)")
        }
        let video = try #require(object["video"] as? [String: Any])
        for key in ["codec", "profile", "width", "height", "display_width", "display_height", "rotation",
                    "frame_rate", "frame_count", "pixel_format", "duration"] {
            #expect(video.keys.contains(key), "missing video.\(key)")
        }
        #expect(video["width"] as? Int == 1280)
        #expect(video["frame_rate"] as? String == "24/1")
        #expect(video["frame_count"] as? Int == 121)
        let audio = try #require(object["audio"] as? [String: Any])
        #expect(audio["sample_rate"] as? Int == 48000)
        #expect(audio["channels"] as? Int == 2)
    }

    @Test func noAudioIsAnExplicitNull() throws {
        let result = try runSeedance(["probe", "--json", FixturePaths.fixture("probe/seedance-720p-noaudio.mp4")])
        #expect(result.status == 0)
        #expect(result.stdout.contains("\"audio\" : null"))
    }

    @Test func severalFilesGiveAnArrayInOrderWithErrorMembers() throws {
        let empty = FixturePaths.fixture("probe/empty.mp4")
        let result = try runSeedance(["probe", "--json", portrait, empty, good])
        #expect(result.status == 2)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(array.map { $0["file"] as? String } == [portrait, empty, good])
        #expect((array[0]["video"] as? [String: Any])?["height"] as? Int == 864)
        #expect((array[1]["error"] as? String)?.contains("empty") == true)
        #expect((array[2]["video"] as? [String: Any])?["height"] as? Int == 720)
        #expect(result.stderr.contains("\(empty): the file is empty"))
    }

    @Test func tableNamesEveryGoodFileAndErrorsGoToStderr() throws {
        let html = FixturePaths.fixture("probe/html-error-page.mp4")
        let missing = "/nonexistent/clip.mp4"
        // A terminal wide enough for a row a file: the table.
        let result = try runSeedance(["probe", good, html, missing, portrait], environment: ["COLUMNS": "250"])
        #expect(result.status == 2)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("FILE"))
        #expect(lines[1].hasPrefix(good) && lines[1].contains("1280x720") && lines[1].contains("121"))
        #expect(lines[2].hasPrefix(portrait))
        // Piped (80 columns): a block per good file, the path on its own line.
        let piped = try runSeedance(["probe", good, html, missing, portrait], environment: [:])
        let blocks = piped.stdout.components(separatedBy: "\n\n")
        #expect(blocks.count == 2, "\(piped.stdout)")
        #expect(blocks.first?.hasPrefix(good + "\n") == true && blocks.first?.contains("  frames     121") == true)
        #expect(blocks.last?.hasPrefix(portrait + "\n") == true)
        #expect(piped.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })
        let errors = result.stderr.split(separator: "\n")
        #expect(errors.contains { $0.contains(html) && $0.contains("HTML page") })
        #expect(errors.contains { $0.contains(missing) && $0.contains("no such file") })
    }

    @Test func directoryAndTruncatedDownloadAreBadInput() throws {
        for path in [FixturePaths.fixture("probe"), FixturePaths.fixture("probe/truncated-download.mp4")] {
            let result = try runSeedance(["probe", path])
            #expect(result.status == 2)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
            #expect(result.stderr.contains(path))
        }
    }

    @Test func usageErrorsExitWithTwo() throws {
        let result = try runSeedance(["probe"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("Missing expected argument"))
    }
}
