import Foundation

/// The files of a run folder. Paths stored in the job store and the reports are relative to the folder, so a run
/// folder can be moved or served as is.
public struct RunLayout: Sendable, Hashable {
    /// The run folder.
    public let directory: String

    /// Creates the folder and its `clips/`, `thumbs/` and `attempts/`; a folder that cannot be made is a `StoreError`
    /// naming it (`out/edit1: cannot create the run folder: not a directory (a file is in the way)`).
    public init(directory: String) throws {
        self.directory = directory
        for sub in Self.folders {
            let path = (directory as NSString).appendingPathComponent(sub)
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw StoreError(reason: "\(path): cannot create the run folder: \(FileErrorReason.of(error))")
            }
        }
    }

    /// `DIR/state.sqlite`.
    public var state: String { absolute("state.sqlite") }
    /// The final video, relative.
    public var final: String { "final.mp4" }
    /// The JSON report, relative.
    public var reportJSON: String { "report.json" }
    /// The HTML report, relative.
    public var reportHTML: String { "report.html" }
    /// A shot's clip, relative.
    public func clip(_ shot: String) -> String { "clips/\(shot).mp4" }
    /// A shot's poster frame, relative.
    public func poster(_ shot: String) -> String { "thumbs/\(shot).jpg" }
    /// A shot's exact last frame, relative.
    public func lastFrame(_ shot: String) -> String { "thumbs/\(shot)-last.png" }
    /// A shot's contact sheet, relative.
    public func sheet(_ shot: String) -> String { "thumbs/\(shot)-sheet.png" }

    /// A relative path made absolute inside the folder.
    public func absolute(_ relative: String) -> String {
        relative.hasPrefix("/") ? relative : (directory as NSString).appendingPathComponent(relative)
    }
}
