import Foundation
import Media
import Testing
import TestSupport

/// `probe` against what ffprobe reported for the same files (recorded by fixtures/record-ffprobe.sh).
@Suite struct ProbeAgreesWithFFprobeTests {
    /// Files ffprobe opens but we refuse on purpose: their sample data is missing (truncated downloads).
    static let truncatedOnPurpose: Set<String> = ["truncated-download.mp4", "broken-mod-h264-streaming-no-mdat.mp4"]

    /// Every recorded file (`fixtures/ffprobe/<name>.json`).
    static let recorded: [String] = {
        let dir = FixturePaths.fixtures.appendingPathComponent("ffprobe")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }()

    /// The recorded file: a probe fixture or a real-world file, both in `fixtures/`.
    static func mediaPath(_ name: String) -> String? {
        [FixturePaths.fixture("probe/\(name)"), FixturePaths.realworldFile(name)]
            .first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The records and the media agree: every record has its file, and every real-world file ffprobe opens has its
    /// record (only the bare DASH segment has none: ffprobe cannot open it alone).
    @Test func everyRecordHasItsMediaAndEveryFileItsRecord() throws {
        #expect(Self.recorded.count >= 20)
        for name in Self.recorded { #expect(Self.mediaPath(name) != nil, "media for \(name)") }
        let unrecorded = FixturePaths.realworldFiles.map { ($0 as NSString).lastPathComponent }
            .filter { !Self.recorded.contains($0) }
        #expect(unrecorded == ["tos-dash-1080p-h264-seg7.m4s"])
    }

    @Test(arguments: recorded)
    func agreesWithFFprobe(_ name: String) throws {
        let path = try #require(Self.mediaPath(name), "media for \(name)")
        let recordURL = FixturePaths.fixtures.appendingPathComponent("ffprobe/\(name).json")
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: recordURL)) as! [String: Any]
        let format = record["format"] as! [String: Any]
        let streams = record["streams"] as! [[String: Any]]

        if Self.truncatedOnPurpose.contains(name) {
            let error = #expect(throws: MediaError.self) { try probe(path) }
            #expect(error?.kind == .truncated)
            #expect(error?.description.contains("truncated") == true)
            return
        }
        let info = try probe(path)
        #expect(info.formatName == format["format_name"] as? String)
        expectTime(info.duration, format["duration"], "format duration")
        expectTime(info.startTime, format["start_time"], "format start_time")
        #expect(info.sizeBytes == Int64(format["size"] as! String))
        #expect(info.bitRate == (format["bit_rate"] as? String).flatMap { Int64($0) })
        #expect(info.streamCount == format["nb_streams"] as? Int)
        #expect(info.tags == (format["tags"] as? [String: String] ?? [:]), "format tags")

        let videoStreams = streams.filter {
            $0["codec_type"] as? String == "video" && ($0["disposition"] as? [String: Int])?["attached_pic"] != 1
        }
        let audioStreams = streams.filter { $0["codec_type"] as? String == "audio" }
        #expect((info.video == nil) == videoStreams.isEmpty, "video presence")
        #expect((info.audio == nil) == audioStreams.isEmpty, "audio presence")

        if let video = info.video {
            let s = try #require(streams.first { $0["index"] as? Int == video.index })
            #expect(s["codec_type"] as? String == "video")
            #expect(video.codec == s["codec_name"] as? String)
            #expect(video.profile == s["profile"] as? String)
            #expect(video.width == s["width"] as? Int)
            #expect(video.height == s["height"] as? Int)
            #expect(video.pixelFormat == s["pix_fmt"] as? String)
            #expect(video.frameRate.description == s["avg_frame_rate"] as? String)
            #expect(video.realFrameRate.description == s["r_frame_rate"] as? String)
            #expect(video.frameCount == (s["nb_frames"] as? String).flatMap { Int($0) })
            #expect(video.timeBase.description == s["time_base"] as? String)
            #expect(video.bitRate == (s["bit_rate"] as? String).flatMap { Int64($0) })
            expectTime(video.duration, s["duration"], "video duration")
            expectTime(video.startTime, s["start_time"], "video start_time")
            let sar = (s["sample_aspect_ratio"] as? String).map { $0.replacingOccurrences(of: ":", with: "/") }
            #expect(video.sampleAspectRatio?.description == (sar == "0/1" ? nil : sar))
            let rotation = (s["side_data_list"] as? [[String: Any]])?
                .first { $0["side_data_type"] as? String == "Display Matrix" }?["rotation"] as? Int ?? 0
            #expect(video.rotation == rotation)
            let swapped = abs(rotation) % 180 == 90
            #expect(video.displayWidth == (swapped ? video.height : video.width))
        }
        if let audio = info.audio {
            let s = try #require(streams.first { $0["index"] as? Int == audio.index })
            #expect(s["codec_type"] as? String == "audio")
            #expect(audio.codec == s["codec_name"] as? String)
            #expect(audio.profile == s["profile"] as? String)
            #expect(String(audio.sampleRate) == s["sample_rate"] as? String)
            #expect(audio.channels == s["channels"] as? Int)
            #expect(audio.channelLayout == s["channel_layout"] as? String)
            #expect(audio.sampleFormat == s["sample_fmt"] as? String)
            #expect(audio.frameCount == (s["nb_frames"] as? String).flatMap { Int($0) })
            #expect(audio.timeBase.description == s["time_base"] as? String)
            #expect(audio.bitRate == (s["bit_rate"] as? String).flatMap { Int64($0) })
            expectTime(audio.duration, s["duration"], "audio duration")
            expectTime(audio.startTime, s["start_time"], "audio start_time")
        }
    }

    /// Times agree to the millisecond (ffprobe prints microseconds); both absent also agrees.
    func expectTime(_ ours: Double?, _ theirs: Any?, _ what: String,
                    sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = (theirs as? String).flatMap(Double.init)
        switch (ours, expected) {
        case (nil, nil): break
        case let (ours?, expected?):
            #expect(abs(ours - expected) < 0.0005, "\(what): \(ours) vs ffprobe \(expected)", sourceLocation: sourceLocation)
        default:
            Issue.record("\(what): \(String(describing: ours)) vs ffprobe \(String(describing: expected))",
                         sourceLocation: sourceLocation)
        }
    }
}
