import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random access to the bytes of a file or a buffer: what the box walker and the hard-binding hash read from.
///
/// Reads are by offset and never past the end; a file is read in the pieces asked for, so memory does not grow
/// with its size.
public protocol ByteSource: Sendable {
    /// The number of bytes.
    var count: UInt64 { get }
    /// `length` bytes from `offset`; fewer only when the source ends first.
    func read(at offset: UInt64, length: Int) throws(ProvenanceError) -> [UInt8]
}

/// The bytes of a buffer in memory.
public struct DataByteSource: ByteSource {
    /// The bytes.
    public let bytes: [UInt8]

    /// Makes a source over `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Makes a source over `data`.
    public init(_ data: Data) {
        self.bytes = [UInt8](data)
    }

    /// The number of bytes.
    public var count: UInt64 { UInt64(bytes.count) }

    /// `length` bytes from `offset`, fewer at the end.
    public func read(at offset: UInt64, length: Int) throws(ProvenanceError) -> [UInt8] {
        guard offset < count, length > 0 else { return [] }
        let start = Int(offset)
        return Array(bytes[start..<min(bytes.count, start + length)])
    }
}

/// The bytes of a file on disk, read with `pread` (the file stays open until the source is released).
public final class FileByteSource: ByteSource {
    /// The path, as given.
    public let path: String
    /// The size when opened.
    public let count: UInt64
    private let descriptor: Int32

    /// Opens `path` for reading.
    public init(path: String) throws(ProvenanceError) {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ProvenanceError.cannotRead(path: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ProvenanceError.cannotRead(path: path, reason: reason)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw ProvenanceError.cannotRead(path: path, reason: "is a folder")
        }
        descriptor = fd
        count = UInt64(max(0, info.st_size))
    }

    deinit {
        close(descriptor)
    }

    /// `length` bytes from `offset`, fewer at the end of the file.
    public func read(at offset: UInt64, length: Int) throws(ProvenanceError) -> [UInt8] {
        guard offset < count, length > 0 else { return [] }
        let wanted = Int(min(UInt64(length), count - offset))
        var buffer = [UInt8](repeating: 0, count: wanted)
        var done = 0
        while done < wanted {
            let got = buffer.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress! + done, wanted - done, off_t(offset) + off_t(done))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw ProvenanceError.cannotRead(path: path, reason: String(cString: strerror(errno)))
            }
            if got == 0 { break }
            done += got
        }
        if done < wanted { buffer.removeLast(wanted - done) }
        return buffer
    }
}
