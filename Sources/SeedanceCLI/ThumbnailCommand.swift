import ArgumentParser
import Foundation
import Media

/// `seedance thumbnail FILE (--at SECONDS | --last) -o OUT.jpg|OUT.png [--width N]`.
///
/// Synchronous: one frame is one short blocking job, done on the thread the program starts on.
struct ThumbnailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thumbnail",
        abstract: "Write one frame of a clip as a JPEG or PNG: the frame at a time, or the last frame.",
        usage: "seedance thumbnail <file> (--at <time> | --last) -o <image> [<options>]",
        discussion: """
            --at picks the same frame as `ffmpeg -ss T -i FILE -frames:v 1`: the first frame shown at or after T \
            (an accurate seek: the keyframe before T is decoded forward to T). A time after the last frame but \
            within the clip gives the last frame. --last gives the clip's final frame, the one to feed as the first \
            frame of the next shot so a multi-shot edit stays continuous.

            The format follows the output's extension: .jpg/.jpeg (JPEG, --quality applies) or .png (lossless RGB). \
            Phone video is turned upright as its rotation metadata says, like the ffmpeg CLI. The image is written \
            under a temporary name and renamed into place, so a failure never leaves a partial file.

            Examples:
              seedance thumbnail clip.mp4 --at 2.5 -o poster.jpg
              seedance thumbnail clip.mp4 --at 0:01.25 -o frame.png --width 640
              seedance thumbnail shot1.mp4 --last -o shot2-first-frame.png
              seedance thumbnail clip.mp4 --at 0 -o poster.jpg --json | jq .time
            """
    )

    @Argument(help: "The video file.")
    var file: String

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Time of the frame: seconds (2.5) or [HH:]MM:SS[.fff] (0:02.5).", valueName: "seconds"))
    var at: String?

    @Flag(help: "Take the last frame of the clip instead of a time.")
    var last = false

    @Option(name: .shortAndLong, help: ArgumentHelp("The image to write: .jpg, .jpeg or .png.", valueName: "image"))
    var output: String

    @Option(help: ArgumentHelp("Width in pixels; the height keeps the aspect ratio (default: the frame's size).",
                               valueName: "pixels"))
    var width: Int?

    @OptionGroup var image: ImageOutputOptions

    func run() throws {
        let position = try framePosition()
        let quality = try image.jpegQuality(command: "thumbnail")
        if let width, width < 1 {
            throw CommandFailure(.badInput, "thumbnail: --width \(width) is out of range: use a positive number of pixels")
        }
        let options = ThumbnailOptions(width: width, quality: quality, autorotate: image.autorotate)
        let result: ThumbnailResult
        do {
            result = try writeThumbnail(of: file, at: position, to: output, options: options)
        } catch let error as MediaError {
            throw CommandFailure(.badInput, "thumbnail: \(error.description)")
        }
        if image.json {
            StandardOutput.write(try JSONOutput.encode(result) + "\n")
        } else {
            StandardOutput.write(Self.summary(result) + "\n")
        }
    }

    private func framePosition() throws -> FramePosition {
        switch (at, last) {
        case (nil, false):
            throw CommandFailure(.badInput, "thumbnail: say which frame: --at SECONDS or --last")
        case (.some, true):
            throw CommandFailure(.badInput, "thumbnail: give --at or --last, not both")
        case (nil, true):
            return .last
        case (let text?, false):
            guard let seconds = TimeArgument.parse(text) else {
                throw CommandFailure(.badInput,
                                     "thumbnail: --at \(text) is not a time: use seconds (2.5) or [HH:]MM:SS[.fff] (0:02.5)")
            }
            return .seconds(seconds)
        }
    }

    static func summary(_ r: ThumbnailResult) -> String {
        let which: String
        if r.isLastFrame {
            which = "the last frame" + (r.time.map { " (\(Format.seconds($0)))" } ?? "")
        } else {
            which = "frame at " + (r.time.map(Format.seconds) ?? "?")
                + (r.requestedTime.map { " (asked \(Format.seconds($0)))" } ?? "")
        }
        return "wrote \(r.output): \(which) of \(r.file), \(r.width)x\(r.height) \(r.format.rawValue.uppercased()), "
            + Format.bytes(Int64(r.sizeBytes))
    }
}

/// Times on the command line: seconds (`2.5`) or clock form (`1:02.5`, `0:01:02.5`).
enum TimeArgument {
    static func parse(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let negative = trimmed.hasPrefix("-")
        let body = negative ? String(trimmed.dropFirst()) : trimmed
        let parts = body.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        var total = 0.0
        for (i, part) in parts.enumerated() {
            let isLast = i == parts.count - 1
            // Only the seconds may have a fraction; minutes and seconds before a colon stay below 60.
            guard !part.isEmpty, part.allSatisfy({ $0.isNumber || (isLast && $0 == ".") }),
                  let value = Double(part), value.isFinite else { return nil }
            if i > 0 && value >= 60 { return nil }
            total = total * 60 + value
        }
        return negative ? -total : total
    }
}
