import ArgumentParser
import Foundation
import Media

/// `seedance concat FILE... -o OUT.mp4 [--mode auto|copy|normalize] [--json]`.
struct ConcatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concat",
        abstract: "Join clips in order into one MP4, frame-accurate and with audio and video in sync.",
        discussion: """
            Three modes (--mode):

            copy: copy the video packet for packet and re-encode only the audio, once, through the joins. \
            Valid only when every clip has the same codec parameters: codec, profile, size, pixel format, sample \
            aspect ratio, frame rate, rotation and codec headers; audio codec, sample rate and channels. Each clip's \
            first frame follows the previous clip's last frame, so the output has the sum of the inputs' frames at a \
            constant rate; each clip's audio is cut or padded to its video's length (no priming heard at a join) and \
            the audio ends with the video.

            normalize: decode and re-encode with H.264 + AAC to one size and frame rate (by default the first \
            clip's), scaling with black bars to keep each clip's aspect, converting frame rates, resampling audio \
            and adding silence for clips without audio.

            auto (the default): copy when it is valid, otherwise normalize (also when a copy fails); the summary \
            says which and why.

            --transition fade:SECONDS crossfades video and audio at every join; dip:SECONDS fades to black and \
            silence and back (both normalize; each join overlaps the \
            clips by SECONDS, so the output is that much shorter per join).

            The output is written under a temporary name and renamed when complete, with the moov box first \
            (faststart); on any error nothing is left at OUT. Exit status 2 for bad input: an unreadable clip, \
            --mode copy on clips that differ (the message names the parameter and both files), or OUT equal to an \
            input.

            Examples:
              seedance concat shot1.mp4 shot2.mp4 shot3.mp4 -o final.mp4
              seedance concat clips/*.mp4 -o final.mp4 --mode copy
              seedance concat intro.mov a.mp4 -o out.mp4 --mode normalize \\
                --size 1280x720 --fps 24 --crf 20
              seedance concat a.mp4 b.mp4 c.mp4 -o out.mp4 --transition fade:0.5
              seedance concat a.mp4 b.mp4 -o out.mp4 --loudness -16
              seedance concat a.mp4 b.mp4 -o out.mp4 --timeline edit.fcpxml
              seedance concat a.mp4 b.mp4 -o out.mp4 --json \\
                | jq '{strategy, reason, duration}'
            """
    )

    @Argument(help: "Clips to join, in order.")
    var files: [String]

    @Option(name: .shortAndLong, help: "The output file (.mp4 or .mov).")
    var output: String

    @Option(help: "auto (copy when valid, else normalize), copy, or normalize.")
    var mode: ConcatMode = .auto

    @Option(help: "A transition at every join: fade:SECONDS crossfades video and audio, dip:SECONDS goes through black (re-encodes; clips overlap).")
    var transition: String?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Bring every clip to this integrated loudness (EBU R128, LUFS; -16 for the web, -23 "
                               + "for broadcast) so levels do not jump at joins; off unless asked.", valueName: "LUFS"))
    var loudness: Double?

    @Option(help: ArgumentHelp("Also write the sequence for editing software, referencing the source clips: .otio "
                               + "(OpenTimelineIO), .fcpxml (Final Cut Pro, Resolve), .xml (Final Cut Pro 7, "
                               + "Premiere) or .edl (CMX 3600). Cuts only.", valueName: "file"))
    var timeline: String?

    @Option(help: "normalize: output size WIDTHxHEIGHT (default: the first clip's display size).")
    var size: String?

    @Option(help: "normalize: output frame rate, e.g. 24, 30, 30000/1001 (default: the first clip's).")
    var fps: String?

    @Option(help: "normalize: audio sample rate in Hz (default: the first clip with audio's).")
    var sampleRate: Int?

    @Option(help: "normalize: audio channels, 1 or 2 (default: the first clip with audio's).")
    var channels: Int?

    @Option(help: "normalize: libx264 CRF, 0-51 (lower is better and bigger).")
    var crf: Int = 18

    @Option(help: "normalize: libx264 preset, ultrafast ... veryslow.")
    var preset: String = "veryfast"

    @Option(help: "normalize: AAC bit rate in kb/s.")
    var audioBitrate: Int = 128

    @Flag(help: "Print the summary as JSON on stdout (nothing else goes there).")
    var json = false

    func validate() throws {
        if let size, Self.parseSize(size) == nil {
            throw ValidationError("--size must be WIDTHxHEIGHT with even numbers, e.g. 1280x720 (got \(size))")
        }
        if let fps, Self.parseRate(fps) == nil {
            throw ValidationError("--fps must be a positive number or a fraction like 30000/1001 (got \(fps))")
        }
        if let transition, ConcatTransition(parsing: transition) == nil {
            throw ValidationError("--transition must be fade:SECONDS or dip:SECONDS, e.g. fade:0.5 (got \(transition))")
        }
        if let channels, !(1...2).contains(channels) { throw ValidationError("--channels must be 1 or 2") }
        if let sampleRate, !(8_000...192_000).contains(sampleRate) {
            throw ValidationError("--sample-rate must be between 8000 and 192000 Hz")
        }
        if !(0...51).contains(crf) { throw ValidationError("--crf must be between 0 and 51") }
        if let timeline {
            let ext = (timeline as NSString).pathExtension.lowercased()
            guard EditTimeline.extensions.contains(ext) else {
                throw ValidationError("--timeline must end in .otio, .fcpxml, .xml or .edl (got \(timeline))")
            }
            if transition != nil {
                throw ValidationError("--timeline writes cuts: it cannot be combined with --transition")
            }
        }
        if let loudness, !(-70...0).contains(loudness) {
            throw ValidationError("--loudness must be between -70 and 0 LUFS, e.g. -16 (got \(loudness))")
        }
    }

    func run() async throws {
        var options = ConcatOptions(mode: mode)
        if let size, let parsed = Self.parseSize(size) { (options.width, options.height) = parsed }
        options.frameRate = fps.flatMap(Self.parseRate)
        options.sampleRate = sampleRate
        options.transition = transition.flatMap(ConcatTransition.init(parsing:))
        options.channels = channels
        options.crf = crf
        options.preset = preset
        options.audioBitRate = audioBitrate * 1000
        options.loudness = loudness
        let display = ProgressLine(enabled: isatty(STDERR_FILENO) == 1)
        let summary: ConcatSummary
        do {
            summary = try await concatenate(files, to: output, options: options) { display.update($0) }
        } catch let error as MediaError {
            display.clear()
            throw CommandFailure(.badInput, "concat: \(error.description)")
        }
        display.clear()
        if let timeline {
            do {
                let name = ((output as NSString).lastPathComponent as NSString).deletingPathExtension
                try EditTimeline(name: name, probing: files).write(to: timeline)
            } catch let error as MediaError {
                throw CommandFailure(.badInput, "concat: \(error.description)")
            }
        }
        if json {
            StandardOutput.write(try JSONOutput.encode(summary) + "\n")
        } else {
            let count = summary.inputs.count
            var text = "\(summary.output): \(count) clip\(count == 1 ? "" : "s"), \(Format.seconds(summary.duration)), "
                + "\(summary.width)x\(summary.height), \(Format.bytes(summary.sizeBytes)) "
                + "in \(String(format: "%.2f", summary.elapsed)) s\n"
            text += "strategy: \(summary.strategy.rawValue): \(summary.reason)\n"
            if let loudness = summary.loudness {
                let lufs = { (value: Double?) in value.map { String(format: "%.1f", $0) } ?? "silent" }
                text += "loudness: inputs \(loudness.inputs.map(lufs).joined(separator: ", ")) LUFS; output "
                    + "\(lufs(loudness.output)) LUFS (target \(String(format: "%.1f", loudness.target)))\n"
            }
            StandardOutput.write(text)
        }
    }

    static func parseSize(_ text: String) -> (Int, Int)? {
        let parts = text.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts.allSatisfy({ $0 >= 16 && $0 <= 8192 && $0 % 2 == 0 }) else { return nil }
        return (parts[0], parts[1])
    }

    static func parseRate(_ text: String) -> Rational? {
        let parts = text.split(separator: "/")
        if parts.count == 2, let n = Int32(parts[0]), let d = Int32(parts[1]), n > 0, d > 0 { return Rational(n, d) }
        guard parts.count == 1, let value = Double(text), value > 0, value <= 1000 else { return nil }
        if value == value.rounded() { return Rational(Int32(value), 1) }
        return Rational(Int32((value * 1000).rounded()), 1000)
    }
}

extension ConcatMode: ExpressibleByArgument {}

/// A one-line progress display on stderr, redrawn in place; silent when stderr is not a terminal.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var lastPercent = -1

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ progress: ConcatProgress) {
        guard enabled else { return }
        let percent = Int(progress.fraction * 100)
        let changed = lock.withLock {
            defer { lastPercent = percent }
            return percent != lastPercent
        }
        guard changed else { return }
        StandardError.write(String(format: "\rconcat: %3d%%  %.1f / %.1f s", percent, progress.done, progress.total))
    }

    func clear() {
        guard enabled, lock.withLock({ lastPercent >= 0 }) else { return }
        StandardError.write("\r\u{1B}[K")
    }
}
