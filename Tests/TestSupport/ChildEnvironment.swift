import Foundation

/// `environment` for a child process, with this process's sanitizer settings carried over. A test that gives a
/// child an environment of its own (often an empty one, to show no key is read from it) would otherwise run it under
/// AddressSanitizer or ThreadSanitizer without the suppressions and without a symbolizer, so a report of the child
/// could be neither suppressed nor read. Outside a sanitized run none of these variables is set and nothing is added.
public func childEnvironment(_ environment: [String: String]?) -> [String: String]? {
    guard var environment else { return nil }
    let inherited = ProcessInfo.processInfo.environment.filter { name, _ in
        ["ASAN_", "LSAN_", "TSAN_", "UBSAN_"].contains { name.hasPrefix($0) }
    }
    for (name, value) in inherited where environment[name] == nil { environment[name] = value }
    return environment
}
