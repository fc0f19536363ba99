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
    if let environment { process.environment = environment }
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
/// without the newline: the address it prints when ready (empty when nothing came within 30 s).
public func startSeedance(_ arguments: [String], environment: [String: String]? = nil) throws
    -> (process: Process, firstLine: String)
{
    let process = Process()
    process.executableURL = FixturePaths.seedanceBinary
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    var line = Data()
    let deadline = Date().addingTimeInterval(30)
    while !line.contains(UInt8(ascii: "\n")) && Date() < deadline {
        let chunk = out.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        line.append(chunk)
    }
    return (process, String(decoding: line, as: UTF8.self).components(separatedBy: "\n")[0])
}
