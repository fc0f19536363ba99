import Foundation

/// Names of new runs (shared runs, and the runs an MCP client starts under a root folder).
public enum RunName {
    /// `PLAN-YYYYMMDD-HHMMSS-XXXX`: readable, sorted by time, unique among runs started together.
    public static func make(planFile: String) -> String {
        let base = ((planFile as NSString).lastPathComponent as NSString).deletingPathExtension
            .filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let suffix = String(UInt16.random(in: 0...UInt16.max), radix: 16)
        return "\(base.isEmpty ? "run" : base)-\(formatter.string(from: Date()))-\(suffix)"
    }

    /// Whether `id` may name a run (it becomes a folder name).
    public static func isValid(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 100 && id.first != "." && id.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
    }
}
