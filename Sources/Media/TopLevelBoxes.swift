import Foundation

/// The top-level boxes of an ISO-BMFF (MP4/MOV) file, read from their 8- or 16-byte headers only.
///
/// Used for what FFmpeg does not report: whether moov precedes mdat (faststart) and whether a box runs past the end
/// of the file (a truncated download).
struct TopLevelBoxes {
    /// A box's four-character type and where it lies.
    struct Box: Hashable {
        var type: String
        var offset: Int64
        var size: Int64
    }

    var boxes: [Box] = []
    /// The file's size in bytes.
    var fileSize: Int64 = 0
    /// The first box whose declared size runs past the end of the file.
    var overrun: Box?

    /// Scans `path`; stops at the first malformed header (which is then `overrun`) or after 10,000 boxes.
    init(path: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        fileSize = Int64((try? handle.seekToEnd()) ?? 0)
        var offset: Int64 = 0
        while offset + 8 <= fileSize, boxes.count < 10_000 {
            guard (try? handle.seek(toOffset: UInt64(offset))) != nil,
                  let header = try? handle.read(upToCount: 16), header.count >= 8 else { break }
            var size = Int64(header.readUInt32(at: 0))
            let type = String(decoding: header[header.startIndex + 4 ..< header.startIndex + 8], as: UTF8.self)
            if size == 1 {
                guard header.count >= 16 else { overrun = Box(type: type, offset: offset, size: 16); break }
                size = Int64(bitPattern: header.readUInt64(at: 8))
            } else if size == 0 {
                size = fileSize - offset // "extends to the end of the file"
            }
            let box = Box(type: type, offset: offset, size: size)
            guard size >= 8 else { overrun = box; break }
            boxes.append(box)
            // Compared as a remainder: a crafted 64-bit size near Int64.max would overflow `offset + size`.
            if size > fileSize - offset { overrun = box; break }
            offset += size
        }
    }

    /// True when moov comes before the first mdat (or there is no mdat); nil when there is no moov.
    var moovBeforeMdat: Bool? {
        guard let moov = boxes.first(where: { $0.type == "moov" }) else { return nil }
        guard let mdat = boxes.first(where: { $0.type == "mdat" }) else { return true }
        return moov.offset < mdat.offset
    }
}

extension Data {
    func readUInt32(at offset: Int) -> UInt32 {
        let i = startIndex + offset
        return (UInt32(self[i]) << 24) | (UInt32(self[i + 1]) << 16) | (UInt32(self[i + 2]) << 8) | UInt32(self[i + 3])
    }

    func readUInt64(at offset: Int) -> UInt64 {
        (UInt64(readUInt32(at: offset)) << 32) | UInt64(readUInt32(at: offset + 4))
    }
}
