import Foundation
import Media
import SeedanceAPI

/// Recognises this machine failing to write a file (no space, over quota, a read-only file system), whichever layer
/// reported it: the client's download, FFmpeg's writers, the image writer, a report or the store.
enum LocalWriteFailure {
    /// The errno values that mean "this machine cannot write here now".
    static let codes: Set<Int32> = [ENOSPC, EDQUOT, EROFS]

    /// Whether `error` is such a failure.
    static func matches(_ error: any Error) -> Bool {
        switch error {
        case let error as ClientError:
            return error.kind == .localFile
        case let error as MediaError:
            // FFmpeg's AVERROR(e) is -e; Media reports the writers' own errno the same way.
            return error.ffmpegCode.map { codes.contains(-$0) } ?? false
        default:
            return FileErrorReason.errno(of: error).map(codes.contains) ?? false
        }
    }
}
