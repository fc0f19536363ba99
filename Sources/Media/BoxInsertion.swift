import Foundation

/// Inserts `box` (a whole box: 32-bit size, type, payload) into the MP4/MOV at `source` right after its `ftyp`,
/// and writes the result to `destination` (nil: `source` itself), atomically.
///
/// Everything after `ftyp` moves by the box's size, so every chunk offset in moov (`stco` and `co64` of every
/// track) that points at or past the insertion point is moved by as much; without that the samples would be read
/// from the wrong bytes. moov may come before or after mdat. The output is written beside `destination` and
/// renamed into place, so `destination` is either untouched or complete; on any error `source` is untouched.
///
/// Every size read from the file is checked against its parent and the file, so a damaged or crafted file throws
/// a `MediaError` (`notMedia`, `truncated`) instead of being misread. Files whose other absolute offsets this does
/// not rewrite (fragmented MP4 with `moof`, a top-level `meta`, `saio` sample-information offsets) throw
/// `unsupported`, as does a `stco` offset that would pass 4 GiB. Blocking (it copies the file once).
public func insertTopLevelBox(_ box: Data, afterFileTypeIn source: String, writingTo destination: String? = nil)
    throws
{
    let destination = destination ?? source
    let operation = "inserting a box after ftyp"
    guard box.count >= 8, box.count <= Int(UInt32.max), Int(box.readUInt32(at: 0)) == box.count else {
        throw MediaError(.invalidArgument, path: source, operation: operation,
                         reason: "the box to insert must start with its own 32-bit size (\(box.count) bytes given)")
    }
    try MediaFileCheck.requireReadableFile(source)
    let layout = TopLevelBoxes(path: source)
    guard let ftyp = layout.boxes.first, ftyp.type == "ftyp", ftyp.offset == 0 else {
        throw MediaError(.notMedia, path: source, operation: operation,
                         reason: "not an MP4: the file does not start with an ftyp box")
    }
    if let overrun = layout.overrun {
        throw MediaError(.truncated, path: source, operation: operation,
                         reason: "truncated: the \(overrun.type) box at byte \(overrun.offset) declares "
                             + "\(overrun.size) bytes but the file ends at byte \(layout.fileSize)")
    }
    // The scan stops at a header it cannot read or after 10,000 boxes: then the boxes do not cover the file.
    guard let last = layout.boxes.last, last.offset + last.size == layout.fileSize else {
        throw MediaError(.notMedia, path: source, operation: operation,
                         reason: "the bytes after the top-level boxes are not boxes (a damaged file?)")
    }
    let moovs = layout.boxes.filter { $0.type == "moov" }
    guard moovs.count == 1, let moov = moovs.first else {
        throw MediaError(moovs.isEmpty ? .notMedia : .unsupported, path: source, operation: operation,
                         reason: moovs.isEmpty ? "the MP4 has no moov box" : "the MP4 has \(moovs.count) moov boxes")
    }
    if let other = layout.boxes.first(where: { ["moof", "mfra", "meta"].contains($0.type) }) {
        throw MediaError(.unsupported, path: source, operation: operation,
                         reason: "the file has a top-level \(other.type) box, whose offsets would need rewriting too")
    }
    // moov is read whole to patch it; a real one is well under this (about 8 bytes per sample).
    let moovLimit: Int64 = 256 << 20
    guard moov.size <= moovLimit else {
        throw MediaError(.unsupported, path: source, operation: operation,
                         reason: "the moov box is \(moov.size) bytes, more than the \(moovLimit) this reads")
    }

    let input: FileHandle
    do { input = try FileHandle(forReadingFrom: URL(fileURLWithPath: source)) } catch {
        throw MediaError(.io, path: source, operation: operation, reason: "cannot read the file: \(error)")
    }
    defer { try? input.close() }
    var moovBytes = try readExactly(input, at: moov.offset, count: Int(moov.size), path: source)
    let insertionPoint = ftyp.offset + ftyp.size
    try ChunkOffsets.shift(moov: &moovBytes, from: insertionPoint, by: Int64(box.count), path: source)

    let temporary = TemporaryPath.beside(destination, extension: (destination as NSString).pathExtension)
    var committed = false
    defer { if !committed { try? FileManager.default.removeItem(atPath: temporary) } }
    guard FileManager.default.createFile(atPath: temporary, contents: nil),
          let output = FileHandle(forWritingAtPath: temporary)
    else {
        throw MediaError(.io, path: destination, operation: operation, reason: "cannot write beside the file")
    }
    do {
        defer { try? output.close() }
        try copy(input, range: 0..<insertionPoint, to: output, path: source)
        try output.write(contentsOf: box)
        try copy(input, range: insertionPoint..<moov.offset, to: output, path: source)
        try output.write(contentsOf: moovBytes)
        try copy(input, range: (moov.offset + moov.size)..<layout.fileSize, to: output, path: source)
        try output.synchronize()
    } catch let error as MediaError {
        throw error
    } catch {
        throw MediaError(.io, path: destination, operation: operation, reason: "writing failed: \(error)")
    }
    // Keep the source's permissions (a fresh file gets the process's defaults).
    if let mode = try? FileManager.default.attributesOfItem(atPath: source)[.posixPermissions] {
        try? FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: temporary)
    }
    try TemporaryPath.commit(temporary, to: destination)
    committed = true
}

/// Reads `count` bytes at `offset`, or throws `truncated` (the file changed under us or lied about its size).
private func readExactly(_ handle: FileHandle, at offset: Int64, count: Int, path: String) throws -> Data {
    do {
        try handle.seek(toOffset: UInt64(offset))
        let data = try handle.read(upToCount: count) ?? Data()
        guard data.count == count else {
            throw MediaError(.truncated, path: path, operation: "reading the file",
                             reason: "truncated: \(count) bytes expected at byte \(offset), \(data.count) there")
        }
        return data
    } catch let error as MediaError {
        throw error
    } catch {
        throw MediaError(.io, path: path, operation: "reading the file", reason: "\(error)")
    }
}

