import Foundation
@testable import Media
import Testing
import TestSupport

/// Synthetic clips shaped like real Seedance 2.0 deliveries: the file layout, streams and sound a QA tool meets,
/// checked on the rendered files with this module's probe and analysis and, where installed, with ffprobe/ffmpeg.
@Suite struct DeliveryClipTests {
    /// ffprobe, beside the ffmpeg CLI the other tests use.
    static let ffprobePath = TestConditions.ffprobePath

    /// The two measured shapes: 5 s 16:9 from the full model, 13 s 9:16 from the fast one.
    struct Shape: Sendable, CustomTestStringConvertible {
        var width: Int, height: Int, frameCount: Int, fast: Bool, variant: UInt64
        var sampleRate: Int { fast ? 32_000 : 44_100 }
        var spec: SyntheticClipSpec {
            SyntheticClipSpec(width: width, height: height, frameCount: frameCount, sound: .speech, variant: variant,
                              delivery: .seedance20(fast: fast))
        }
        var testDescription: String { "\(width)x\(height) \(frameCount) frames\(fast ? " fast" : "")" }
    }

    static let shapes = [Shape(width: 1280, height: 720, frameCount: 121, fast: false, variant: 42),
                         Shape(width: 720, height: 1280, frameCount: 313, fast: true, variant: 7)]

    // MARK: - The files, read in-process

    @Test(arguments: shapes)
    func seedance20ClipHasTheDeliveredShape(_ shape: Shape) throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("clip.mp4").path
        try renderSyntheticClip(shape.spec, to: path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["clip.mp4"])

        // Top level exactly as delivered, and the uuid box is C2PA's, carrying the labelled placeholder.
        let boxes = TopLevelBoxes(path: path)
        #expect(boxes.boxes.map(\.type) == ["ftyp", "uuid", "free", "mdat", "moov"])
        #expect(boxes.overrun == nil)
        #expect(boxes.boxes.first { $0.type == "free" }?.size == 8)
        let uuid = try #require(boxes.boxes.first { $0.type == "uuid" })
        let payload = try bytes(path, at: uuid.offset + 8, count: Int(uuid.size) - 8)
        #expect(Array(payload.prefix(16)) == ProvenancePlaceholder.extendedType)
        #expect(Array(payload[16..<20]) == [0, 0, 0, 0])
        #expect(Array(payload[20..<29]) == Array("manifest\0".utf8))
        #expect(Array(payload[29..<37]) == [UInt8](repeating: 0, count: 8))
        #expect(String(decoding: payload[37...], as: UTF8.self).contains("not a signed C2PA manifest"))

        let info = try probe(path)
        #expect(info.faststart == false)
        let video = try #require(info.video)
        #expect(video.codec == "h264" && video.profile == "High")
        #expect(video.width == shape.width && video.height == shape.height && video.rotation == 0)
        #expect(video.frameCount == shape.frameCount)
        #expect(video.frameRate == Rational(24, 1))
        #expect(video.timeBase == Rational(1, 12_288))
        #expect(abs((video.startTime ?? -1) - 0) < 1e-9, "the edit list hides the B-frame delay")
        #expect(abs((video.duration ?? 0) - Double(shape.frameCount) / 24) < 1e-3)
        let audio = try #require(info.audio)
        #expect(audio.codec == "aac" && audio.profile == "LC")
        #expect(audio.sampleRate == shape.sampleRate && audio.channels == 2)
        let overhang = (audio.duration ?? 0) - (video.duration ?? 0)
        #expect(overhang > 0.02 && overhang < 0.05, "audio runs \(overhang) s past the video")

        // The edit lists: video starts 2 frames (2 x 512 ticks of 1/12288) into its media, the reorder delay of
        // 3 B-frames with a pyramid; audio skips the encoder's 1024 priming samples.
        let edits = try editListStarts(path)
        #expect(edits["vide"] == 1024)
        #expect(edits["soun"] == 1024)

