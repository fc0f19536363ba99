/// Computes the hash of a BMFF file as a BMFF hard binding defines it (C2PA specification 18.6.3): every byte not
/// excluded, in file order, and from version 2 on the 8-byte big-endian offset of each top-level box that is not
/// wholly excluded, hashed just before that box's first hashed byte.
public struct BMFFHasher: Sendable {
    /// A piece of what is hashed: bytes of the file, or a box offset marker.
    public enum Piece: Sendable, Hashable {
        /// The file's bytes in this range.
        case bytes(Range<UInt64>)
        /// The 8-byte big-endian offset of a top-level box.
        case offset(UInt64)
    }

    /// Why the hash could not be computed.
    public enum Failure: Error, Sendable, Hashable {
        /// A data comparison or an exclusion reaches past the end of the file.
        case outOfBounds(String)
    }

    /// The pieces hashed, in order, for `assertion` over the file whose boxes are `tree`.
    public static func pieces(for assertion: BMFFHashAssertion, tree: BMFFBoxTree,
                              source: some ByteSource) throws -> [Piece] {
        var offsets = tree.topLevel.map(\.offset).sorted()
        var excluded: [Range<UInt64>] = []
        for exclusion in assertion.exclusions {
            for index in tree.boxes(matching: exclusion.xpath) {
                let box = tree.boxes[index]
                guard try matches(box, exclusion, source: source) else { continue }
                if let subsets = exclusion.subsets {
                    for subset in subsets where subset.offset <= box.size {
                        let available = box.size - subset.offset
                        let length = subset.length == 0 ? available : min(subset.length, available)
                        excluded.append((box.offset + subset.offset)..<(box.offset + subset.offset + length))
                    }
                } else {
                    excluded.append(box.offset..<box.end)
                    if let at = offsets.firstIndex(of: box.offset) { offsets.remove(at: at) }
                }
            }
        }
        let fileSize = source.count
        if let furthest = excluded.map(\.upperBound).max(), furthest > fileSize {
            throw Failure.outOfBounds("an exclusion ends at byte \(furthest), past the end of the file (\(fileSize))")
        }
        let included = complement(of: excluded, in: 0..<fileSize)
        guard assertion.version >= 2 else { return included.map { .bytes($0) } }

        // Split the included ranges at every box offset still listed, the offset marker before the bytes it
        // starts; offsets inside excluded stretches (boxes excluded only in part) are hashed where they fall.
        var pieces: [(start: UInt64, piece: Piece)] = []
        for range in included {
            var current = range
            for offset in offsets where current.contains(offset) {
                if offset == current.lowerBound {
                    pieces.append((offset, .offset(offset)))
                } else {
                    pieces.append((current.lowerBound, .bytes(current.lowerBound..<offset)))
                    pieces.append((offset, .offset(offset)))
                    current = offset..<current.upperBound
                }
            }
            pieces.append((current.lowerBound, .bytes(current)))
        }
        let first = included.first?.lowerBound ?? 0
        let last = included.last.map { $0.upperBound - 1 } ?? max(fileSize, 1) - 1
        for offset in offsets where !included.contains(where: { $0.contains(offset) }) && offset > first && offset < last {
            pieces.append((offset, .offset(offset)))
        }
        // A stable sort: a marker stays before the bytes that start at the same offset.
        return pieces.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }
            .map(\.element.piece)
    }

    /// The hash of `pieces` of `source`, read in pieces of at most 1 MiB.
    public static func hash(_ pieces: [Piece], source: some ByteSource, algorithm: HashAlgorithm) throws -> [UInt8] {
        var hasher = IncrementalHasher(algorithm)
        let chunk: UInt64 = 1 << 20
        for piece in pieces {
            switch piece {
            case .offset(let offset):
                hasher.update((0..<8).reversed().map { UInt8(truncatingIfNeeded: offset >> (8 * UInt64($0))) })
            case .bytes(let range):
                var position = range.lowerBound
                while position < range.upperBound {
                    let length = Int(min(chunk, range.upperBound - position))
                    let bytes = try source.read(at: position, length: length)
                    guard bytes.count == length else { throw Failure.outOfBounds("the file ends at byte \(position + UInt64(bytes.count))") }
                    hasher.update(bytes)
                    position += UInt64(length)
                }
            }
        }
        return hasher.finalize()
    }

    /// Whether `box` is one `exclusion` means: its length, version, flags and data as asked.
    static func matches(_ box: BMFFBox, _ exclusion: BMFFHashAssertion.Exclusion,
                        source: some ByteSource) throws -> Bool {
        if let length = exclusion.length, length != box.size { return false }
        if let version = exclusion.version, let boxVersion = box.version, version != boxVersion { return false }
        if let flagBytes = exclusion.flags, let boxFlags = box.flags {
            let wanted = flagBytes.count >= 3 ? UInt32(flagBytes[0]) << 16 | UInt32(flagBytes[1]) << 8 | UInt32(flagBytes[2]) : 0
            if exclusion.exact ?? true {
                if wanted != boxFlags { return false }
            } else if wanted | boxFlags != wanted {
                return false
            }
        }
        for entry in exclusion.data {
            let (start, overflow) = box.offset.addingReportingOverflow(entry.offset)
            guard !overflow else { throw Failure.outOfBounds("a data offset of \(entry.offset) overflows") }
            let bytes = try source.read(at: start, length: entry.value.count)
            guard bytes.count == entry.value.count else {
                throw Failure.outOfBounds("data to compare at byte \(start) runs past the end of the file")
            }
            if bytes != entry.value { return false }
        }
        return true
    }

    /// The parts of `whole` that none of `excluded` covers, in order, merged.
    static func complement(of excluded: [Range<UInt64>], in whole: Range<UInt64>) -> [Range<UInt64>] {
        var result: [Range<UInt64>] = []
        var position = whole.lowerBound
        for range in excluded.filter({ !$0.isEmpty }).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if range.lowerBound > position { result.append(position..<min(range.lowerBound, whole.upperBound)) }
            position = max(position, range.upperBound)
        }
        if position < whole.upperBound { result.append(position..<whole.upperBound) }
        return result
    }
}
