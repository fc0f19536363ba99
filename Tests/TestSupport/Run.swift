import Foundation

/// The outcome of running a program to completion.
public struct RunResult: Sendable {
    /// Exit status.
    public var status: Int32
    /// Everything written to stdout.
    public var stdout: String
    /// Everything written to stderr.
    public var stderr: String
}

/// Runs `executable` with `arguments`, waits, and returns status and output. Output goes to temporary files so a
/// large output cannot dead-lock on a full pipe.
public func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> RunResult {
    let dir = try FixturePaths.temporaryDirectory("run")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable.contains("/") ? executable : "/usr/bin/env")
    process.arguments = executable.contains("/") ? arguments : [executable] + arguments
    if let environment = childEnvironment(environment) { process.environment = environment }
    let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
    process.standardOutput = outHandle
    process.standardError = errHandle
    try process.run()
    process.waitUntilExit()
    try outHandle.close()
    try errHandle.close()
    return RunResult(status: process.terminationStatus, stdout: readText(out), stderr: readText(err))
}

/// A file's text (FileHandle rather than `String(contentsOf:)`, whose Linux implementation leaks under ASan).
func readText(_ url: URL) -> String {
    guard let handle = try? FileHandle(forReadingFrom: url) else { return "" }
    defer { try? handle.close() }
    return String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
}

/// Runs the built `seedance` binary.
public func runSeedance(_ arguments: [String], environment: [String: String]? = nil) throws -> RunResult {
    try run(FixturePaths.seedanceBinary.path, arguments, environment: environment)
}

/// Starts the built `seedance` binary as a server (stderr discarded) and returns it with its first stdout line,
/// without the newline: the address it prints when ready (empty when nothing came within `timeout` seconds).
public func startSeedance(_ arguments: [String], environment: [String: String]? = nil, timeout: Double = 30) throws
    -> (process: Process, firstLine: String)
{
    try startServer(FixturePaths.seedanceBinary.path, arguments, environment: environment, timeout: timeout)
}

/// Starts `executable` (stderr discarded) and returns it with its first stdout line, without the newline; empty when
/// no whole line came within `timeout` seconds or the program closed its output first. Reads wait with `poll` for
/// at most the time left, so a child that prints nothing cannot block the test (`availableData` would wait for it
/// forever). The caller stops the process.
public func startServer(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                        timeout: Double = 30) throws -> (process: Process, firstLine: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment = childEnvironment(environment) { process.environment = environment }
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let descriptor = out.fileHandleForReading.fileDescriptor
    var line = Data()
    var buffer = [UInt8](repeating: 0, count: 4096)
    let deadline = Date().addingTimeInterval(timeout)
    while !line.contains(UInt8(ascii: "\n")) {
        let remaining = deadline.timeIntervalSinceNow
        if remaining <= 0 { break }
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&entry, 1, Int32(min(remaining, 1) * 1000) + 1)
        if ready < 0 && errno == EINTR { continue }
        if ready < 0 { break }
        if ready == 0 { continue }
        let count = read(descriptor, &buffer, buffer.count)
        if count <= 0 { break }
        line.append(contentsOf: buffer[0..<count])
    }
    return (process, String(decoding: line, as: UTF8.self).components(separatedBy: "\n")[0])
}
