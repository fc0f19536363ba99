import ArgumentParser
import Media

/// The image options `thumbnail` and `contact-sheet` share.
struct ImageOutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("JPEG quality, 1 (smallest) to 100 (best).", valueName: "percent"))
    var quality: Int = JPEGQuality.standard.percent

    @Flag(inversion: .prefixedNo,
          help: "Apply the rotation metadata (the default); --no-autorotate keeps the stored orientation.")
    var autorotate = true

    @Flag(help: "Print what was written as JSON.")
    var json = false

    /// The quality, checked; `command` names the command in the error.
    func jpegQuality(command: String) throws -> JPEGQuality {
        guard (1...100).contains(quality) else {
            throw CommandFailure(.badInput, "\(command): --quality \(quality) is out of range: use 1 to 100")
        }
        return JPEGQuality(percent: quality)
    }
}
