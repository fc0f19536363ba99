import Foundation

/// Checks done before FFmpeg sees a path, so the common mistakes get plain words.
enum MediaFileCheck {
    /// Throws for a missing path, a directory, an unreadable file or an empty file.
    static func requireReadableFile(_ path: String) throws {
        // One stat answers all but the permission question (a probe of many files pays this per file).
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == EACCES {
                throw MediaError(.io, path: path, operation: "", reason: "permission denied: the file is not readable")
            }
            throw MediaError(.notFound, path: path, operation: "", reason: "no such file")
        }
        if info.st_mode & S_IFMT == S_IFDIR {
            throw MediaError(.isDirectory, path: path, operation: "", reason: "is a directory, not a video file")
        }
        // A FIFO or a device never ends or blocks in read(), where FFmpeg's interrupt callback cannot stop it.
        if info.st_mode & S_IFMT != S_IFREG {
            throw MediaError(.io, path: path, operation: "", reason: "not a regular file (a pipe or a device): "
                + "save the stream to a file first")
        }
        guard access(path, R_OK) == 0 else {
            throw MediaError(.io, path: path, operation: "", reason: "permission denied: the file is not readable")
        }
        if info.st_size == 0 {
            throw MediaError(.emptyFile, path: path, operation: "", reason: "the file is empty (0 bytes)")
        }
    }

    /// A better explanation of an open that failed with "invalid data": a truncated MP4 says so.
    static func explainUnreadable(path: String, original: MediaError) -> MediaError {
        let boxes = TopLevelBoxes(path: path)
        let isoTypes: Set<String> = ["ftyp", "moov", "mdat", "free", "skip", "wide", "styp", "sidx", "moof", "pdin"]
        guard let first = boxes.boxes.first ?? boxes.overrun, isoTypes.contains(first.type) else { return original }
        var error = original
        error.kind = .truncated
        if let overrun = boxes.overrun {
            error.reason = "truncated: the \(overrun.type) box at byte \(overrun.offset) declares \(overrun.size) "
                + "bytes but the file ends at byte \(boxes.fileSize) (an incomplete download?)"
        } else if !boxes.boxes.contains(where: { $0.type == "moov" }) {
            if boxes.boxes.contains(where: { $0.type == "moof" }) {
                error.kind = .notMedia
                error.reason = "a media segment without its init segment (no moov box): join it to its init segment"
            } else {
                error.reason = "incomplete MP4: there is no moov box (an unfinished recording or a truncated download?)"
            }
        } else {
            error.kind = .notMedia
            error.reason = "a damaged MP4: FFmpeg could not read its moov box"
        }
        return error
    }
}

extension InputFile {
    /// Opens `path` after the plain checks (missing, directory, empty), explaining a file FFmpeg cannot read as
    /// `probe` does (an HTML page, a truncated download), so every command says the same words.
    static func openChecked(_ path: String, limits: OpenLimits = OpenLimits(), findStreamInfo: Bool = true) throws
        -> InputFile
    {
        try MediaFileCheck.requireReadableFile(path)
        do {
            return try InputFile(path: path, limits: limits, findStreamInfo: findStreamInfo)
        } catch let error as MediaError where error.kind == .notMedia {
            throw MediaFileCheck.explainUnreadable(path: path, original: error)
        }
    }
}