        // Decoded: every picture, and the speech's pauses where the spec says, at the measured levels.
        let content = try analyzeContent(path)
        #expect(content.video?.frameCount == shape.frameCount)
        let sound = try #require(content.audio)
        let planned = SyntheticClipSpec.speechPauses(variant: shape.variant, duration: shape.spec.audioDuration)
        #expect(!planned.isEmpty)
        expectSame(pauses: planned, found: sound.silent.map { $0.start...$0.end })
        let peak = try #require(sound.peakLevel), rms = try #require(sound.rmsLevel)
        #expect(peak > -4 && peak < -1.5, "peak \(peak) dBFS")
        #expect(rms > -34 && rms < -22, "RMS \(rms) dBFS")
    }

    @Test func legacyDeliveryHasNoProvenanceBox() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("legacy.mp4").path
        try renderSyntheticClip(SyntheticClipSpec(width: 1280, height: 720, frameCount: 48, sound: .speech,
                                                  delivery: .seedance20Legacy), to: path)
        let boxes = TopLevelBoxes(path: path)
        #expect(boxes.boxes.map(\.type) == ["ftyp", "free", "mdat", "moov"])
        #expect(boxes.boxes.first { $0.type == "free" }?.size == 8)
        let info = try probe(path)
        #expect(info.video?.profile == "High" && info.video?.frameCount == 48 && info.audio?.sampleRate == 44_100)
    }

    /// `.plain` is what the simulator and the older tests rely on: faststart, no B-frames, 48 kHz as long as the
    /// video, no extra box; and a plain spec encodes to the JSON it always did.
    @Test func plainStaysAsItWas() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("plain.mp4").path
        let spec = SyntheticClipSpec(width: 320, height: 240, frameCount: 24, variant: 3)
        #expect(spec.delivery == .plain)
        try renderSyntheticClip(spec, to: path)
        #expect(TopLevelBoxes(path: path).boxes.map(\.type) == ["ftyp", "moov", "free", "mdat"])
        let info = try probe(path)
        #expect(info.video?.profile == "Constrained Baseline")
        #expect(info.audio?.sampleRate == 48_000)
        #expect(abs((info.audio?.duration ?? 0) - 1.0) < 0.005)

        let json = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
        #expect(!json.contains("delivery"))
        let old = #"{"width":320,"height":240,"frameCount":24,"frameRate":24,"picture":"moving","sound":"tone","#
            + #""watermark":false,"variant":3}"#
        #expect(try JSONDecoder().decode(SyntheticClipSpec.self, from: Data(old.utf8)) == spec)
        let shaped = SyntheticClipSpec(width: 720, height: 1280, frameCount: 313, sound: .speech,
                                       delivery: .seedance20(fast: true))
        #expect(try JSONDecoder().decode(SyntheticClipSpec.self, from: JSONEncoder().encode(shaped)) == shaped)
    }

    @Test func deliveryPresets() {
        let full = DeliveryTraits.seedance20(fast: false), fast = DeliveryTraits.seedance20(fast: true)
        #expect(full.audioSampleRate == 44_100 && fast.audioSampleRate == 32_000)
        for traits in [full, fast, .seedance20Legacy] {
            #expect(traits.bFrames == 3 && !traits.faststart && traits.audioOverhang == 0.03)
        }
        #expect(full.provenanceBox && fast.provenanceBox && !DeliveryTraits.seedance20Legacy.provenanceBox)
        #expect(DeliveryTraits.plain == DeliveryTraits(audioSampleRate: 48_000, audioOverhang: 0, bFrames: 0,
                                                       faststart: true, provenanceBox: false))
    }

    // MARK: - The speech layout, without rendering

    @Test func speechPausesFollowTheMeasuredPattern() {
        for duration in [4.07, 5.07, 8.0, 10.07, 13.07, 15.07] {
            for seed in 0..<50 {
                let variant = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15
                let plan = SpeechPlan(variant: variant, duration: duration)
                #expect(plan.pauses == SyntheticClipSpec.speechPauses(variant: variant, duration: duration))
                // Two pauses at least from 4 s, as measured deliveries of that length have.
                #expect(plan.pauses.count >= 2, "\(duration) s: \(plan.pauses)")
                let leadIn = plan.lines[0].lowerBound
                #expect(leadIn >= 0.1 && leadIn <= 0.3)
                for line in plan.lines { #expect(line.upperBound - line.lowerBound >= 0.8 - 1e-9) }
                for line in plan.lines.dropLast() { #expect(line.upperBound - line.lowerBound <= 3.0 + 1e-9) }
                #expect(plan.lines.last?.upperBound == duration, "the last line runs to the end")
                for pause in plan.pauses {
                    #expect(pause.upperBound - pause.lowerBound >= 0.55 - 1e-9)
                    #expect(pause.upperBound - pause.lowerBound <= 2.0 + 1e-9)
                }
                let silence = plan.pauses.reduce(leadIn) { $0 + $1.upperBound - $1.lowerBound }
                #expect(silence / duration > 0.25 && silence / duration < 0.40, "\(silence / duration)")
            }
        }
        // A pure function of the variant.
        #expect(SyntheticClipSpec.speechPauses(variant: 1, duration: 13) ==
                SyntheticClipSpec.speechPauses(variant: 1, duration: 13))
        #expect(SyntheticClipSpec.speechPauses(variant: 1, duration: 13) !=
                SyntheticClipSpec.speechPauses(variant: 2, duration: 13))
    }

    @Test func speechSamplesAreZeroInPausesAndPeakAtTheMeasuredLevel() {
        let rate = 44_100, duration = 5.07
        let samples = SpeechVoice.samples(variant: 9, duration: duration, sampleRate: rate,
                                          count: Int(duration * Double(rate)))
        let plan = SpeechPlan(variant: 9, duration: duration)
        for pause in plan.pauses + [0...plan.lines[0].lowerBound] {
            let range = Int((pause.lowerBound * Double(rate)).rounded())..<Int((pause.upperBound * Double(rate)))
            #expect(samples[range].allSatisfy { $0 == 0 }, "digital silence in \(pause)")
        }
        let peak = samples.reduce(Float(0)) { max($0, abs($1)) }
        #expect(abs(20 * log10(Double(peak)) + 2.6) < 1e-4)
    }

    // MARK: - Against the ffmpeg tools

    @Test(.enabled(if: try TestConditions.ffprobe && (try TestConditions.ffmpeg), "needs ffprobe and the ffmpeg CLI"), arguments: shapes)
    func seedance20ClipAgreesWithFFmpegTools(_ shape: Shape) throws {
        let ffprobe = try #require(Self.ffprobePath), ffmpeg = try #require(TestConditions.ffmpegPath)
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("clip.mp4").path
        try renderSyntheticClip(shape.spec, to: path)

        let result = try run(ffprobe, ["-v", "error", "-show_streams", "-show_format", "-of", "json", path])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let streams = try #require(json["streams"] as? [[String: Any]])
        let video = try #require(streams.first { $0["codec_type"] as? String == "video" })
        let audio = try #require(streams.first { $0["codec_type"] as? String == "audio" })
        #expect(video["codec_name"] as? String == "h264" && video["profile"] as? String == "High")
        #expect(video["width"] as? Int == shape.width && video["height"] as? Int == shape.height)
        #expect(video["side_data_list"] == nil, "no display matrix")
        #expect(video["time_base"] as? String == "1/12288")
        #expect(video["avg_frame_rate"] as? String == "24/1" && video["r_frame_rate"] as? String == "24/1")
        #expect(video["nb_frames"] as? String == String(shape.frameCount))
        #expect((video["has_b_frames"] as? Int ?? 0) >= 1)
        #expect(video["start_time"] as? String == "0.000000")
        #expect(audio["codec_name"] as? String == "aac" && audio["profile"] as? String == "LC")
        #expect(audio["sample_rate"] as? String == String(shape.sampleRate) && audio["channels"] as? Int == 2)
        let videoDuration = try #require((video["duration"] as? String).flatMap(Double.init))
        let audioDuration = try #require((audio["duration"] as? String).flatMap(Double.init))
        #expect(abs(videoDuration - Double(shape.frameCount) / 24) < 1e-3)
        #expect(audioDuration - videoDuration > 0.02 && audioDuration - videoDuration < 0.05,
                "audio \(audioDuration) s, video \(videoDuration) s")

        // B-frames really are there: reordered packets (dts behind pts) and B pictures.
        let packets = try run(ffprobe, ["-v", "error", "-select_streams", "v", "-read_intervals", "%+#8",
                                        "-show_entries", "packet=pts,dts", "-of", "csv=p=0", path])
        let pairs = packets.stdout.split(separator: "\n").map { $0.split(separator: ",").compactMap { Int($0) } }
        #expect(pairs.contains { $0.count == 2 && $0[1] < $0[0] }, "\(packets.stdout)")
        let frames = try run(ffprobe, ["-v", "error", "-select_streams", "v", "-read_intervals", "%+#12",
                                       "-show_entries", "frame=pict_type", "-of", "csv=p=0", path])
        #expect(frames.stdout.split(separator: "\n").contains("B"), "\(frames.stdout)")

        // The whole file decodes without a word from FFmpeg: the chunk offsets moved with the inserted box.
        let decode = try run(ffmpeg, ["-nostdin", "-v", "warning", "-i", path, "-f", "null", "-"])
        #expect(decode.status == 0 && decode.stderr.isEmpty && decode.stdout.isEmpty, "\(decode.stderr)")

        // The pauses and levels as FFmpeg's own filters report them.
        let detect = try run(ffmpeg, ["-nostdin", "-hide_banner", "-nostats", "-i", path, "-vn", "-af",
                                      "silencedetect=n=-60dB:d=0.5,astats=measure_perchannel=none",
                                      "-f", "null", "-"])
        #expect(detect.status == 0)
        let starts = numbers(after: "silence_start: ", in: detect.stderr)
        let ends = numbers(after: "silence_end: ", in: detect.stderr)
        #expect(starts.count == ends.count)
        let planned = SyntheticClipSpec.speechPauses(variant: shape.variant, duration: shape.spec.audioDuration)
        expectSame(pauses: planned, found: zip(starts, ends).map { $0...max($0, $1) })
        let peak = try #require(numbers(after: "Peak level dB: ", in: detect.stderr).last)
        let rms = try #require(numbers(after: "RMS level dB: ", in: detect.stderr).last)
        #expect(peak > -4 && peak < -1.5, "peak \(peak) dBFS")
        #expect(rms > -34 && rms < -22, "RMS \(rms) dBFS")
    }

    // MARK: - ClipWriter's new settings

    /// B-frames and moov at the end straight from ClipWriter: each picture still shows at its own time, in order.
    @Test func clipWriterWithBFramesKeepsEveryFrameInPlace() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("drawn.mp4").path
        let writer = try ClipWriter(path: path, settings: ClipSettings(width: 64, height: 48, bFrames: 3,
                                                                      faststart: false))
        for index in 0..<48 { try writer.appendVideoFrame { $0.fill(y: UInt8(16 + 4 * index)) } }
        try writer.finish()
        let info = try probe(path)
        #expect(info.faststart == false && info.video?.profile == "High")
        #expect(info.video?.frameCount == 48 && info.video?.startTime == 0)
        #expect(abs((info.video?.duration ?? 0) - 2) < 1e-3)
        #expect(TopLevelBoxes(path: path).boxes.map(\.type) == ["ftyp", "free", "mdat", "moov"])

        if let ffmpeg = TestConditions.ffmpegPath {
            // The decoded pictures as raw yuv420p, in presentation order: each one's mean luma.
            let raw = dir.appendingPathComponent("frames.yuv").path
            let result = try run(ffmpeg, ["-nostdin", "-v", "error", "-i", path, "-f", "rawvideo",
                                          "-pix_fmt", "yuv420p", raw])
            #expect(result.status == 0, "\(result.stderr)")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: raw))
            let frameSize = 64 * 48 * 3 / 2
            #expect(bytes.count == 48 * frameSize)
            let values = stride(from: 0, to: bytes.count - frameSize + 1, by: frameSize).map { start in
                Int((Double(bytes[start..<(start + 64 * 48)].reduce(0) { $0 + Int($1) }) / Double(64 * 48)).rounded())
            }
            // Lossy coding moves a flat grey by a level or so at most.
            for (index, value) in values.enumerated() { #expect(abs(value - (16 + 4 * index)) <= 1, "frame \(index)") }
        }

        let error = #expect(throws: MediaError.self) {
            try ClipWriter(path: dir.appendingPathComponent("b.mp4").path,
                           settings: ClipSettings(width: 64, height: 48, bFrames: 17))
        }
        #expect(error?.kind == .invalidArgument)
    }

    // MARK: - The box inserter

    /// A faststart clip (moov before mdat): the box goes in, moov and mdat move, every chunk offset moves with them.
    @Test func insertingBeforeMoovShiftsEveryChunkOffset() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = dir.appendingPathComponent("plain.mp4").path
        let marked = dir.appendingPathComponent("marked.mp4").path
        try renderSyntheticClip(SyntheticClipSpec(width: 320, height: 240, frameCount: 48, variant: 5), to: original)
        let before = try Data(contentsOf: URL(fileURLWithPath: original))
        let box = ProvenancePlaceholder.box

        try insertTopLevelBox(box, afterFileTypeIn: original, writingTo: marked)
        #expect(try Data(contentsOf: URL(fileURLWithPath: original)) == before, "the source is untouched")
        #expect(TopLevelBoxes(path: marked).boxes.map(\.type) == ["ftyp", "uuid", "moov", "free", "mdat"])
        let old = try chunkOffsets(original), new = try chunkOffsets(marked)
        #expect(old.count == 2 && old.allSatisfy { !$0.isEmpty })
        #expect(new == old.map { $0.map { $0 + Int64(box.count) } })
        let a = try analyzeContent(original), b = try analyzeContent(marked)
        #expect(a.video == b.video)
        #expect(a.audio?.sampleCount == b.audio?.sampleCount && a.audio?.rmsLevel == b.audio?.rmsLevel)
        #expect(try probe(marked).faststart == true)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)) == ["plain.mp4", "marked.mp4"])
    }

    @Test(.enabled(if: try TestConditions.ffmpeg, "needs the ffmpeg CLI"))
    func insertedFaststartClipDecodesCleanly() throws {
        let ffmpeg = try #require(TestConditions.ffmpegPath)
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("clip.mp4").path
        try renderSyntheticClip(SyntheticClipSpec(width: 320, height: 240, frameCount: 48, variant: 5), to: path)
        try insertTopLevelBox(ProvenancePlaceholder.box, afterFileTypeIn: path)
        let decode = try run(ffmpeg, ["-nostdin", "-v", "warning", "-i", path, "-f", "null", "-"])
        #expect(decode.status == 0 && decode.stderr.isEmpty, "\(decode.stderr)")
    }

    /// Both tables, in two tracks, with offsets before and after the insertion point, in a hand-made file.
    @Test func stcoAndCo64AreBothPatched() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("made.mp4").path
        func table(_ type: String, _ values: [UInt64], width: Int) throws -> Data {
            var payload = Data([0, 0, 0, 0]) + be(UInt64(values.count), 4)
            for value in values { payload += be(value, width) }
            return try makeBox(type: type, payload: payload)
        }
        func trak(_ tables: [Data]) throws -> Data {
            let stbl = try makeBox(type: "stbl", payload: tables.reduce(Data(), +))
            let minf = try makeBox(type: "minf", payload: stbl)
            let mdia = try makeBox(type: "mdia", payload: try makeBox(type: "mdhd", payload: Data(count: 24)) + minf)
            return try makeBox(type: "trak", payload: try makeBox(type: "tkhd", payload: Data(count: 84)) + mdia)
        }
        let ftyp = try makeBox(type: "ftyp", payload: Data("isom\0\0\u{2}\0isom".utf8))
        let mdat = try makeBox(type: "mdat", payload: Data(count: 64))
        let start = UInt64(ftyp.count + 8)
        let moov = try makeBox(type: "moov", payload: try trak([table("stco", [0, start, start + 32], width: 4)])
            + trak([table("co64", [start + 16, 5_000_000_000], width: 8)]))
        try (ftyp + mdat + moov).write(to: URL(fileURLWithPath: path))

        let inserted = try makeBox(type: "skip", payload: Data(count: 100))
        try insertTopLevelBox(inserted, afterFileTypeIn: path)
        let shift = Int64(inserted.count)
        #expect(try chunkOffsets(path) == [[0, Int64(start) + shift, Int64(start) + 32 + shift],
                                           [Int64(start) + 16 + shift, 5_000_000_000 + shift]])
        #expect(TopLevelBoxes(path: path).boxes.map(\.type) == ["ftyp", "skip", "mdat", "moov"])
    }

    @Test func refusesWhatItCannotPatchAndLeavesTheFileAlone() throws {
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let box = ProvenancePlaceholder.box

        // Not an MP4 at all.
        let page = dir.appendingPathComponent("page.mp4").path
        try Data("<html><body>502 Bad Gateway</body></html>".utf8).write(to: URL(fileURLWithPath: page))
        try expectRefusal(page, box: box, kind: .notMedia)

        // moov at the end, cut short (an incomplete download).
        let clip = dir.appendingPathComponent("clip.mp4").path
        try renderSyntheticClip(SyntheticClipSpec(width: 320, height: 240, frameCount: 24,
                                                  delivery: .seedance20Legacy), to: clip)
        let whole = try Data(contentsOf: URL(fileURLWithPath: clip))
        let cut = dir.appendingPathComponent("cut.mp4").path
        try whole.prefix(whole.count - 200).write(to: URL(fileURLWithPath: cut))
        try expectRefusal(cut, box: box, kind: .truncated)

        // A crafted moov: a stco that claims more entries than it holds, and a trak larger than its moov.
        let moovOffset = Int(try #require(TopLevelBoxes(path: clip).boxes.first { $0.type == "moov" }).offset)
        let lying = dir.appendingPathComponent("lying.mp4").path
        var bytes = whole
        let stco = try #require(bytes.range(of: Data("stco".utf8), in: moovOffset..<bytes.count))
        bytes.replaceSubrange((stco.upperBound + 4)..<(stco.upperBound + 8), with: [0xFF, 0xFF, 0xFF, 0xF0])
        try bytes.write(to: URL(fileURLWithPath: lying))
        try expectRefusal(lying, box: box, kind: .notMedia)
        let oversized = dir.appendingPathComponent("oversized.mp4").path
        bytes = whole
        let trak = try #require(bytes.range(of: Data("trak".utf8), in: moovOffset..<bytes.count))
        bytes.replaceSubrange((trak.lowerBound - 4)..<trak.lowerBound, with: [0x7F, 0xFF, 0xFF, 0xFF])
        try bytes.write(to: URL(fileURLWithPath: oversized))
        try expectRefusal(oversized, box: box, kind: .notMedia)

        // A top-level box with a 64-bit size near Int64.max (offset + size would overflow).
        let huge = dir.appendingPathComponent("huge.mp4").path
        let ftyp = try makeBox(type: "ftyp", payload: Data("isom\0\0\u{2}\0isom".utf8))
        try (ftyp + Data([0, 0, 0, 1]) + Data("mdat".utf8) + be(UInt64(Int64.max), 8) + Data(count: 32))
            .write(to: URL(fileURLWithPath: huge))
        try expectRefusal(huge, box: box, kind: .truncated)

        // A box whose size field does not match its bytes.
        let badBox = Data([0, 0, 0, 99]) + Data("uuid".utf8)
        let error = #expect(throws: MediaError.self) { try insertTopLevelBox(badBox, afterFileTypeIn: clip) }
        #expect(error?.kind == .invalidArgument)
        #expect(try Data(contentsOf: URL(fileURLWithPath: clip)) == whole)

        // A missing file.
        let missing = #expect(throws: MediaError.self) {
            try insertTopLevelBox(box, afterFileTypeIn: dir.appendingPathComponent("none.mp4").path)
        }
        #expect(missing?.kind == .notFound)
        // Nothing left behind by any of it.
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
            == ["page.mp4", "clip.mp4", "cut.mp4", "lying.mp4", "oversized.mp4", "huge.mp4"])
    }

    // MARK: - Helpers

    /// Expects `insertTopLevelBox` to throw `kind` for `path`, in place and to another destination, and the file
    /// to be byte for byte what it was.
    private func expectRefusal(_ path: String, box: Data, kind: MediaError.Kind,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let error = #expect(throws: MediaError.self, sourceLocation: sourceLocation) {
            try insertTopLevelBox(box, afterFileTypeIn: path)
        }
        #expect(error?.kind == kind, "\(String(describing: error))", sourceLocation: sourceLocation)
        let destination = path + ".out.mp4"
        #expect(throws: MediaError.self, sourceLocation: sourceLocation) {
            try insertTopLevelBox(box, afterFileTypeIn: path, writingTo: destination)
        }
        #expect(!FileManager.default.fileExists(atPath: destination), sourceLocation: sourceLocation)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "untouched", sourceLocation: sourceLocation)
    }

    /// Each detected silence matches a planned pause within 0.05 s at both ends, and none is missing or extra.
    private func expectSame(pauses planned: [ClosedRange<Double>], found: [ClosedRange<Double>],
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(found.count == planned.count, "planned \(planned), found \(found)", sourceLocation: sourceLocation)
        for (plan, seen) in zip(planned, found) {
            #expect(abs(plan.lowerBound - seen.lowerBound) <= 0.05 && abs(plan.upperBound - seen.upperBound) <= 0.05,
                    "planned \(plan), found \(seen)", sourceLocation: sourceLocation)
        }
    }

    /// The numbers printed right after `marker` on the lines of `text`.
    private func numbers(after marker: String, in text: String) -> [Double] {
        text.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: marker) else { return nil }
            return Double(line[range.upperBound...].prefix { "0123456789.-".contains($0) })
        }
    }

    private func bytes(_ path: String, at offset: Int64, count: Int) throws -> Data {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        return try handle.read(upToCount: count) ?? Data()
    }

    /// The moov box of `path`, whole.
    private func moov(_ path: String) throws -> Data {
        let moov = try #require(TopLevelBoxes(path: path).boxes.first { $0.type == "moov" })
        return try bytes(path, at: moov.offset, count: Int(moov.size))
    }

    /// The boxes under `moov` along `types` (every match at each level).
    private func descend(_ data: Data, _ types: [String]) throws -> [ChunkOffsets.Child] {
        var level = try ChunkOffsets.children(of: data, in: 0..<data.count, path: "")
        for type in types {
            let matches = level.filter { $0.type == type }
            level = try matches.flatMap { try ChunkOffsets.children(of: data, in: $0.payload, path: "") }
        }
        return level
    }

    /// Every track's chunk offsets (stco or co64), in track order.
    private func chunkOffsets(_ path: String) throws -> [[Int64]] {
        let data = try moov(path)
        var result: [[Int64]] = []
        let moovChildren = try descend(data, ["moov"])
        for trak in moovChildren where trak.type == "trak" {
            var offsets: [Int64] = []
            var level = [trak]
            for type in ["trak", "mdia", "minf", "stbl"] {
                level = try level.filter { $0.type == type }
                    .flatMap { try ChunkOffsets.children(of: data, in: $0.payload, path: "") }
            }
            for table in level where table.type == "stco" || table.type == "co64" {
                let width = table.type == "stco" ? 4 : 8
                let count = Int(read(data, table.payload.lowerBound + 4, 4))
                for i in 0..<count {
                    offsets.append(Int64(read(data, table.payload.lowerBound + 8 + i * width, width)))
                }
            }
            result.append(offsets)
        }
        return result
    }

    /// Each track's handler type (`vide`, `soun`) with the media time of its first edit (elst version 0 or 1).
    private func editListStarts(_ path: String) throws -> [String: Int64] {
        let data = try moov(path)
        var result: [String: Int64] = [:]
        for trak in try descend(data, ["moov"]) where trak.type == "trak" {
            let children = try ChunkOffsets.children(of: data, in: trak.payload, path: "")
            let mdia = try #require(children.first { $0.type == "mdia" })
            let hdlr = try #require(try ChunkOffsets.children(of: data, in: mdia.payload, path: "")
                .first { $0.type == "hdlr" })
            let handler = String(decoding: data[(hdlr.payload.lowerBound + 8)..<(hdlr.payload.lowerBound + 12)],
                                 as: UTF8.self)
            let edts = try #require(children.first { $0.type == "edts" })
            let elst = try #require(try ChunkOffsets.children(of: data, in: edts.payload, path: "")
                .first { $0.type == "elst" })
            let version = data[elst.payload.lowerBound]
            let first = elst.payload.lowerBound + 8
            result[handler] = version == 1
                ? Int64(bitPattern: read(data, first + 8, 8))
                : Int64(Int32(bitPattern: UInt32(read(data, first + 4, 4))))
        }
        return result
    }

    private func read(_ data: Data, _ offset: Int, _ count: Int) -> UInt64 {
        (0..<count).reduce(UInt64(0)) { $0 << 8 | UInt64(data[data.startIndex + offset + $1]) }
    }

    private func be(_ value: UInt64, _ width: Int) -> Data {
        Data((0..<width).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * (width - 1 - $0))) })
    }
}
