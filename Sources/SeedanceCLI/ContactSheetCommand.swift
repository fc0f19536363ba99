import ArgumentParser
import Foundation
import Media

/// `seedance contact-sheet FILE -o SHEET.png [--count N] [--columns C]`.
struct ContactSheetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contact-sheet",
        abstract: "Write a grid of evenly spaced frames of a clip, to judge it at a glance.",
        usage: "seedance contact-sheet <file> -o <image> [--count <n>] [<options>]",
        discussion: """
            The clip is cut into --count equal parts and the first frame of each part is shown, left to right and \
            top to bottom: with 12 frames of a 6 s clip, the frames at 0, 0.5, 1, ... 5.5 s. Each frame is chosen \
            exactly as `seedance thumbnail --at` chooses it. Tiles are --tile-width pixels wide and keep the clip's \
            aspect ratio; phone video is turned upright. PNG or JPEG by the output's extension; written atomically.

            Examples:
              seedance contact-sheet clip.mp4 -o sheet.png
              seedance contact-sheet clip.mp4 -o sheet.jpg --count 24 --columns 6 \\
                --tile-width 240
            """
    )

    @Argument(help: "The video file.")
    var file: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The image to write: .png, .jpg or .jpeg.", valueName: "image"))
    var output: String

    @Option(help: ArgumentHelp("Number of frames.", valueName: "n"))
    var count = 12

    @Option(help: ArgumentHelp("Tiles per row (default: a near-square grid).", valueName: "c"))
    var columns: Int?

    @Option(help: ArgumentHelp("Width of each tile in pixels.", valueName: "pixels"))
    var tileWidth = 320

    @OptionGroup var image: ImageOutputOptions

    func run() async throws {
        guard (1...1000).contains(count) else {
            throw CommandFailure(.badInput, "contact-sheet: --count \(count) is out of range: use 1 to 1000")
        }
        if let columns, columns < 1 {
            throw CommandFailure(.badInput, "contact-sheet: --columns \(columns) is out of range: use 1 or more")
        }
        guard (16...4096).contains(tileWidth) else {
            throw CommandFailure(.badInput, "contact-sheet: --tile-width \(tileWidth) is out of range: use 16 to 4096")
        }
        let quality = try image.jpegQuality(command: "contact-sheet")
        let options = ContactSheetOptions(count: count, columns: columns, tileWidth: tileWidth,
                                          quality: quality, autorotate: image.autorotate)
        let result: ContactSheetResult
        do {
            result = try await writeContactSheet(of: file, to: output, options: options)
        } catch let error as MediaError {
            throw CommandFailure(.badInput, "contact-sheet: \(error.description)")
        }
        if image.json {
            StandardOutput.write(try JSONOutput.encode(result) + "\n")
        } else {
            let first = result.times.first.flatMap { $0 }, last = result.times.last.flatMap { $0 }
            let span = first.flatMap { f in last.map { " (\(Format.seconds(f)) to \(Format.seconds($0)))" } } ?? ""
            StandardOutput.write("wrote \(result.output): \(counted(result.times.count, "frame")) of \(result.file) in a "
                + "\(result.columns)x\(result.rows) grid\(span), \(result.width)x\(result.height) "
                + "\(result.format.rawValue.uppercased()), \(Format.bytes(Int64(result.sizeBytes)))\n")
        }
    }
}
