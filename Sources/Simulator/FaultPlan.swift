import Foundation

/// A fault the simulator can inject, each drawn independently with its own rate.
public enum FaultKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// An API call answered 429 `ServerOverloaded` (nothing created).
    case rateLimited = "429"
    /// An API call answered 500 `InternalServiceError` (nothing created).
    case serverError = "500"
    /// The connection is closed without an answer. On create the task *was* created (an ambiguous create).
    case drop
    /// The answer comes `slowSeconds` late.
    case slow
    /// The task fails at the end with `OutputVideoSensitiveContentDetected`.
    case fail
    /// A download is cut short: the body is the first part of the file (with a matching length).
    case truncate
    /// A link is handed out already expired (403 when fetched; re-reading the task gives a fresh one).
    case expire
    /// The clip has a documented size other than the one asked for.
    case wrongSize = "wrong-size"
    /// The clip has no audio track although audio was asked for.
    case noAudio = "no-audio"
    /// The clip's audio is digital silence.
    case silent
    /// The clip is black.
    case black
    /// The clip shows one frozen picture.
    case frozen
    /// The clip has half the frames asked for.
    case short
    /// The clip ignores its first-frame (and last-frame) image: it starts elsewhere, as a generation that does not
    /// continue the shot before it. Drawn only for requests with a first-frame image.
    case wrongStart = "wrong-start"
    /// The clip keeps its placeholder C2PA box: delivered without signed content credentials. Drawn only for clips
    /// packaged as real deliveries (the ones that carry the box).
    case unsigned
    /// The clip is signed, but its manifest names the other speed of the requested model family
    /// (`doubao-seedance-2-0-fast` for a `doubao-seedance-2-0` request, and the other way round): a manifest that
    /// does not match the request. Drawn only for clips packaged as real deliveries.
    case wrongModelManifest = "wrong-model-manifest"

    /// Faults that change the rendered clip (at most one per task, drawn in this order).
    static let clipFaults: [FaultKind] = [.wrongSize, .noAudio, .silent, .black, .frozen, .short, .wrongStart]

    /// Faults that change the clip's content credentials (at most one per task, drawn in this order, independently
    /// of the clip faults).
    static let provenanceFaults: [FaultKind] = [.unsigned, .wrongModelManifest]
}

/// Which faults to inject and how often, reproducibly: the n-th chance of a kind is decided by the seed alone.
///
/// The SPEC text (`--faults`) is a comma-separated list of `KIND=RATE` with RATE in 0...1, plus `seed=N` and
/// `slow-seconds=S`; `all=RATE` sets every kind. Kinds: 429, 500, drop, slow, fail, truncate, expire, wrong-size,
/// no-audio, silent, black, frozen, short, wrong-start, unsigned, wrong-model-manifest.
/// Example: `seed=7,429=0.1,fail=0.05,black=0.2,slow=0.1,slow-seconds=3`.
public struct FaultPlan: Sendable, Hashable {
    /// Rate (0...1) of each kind; absent kinds never happen.
    public var rates: [FaultKind: Double] = [:]
    /// The seed of every draw.
    public var seed: UInt64 = 0
    /// Real seconds a `slow` answer is delayed.
    public var slowSeconds: Double = 2

    /// No faults.
    public init() {}

    /// Parses a SPEC (see the type's documentation); throws `FaultSpecError` naming the bad entry.
    public init(spec: String) throws(FaultSpecError) {
        for entry in spec.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw FaultSpecError(entry: entry, reason: "expected KIND=RATE") }
            let key = parts[0].lowercased(), value = parts[1]
            switch key {
            case "seed":
                guard let seed = UInt64(value) else { throw FaultSpecError(entry: entry, reason: "seed must be a whole number") }
                self.seed = seed
            case "slow-seconds":
                guard let seconds = Double(value), seconds >= 0 else {
                    throw FaultSpecError(entry: entry, reason: "slow-seconds must be a number of seconds")
                }
                slowSeconds = seconds
            default:
                guard let rate = Double(value), (0...1).contains(rate) else {
                    throw FaultSpecError(entry: entry, reason: "the rate must be a number in 0...1")
                }
                if key == "all" {
                    for kind in FaultKind.allCases { rates[kind] = rate }
                } else if let kind = FaultKind(rawValue: key) {
                    rates[kind] = rate
                } else {
                    throw FaultSpecError(entry: entry, reason: "unknown fault kind (known: "
                        + FaultKind.allCases.map(\.rawValue).joined(separator: ", ") + ")")
                }
            }
        }
    }

    /// Whether the `ordinal`-th chance of `kind` is a fault: a pure function of seed, kind and ordinal.
    public func strikes(_ kind: FaultKind, ordinal: Int) -> Bool {
        guard let rate = rates[kind], rate > 0 else { return false }
        if rate >= 1 { return true }
        var hash = StableHash()
        hash.add(seed)
        hash.add(kind.rawValue)
        hash.add(UInt64(ordinal))
        return Double(hash.value >> 11) / Double(1 << 53) < rate
    }

    /// Whether any fault can happen at all.
    public var isEmpty: Bool { rates.values.allSatisfy { $0 <= 0 } }
}

/// A `--faults` SPEC entry that could not be understood.
public struct FaultSpecError: Error, Sendable, CustomStringConvertible {
    /// The entry as written.
    public var entry: String
    /// What is wrong with it.
    public var reason: String

    public var description: String { "bad fault entry \"\(entry)\": \(reason)" }
}

/// FNV-1a then SplitMix64 finalisation: stable across runs and platforms (unlike `Hasher`).
struct StableHash {
    private(set) var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) {
        for byte in text.utf8 {
            state ^= UInt64(byte)
            state &*= 0x0000_0100_0000_01b3
        }
        state ^= 0xff
        state &*= 0x0000_0100_0000_01b3
    }

    /// Adds bytes (no end marker: callers hash one blob).
    mutating func add(_ data: Data) {
        data.withUnsafeBytes { bytes in
            for byte in bytes {
                state ^= UInt64(byte)
                state &*= 0x0000_0100_0000_01b3
            }
        }
    }

    mutating func add(_ value: UInt64) {
        var v = value
        for _ in 0..<8 {
            state ^= v & 0xff
            state &*= 0x0000_0100_0000_01b3
            v >>= 8
        }
    }

    var value: UInt64 {
        var z = state &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
