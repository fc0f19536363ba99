import Crypto

/// The hash algorithms C2PA allows for hashed URIs and hard bindings.
public enum HashAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// SHA-256 (the default).
    case sha256
    /// SHA-384.
    case sha384
    /// SHA-512.
    case sha512

    /// The algorithm a C2PA `alg` names, `sha256` for nil; nil for an unknown name.
    public init?(c2paName: String?) {
        guard let name = c2paName else {
            self = .sha256
            return
        }
        self.init(rawValue: name.lowercased())
    }

    /// The digest of `bytes`.
    public func digest(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var hasher = IncrementalHasher(self)
        hasher.update(Array(bytes))
        return hasher.finalize()
    }
}

/// A hash fed piece by piece.
struct IncrementalHasher {
    private var sha256: SHA256?
    private var sha384: SHA384?
    private var sha512: SHA512?

    init(_ algorithm: HashAlgorithm) {
        switch algorithm {
        case .sha256: sha256 = SHA256()
        case .sha384: sha384 = SHA384()
        case .sha512: sha512 = SHA512()
        }
    }

    mutating func update(_ bytes: [UInt8]) {
        sha256?.update(data: bytes)
        sha384?.update(data: bytes)
        sha512?.update(data: bytes)
    }

    func finalize() -> [UInt8] {
        if let sha256 { return Array(sha256.finalize()) }
        if let sha384 { return Array(sha384.finalize()) }
        if let sha512 { return Array(sha512.finalize()) }
        return []
    }
}
