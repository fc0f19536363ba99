import Foundation

/// The files of a run folder. Paths stored in the job store and the reports are relative to the folder, so a run
/// folder can be moved or served as is.
public struct RunLayout: Sendable, Hashable {
    /// The run folder.
    public let directory: String

    /// Creates the folder and its `clips/` and `thumbs/`; a folder that cannot be made is a `StoreError` naming it
    /// (`out/edit1: cannot create the run folder: not a directory (a file is in the way)`).
    public init(directory: String) throws {
        self.directory = directory
        for sub in ["", "clips", "thumbs"] {
            let path = (directory as NSString).appendingPathComponent(sub)
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw StoreError(reason: "\(path): cannot create the run folder: \(Self.reason(error))")
            }
        }
    }

    /// A short reason for a failed `createDirectory`: the POSIX errno underneath when there is one.
    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        var code: Int32?
        if nsError.domain == NSPOSIXErrorDomain {
            code = Int32(nsError.code)
        } else if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? any Error {
            // A POSIXError struct on Linux, an NSError elsewhere: both bridge.
            let bridged = underlying as NSError
            if bridged.domain == NSPOSIXErrorDomain { code = Int32(bridged.code) }
        }
        switch code {
        case ENOENT?: return "no such file or folder"
        case EACCES?, EPERM?: return "permission denied"
        case ENOTDIR?: return "not a directory (a file is in the way)"
        case EEXIST?: return "a file is already there"
        case EROFS?: return "read-only file system"
        case ENOSPC?: return "no space left on the device"
        case let code?: return String(cString: strerror(code))
        case nil: break
        }
        switch CocoaError.Code(rawValue: nsError.code) {
        case .fileWriteFileExists: return "a file is already there"
        case .fileWriteNoPermission: return "permission denied"
        case .fileWriteVolumeReadOnly: return "read-only file system"
        case .fileWriteOutOfSpace: return "no space left on the device"
        case .fileNoSuchFile: return "no such file or folder"
        default: return nsError.localizedDescription
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
    /// A rejected attempt's clip, relative.
    public func rejectedClip(_ shot: String, attempt: Int) -> String { "clips/\(shot).attempt\(attempt)-rejected.mp4" }
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
