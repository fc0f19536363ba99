/// Task ids as they go into URLs and file names. Ids come from users and from the service, so neither may steer a
/// request to another path (`../`) or a file outside the folder meant for it.
public enum TaskID {
    /// Whether `id` is usable as one URL path segment: 1 to 128 of `A-Z a-z 0-9 - _ .`, and not `.` or `..`.
    /// Every id the service hands out (`cgt-20251225201056-abc`) is.
    public static func isValid(_ id: String) -> Bool {
        guard (1...128).contains(id.utf8.count), id != ".", id != ".." else { return false }
        return id.utf8.allSatisfy(isSafe)
    }

    /// `id` as a file name: unsafe characters become `_`, leading dots are dropped, at most 100 characters, and
    /// `task` when nothing is left. Valid ids come back unchanged.
    public static func fileName(_ id: String) -> String {
        var bytes = id.utf8.map { isSafe($0) ? $0 : UInt8(ascii: "_") }
        while bytes.first == UInt8(ascii: ".") { bytes.removeFirst() }
        let name = String(decoding: bytes.prefix(100), as: UTF8.self)
        return name.isEmpty ? "task" : name
    }

    /// Refuses an id that `isValid` rejects, naming it (shortened) and what was expected.
    static func check(_ id: String) throws(ClientError) {
        guard !isValid(id) else { return }
        let shown = id.count > 40 ? String(id.prefix(40)) + "..." : id
        throw ClientError(.invalidRequest, "task id \"\(shown)\": expected 1 to 128 letters, digits, '-', '_' or '.' "
            + "(like cgt-20251225201056-abc)", param: "id", taskID: nil, attempts: 0)
    }

    private static func isSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }
}
