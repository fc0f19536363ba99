import Foundation

/// The top-level boxes of an ISO-BMFF file as the signer needs them: type, offset and size of each, every size
/// checked, covering the whole file (a file with bytes that are not boxes is refused, since the hash and the
/// manifest's place would be guesses).
enum TopLevelBoxScan {
    /// One top-level box.
    struct Box: Sendable, Hashable {
        var type: String
        var offset: Int64
        var size: Int64
    }

    /// Opens `path` for reading, or throws naming it.
    static func open(_ path: String) throws -> FileHandle {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ManifestSigningError("\(path): cannot be read")
        }
        return handle
    }

    /// The boxes of the file behind `handle`, in order; they cover it exactly.
    static func boxes(of handle: FileHandle, path: String) throws -> [Box] {
        let fileSize = Int64(try handle.seekToEnd())
        var boxes: [Box] = []
        var offset: Int64 = 0
        while offset < fileSize {
            guard fileSize - offset >= 8, boxes.count < 100_000 else {
                throw ManifestSigningError("\(path): \(fileSize - offset) bytes at byte \(offset) are not a box")
            }
            try handle.seek(toOffset: UInt64(offset))
            let header = try handle.read(upToCount: 16) ?? Data()
            guard header.count >= 8 else { throw ManifestSigningError("\(path): cannot read the box at \(offset)") }
            var size = Int64(bigEndian(header, 0, 4))
            let type = String(decoding: header[header.startIndex + 4 ..< header.startIndex + 8], as: UTF8.self)
            if size == 1 {
                guard header.count == 16 else { throw ManifestSigningError("\(path): the \(type) header is cut") }
                let large = bigEndian(header, 8, 8)
                guard large <= UInt64(Int64.max) else { throw ManifestSigningError("\(path): a \(type) box too large") }
                size = Int64(large)
            } else if size == 0 {
                size = fileSize - offset      // "to the end of the file"
            }
            // Compared as a remainder: a crafted 64-bit size would overflow `offset + size`.
            guard size >= 8, size <= fileSize - offset else {
                throw ManifestSigningError("\(path): the \(type) box at byte \(offset) declares \(size) bytes, "
                    + "\(fileSize - offset) are left")
            }
            boxes.append(Box(type: type, offset: offset, size: size))
            offset += size
        }
        return boxes
    }

    private static func bigEndian(_ data: Data, _ offset: Int, _ count: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<count { value = value << 8 | UInt64(data[data.startIndex + offset + index]) }
        return value
    }
}
