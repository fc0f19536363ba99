import Foundation

/// Short words for why a file operation failed, one table for the whole tool: the run folder's messages and the
/// command line's one-line errors say the same thing for the same cause.
public enum FileErrorReason {
    /// A POSIX errno in words (the common ones ours, the rest `strerror`'s).
    public static func words(errno: Int32) -> String {
        switch errno {
        case ENOENT: "no such file or folder"
        case EACCES, EPERM: "permission denied"
        case ENOTDIR: "not a directory (a file is in the way)"
        case EISDIR: "is a directory"
        case EEXIST: "a file is already there"
        case EROFS: "read-only file system"
        case ENOSPC: "no space left on the device"
        case ENAMETOOLONG: "the name is too long"
        default: String(cString: strerror(errno))
        }
    }

    /// A Foundation file error code in words; nil for a code without words of its own.
    public static func words(cocoa code: CocoaError.Code) -> String? {
        switch code {
        case .fileNoSuchFile, .fileReadNoSuchFile: "no such file or folder"
        case .fileReadNoPermission, .fileWriteNoPermission: "permission denied"
        case .fileWriteFileExists: "a file is already there"
        case .fileWriteVolumeReadOnly: "read-only file system"
        case .fileWriteOutOfSpace: "no space left on the device"
        case .fileReadTooLarge: "the file is too large"
        case .fileReadCorruptFile: "the file is corrupt or not in the expected format"
        case .fileReadInapplicableStringEncoding, .fileWriteInapplicableStringEncoding: "the text is not in the expected encoding"
        case .fileReadInvalidFileName, .fileWriteInvalidFileName: "not a valid file name"
        case .fileLocking: "the file is locked"
        default: nil
        }
    }

    /// The errno under a Foundation error (itself a POSIX error, or one it wraps): a `POSIXError` struct on Linux,
    /// an `NSError` elsewhere; both bridge.
    public static func errno(of error: any Error) -> Int32? {
        let nsError = error as NSError
        if nsError.domain == NSPOSIXErrorDomain { return Int32(nsError.code) }
        guard let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? any Error else { return nil }
        let bridged = underlying as NSError
        return bridged.domain == NSPOSIXErrorDomain ? Int32(bridged.code) : nil
    }

    /// Why a file operation failed: the errno underneath when there is one, else the Foundation code's words, else
    /// Foundation's own description.
    public static func of(_ error: any Error) -> String {
        if let code = errno(of: error) { return words(errno: code) }
        let nsError = error as NSError
        return words(cocoa: CocoaError.Code(rawValue: nsError.code)) ?? nsError.localizedDescription
    }
}