/// Copies the bytes of `range` from `input` to `output` in pieces of 1 MiB.
private func copy(_ input: FileHandle, range: Range<Int64>, to output: FileHandle, path: String) throws {
    var offset = range.lowerBound
    while offset < range.upperBound {
        let count = Int(min(1 << 20, range.upperBound - offset))
        try output.write(contentsOf: try readExactly(input, at: offset, count: count, path: path))
        offset += Int64(count)
    }
}

/// The chunk-offset tables inside a moov box, walked with every size checked.
enum ChunkOffsets {
    /// A box inside a parent's bytes: its type, its whole extent and its payload's.
    struct Child {
        var type: String
        var range: Range<Int>
        var payload: Range<Int>
    }

    /// Adds `delta` to every `stco`/`co64` entry of every track in `moov` (the whole moov box, header included)
    /// that is at or past `point`.
    static func shift(moov: inout Data, from point: Int64, by delta: Int64, path: String) throws {
        guard let top = try children(of: moov, in: 0..<moov.count, path: path).first, top.type == "moov" else {
            throw damaged(path, "the moov box cannot be read")
        }
        for trak in try children(of: moov, in: top.payload, path: path) where trak.type == "trak" {
            for mdia in try children(of: moov, in: trak.payload, path: path) where mdia.type == "mdia" {
                for minf in try children(of: moov, in: mdia.payload, path: path) where minf.type == "minf" {
                    for stbl in try children(of: moov, in: minf.payload, path: path) where stbl.type == "stbl" {
                        for table in try children(of: moov, in: stbl.payload, path: path) {
                            switch table.type {
                            case "stco": try patch(&moov, table, entrySize: 4, point: point, delta: delta, path: path)
                            case "co64": try patch(&moov, table, entrySize: 8, point: point, delta: delta, path: path)
                            case "saio":
                                throw MediaError(.unsupported, path: path, operation: "patching chunk offsets",
                                                 reason: "the file has saio sample-information offsets, not rewritten")
                            default: break
                            }
                        }
                    }
                }
            }
        }
    }

    /// The boxes that fill `range` of `data`, each checked to lie inside it.
    static func children(of data: Data, in range: Range<Int>, path: String) throws -> [Child] {
        var result: [Child] = []
        var offset = range.lowerBound
        while offset < range.upperBound {
            guard range.upperBound - offset >= 8 else {
                throw damaged(path, "\(range.upperBound - offset) stray bytes at the end of a box in moov")
            }
            let declared = data.bigEndian(at: offset, count: 4)
            let typeStart = data.startIndex + offset + 4
            let type = String(decoding: data[typeStart..<(typeStart + 4)], as: UTF8.self)
            var header = 8
            var size: UInt64
            switch declared {
            case 1:
                guard range.upperBound - offset >= 16 else { throw damaged(path, "the \(type) box header is cut") }
                size = data.bigEndian(at: offset + 8, count: 8)
                header = 16
            case 0:
                size = UInt64(range.upperBound - offset)   // "to the end of the parent"
            default:
                size = declared
            }
            guard size >= UInt64(header), size <= UInt64(range.upperBound - offset) else {
                throw damaged(path, "the \(type) box in moov declares \(size) bytes, its parent has "
                    + "\(range.upperBound - offset) left")
            }
            let end = offset + Int(size)
            result.append(Child(type: type, range: offset..<end, payload: (offset + header)..<end))
            offset = end
        }
        return result
    }

    /// Patches one table: version and flags, a 32-bit entry count, then the entries, all inside the box.
    private static func patch(_ data: inout Data, _ table: Child, entrySize: Int, point: Int64, delta: Int64,
                              path: String) throws {
        let payload = table.payload
        guard payload.count >= 8 else { throw damaged(path, "the \(table.type) box is too short") }
        let count = Int(data.bigEndian(at: payload.lowerBound + 4, count: 4))
        guard count <= (payload.count - 8) / entrySize else {
            throw damaged(path, "the \(table.type) box lists \(count) chunks but has room for "
                + "\((payload.count - 8) / entrySize)")
        }
        for index in 0..<count {
            let at = payload.lowerBound + 8 + index * entrySize
            let value = data.bigEndian(at: at, count: entrySize)
            guard value >= UInt64(point) else { continue }
            let (moved, overflow) = value.addingReportingOverflow(UInt64(delta))
            if overflow || (entrySize == 4 && moved > UInt64(UInt32.max)) {
                throw MediaError(.unsupported, path: path, operation: "patching chunk offsets",
                                 reason: "a chunk offset would pass \(entrySize == 4 ? "4 GiB (stco)" : "2^64")")
            }
            for byte in 0..<entrySize {
                let shift = UInt64(8 * (entrySize - 1 - byte))
                data[data.startIndex + at + byte] = UInt8(truncatingIfNeeded: moved >> shift)
            }
        }
    }

    private static func damaged(_ path: String, _ reason: String) -> MediaError {
        MediaError(.notMedia, path: path, operation: "patching chunk offsets", reason: "a damaged moov: \(reason)")
    }
}

extension Data {
    /// The big-endian unsigned integer in the `count` (at most 8) bytes at `offset` from `startIndex`; the caller
    /// has checked the bytes are there.
    fileprivate func bigEndian(at offset: Int, count: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<count { value = value << 8 | UInt64(self[startIndex + offset + i]) }
        return value
    }
}
