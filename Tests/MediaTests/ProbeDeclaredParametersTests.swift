import CFFmpeg
import Foundation
@testable import Media
import Testing
import TestSupport

/// `probe` reads what an MP4 declares instead of running FFmpeg's trial decoding (`DeclaredParameters`) when the
/// file allows it. These tests hold that path to the full analysis on the same files, field for field, and check
/// that Seedance-like deliveries really take it (ProbeAgreesWithFFprobeTests holds both paths to ffprobe).
@Suite struct ProbeDeclaredParametersTests {
    /// Seedance-like H.264/AAC deliveries: every one takes the declared path.
    static let deliveries = ["seedance-720p.mp4", "seedance-480p-9x16.mp4", "seedance-720p-noaudio.mp4",
                             "aigc-labelled.mp4", "moov-at-end.mp4", "phone-rotated.mp4", "frame-index.mp4",
                             "frame-index-rot90.mp4"].map { FixturePaths.fixture("probe/\($0)") }

    /// Every media file the probe tests use: probe, QA and frame fixtures, and the real-world files.
    static let files: [String] = {
        let media: Set<String> = ["mp4", "mov", "mkv", "3gp", "m4s"]
        let folders = ["probe", "qa", "frames"].map { FixturePaths.fixtures.appendingPathComponent($0) }
        let local = folders.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
                .filter { media.contains(($0 as NSString).pathExtension) }
                .map { folder.appendingPathComponent($0).path }
        }
        return (local + FixturePaths.realworldFiles).sorted()
    }()

    /// The probe of `path` through the declared parameters, nil when the file does not allow it.
    static func declaredProbe(_ path: String) throws -> MediaInfo? {
        let input = try InputFile.openChecked(path, findStreamInfo: false)
        guard DeclaredParameters.isEligible(input),
              DeclaredParameters.fill(input, maxPixels: OpenLimits.defaultMaxPixels) else { return nil }
        return try ProbeReader(input: input).info()
    }

    @Test(arguments: deliveries)
    func deliveriesTakeTheDeclaredPath(_ path: String) throws {
        let info = try #require(try Self.declaredProbe(path), "\(path) is read from its declarations")
        #expect(info.video?.pixelFormat == "yuv420p")
        #expect(info.video?.profile != nil)
    }

    @Test(arguments: files)
    func theDeclaredPathAgreesWithTheFullAnalysis(_ path: String) throws {
        guard let declared = try? Self.declaredProbe(path) else { return }
        let analysed = try ProbeReader(input: InputFile.openChecked(path)).info()
        #expect(declared == analysed)
        // And `probe` itself gives the declared answer.
        #expect(try probe(path) == declared)
    }

    /// Frame grabbing opens without decoding the audio's first packet: everything but the audio's own parameters
    /// is the probe's, on every file (the declared path or, where it does not apply, the full analysis), and a file
    /// the probe refuses is refused with the same words.
    @Test(arguments: files)
    func openingWithoutTheAudioDecoderChangesNothingElse(_ path: String) throws {
        let probed: MediaInfo
        do {
            probed = try probe(path)
        } catch let refusal as MediaError {
            #expect(throws: refusal) { try ProbeReader(input: InputFile.openForProbe(path, decodeAudio: false)).info() }
            return
        }
        let withoutAudio = try ProbeReader(input: InputFile.openForProbe(path, decodeAudio: false)).info()
        #expect(withoutAudio.video == probed.video)
        #expect(withoutAudio.duration == probed.duration)
        #expect(withoutAudio.startTime == probed.startTime)
        #expect(withoutAudio.bitRate == probed.bitRate)
        #expect(withoutAudio.audio?.index == probed.audio?.index)
        #expect(withoutAudio.audio?.codec == probed.audio?.codec)
        #expect(withoutAudio.audio?.startTime == probed.audio?.startTime)
    }

    @Test func enoughFilesTakeTheDeclaredPathToMeanSomething() throws {
        let declared = Self.files.filter { (try? Self.declaredProbe($0)) != nil }
        #expect(declared.count >= 20, "\(declared.count) of \(Self.files.count)")
        // Variable frame rates, other codecs and several audio tracks go through the full analysis.
        #expect(try Self.declaredProbe(FixturePaths.realworldFile("screencap-h264-3026x1386-vfr-noaudio.mp4")) == nil)
        #expect(try Self.declaredProbe(FixturePaths.realworldFile("apple-mpeg4asp-aac-190x240.mp4")) == nil)
    }

    /// The sequence parameter set of the 720p fixture, read from its avcC: High profile, 4:2:0 8-bit, 1280x720,
    /// and no range or aspect ratio of its own.
    @Test func sequenceParametersOfTheSeedanceClip() throws {
        let input = try InputFile.openChecked(FixturePaths.fixture("probe/seedance-720p.mp4"), findStreamInfo: false)
        let par = try #require(input.bestStream(AVMEDIA_TYPE_VIDEO)?.parameters)
        let avcC = UnsafeBufferPointer(start: par.pointee.extradata, count: Int(par.pointee.extradata_size))
        let sps = try #require(H264SequenceParameters(avcC: avcC))
        #expect(sps.profile == 100)
        #expect(sps.chromaFormat == 1 && sps.bitDepth == 8)
        #expect(sps.width == 1280 && sps.height == 720)
        #expect(sps.pixelFormat(containerRange: AVCOL_RANGE_UNSPECIFIED, containerSpace: AVCOL_SPC_UNSPECIFIED)
            == AV_PIX_FMT_YUV420P)
        // A full-range stream decodes to the yuvj format, as FFmpeg's decoder outputs it.
        var full = sps
        full.fullRange = true
        #expect(full.pixelFormat(containerRange: AVCOL_RANGE_MPEG, containerSpace: AVCOL_SPC_UNSPECIFIED)
            == AV_PIX_FMT_YUVJ420P)

        // Cut short anywhere, it is refused rather than misread.
        let bytes = Array(avcC)
        let length = Int(bytes[6]) << 8 | Int(bytes[7])
        for cut in 2 ..< length {
            var short = Array(bytes[0 ..< 8 + cut])
            short[6] = UInt8(cut >> 8)
            short[7] = UInt8(cut & 0xff)
            let parsed = short.withUnsafeBufferPointer { H264SequenceParameters(avcC: $0) }
            #expect(parsed == nil || parsed == sps, "cut at \(cut)")
        }
    }

    /// Exp-Golomb codes and emulation-prevention bytes.
    @Test func rbspReader() {
        // 0x00 0x00 0x03 0x01: the 03 is dropped; then 1 (ue 0), 010 (ue 1), 011 (ue 2), 00100 (ue 3).
        var reader = RBSPReader(nal: [0x00, 0x00, 0x03, 0x01, 0b1010_0110, 0b0100_0000])
        #expect(reader.bits(16) == 0)
        #expect(reader.bits(8) == 1)
        #expect(reader.ue() == 0 && reader.ue() == 1 && reader.ue() == 2 && reader.ue() == 3)
        #expect(!reader.overrun)
        _ = reader.bits(16)
        #expect(reader.overrun)
    }
}
