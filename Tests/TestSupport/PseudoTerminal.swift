import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The outcome of running a program on a pseudo-terminal.
public struct TerminalRunResult: Sendable {
    /// Exit status.
    public var status: Int32
    /// Every byte the program wrote to its stdout and stderr (both are the terminal), as text: escape sequences
    /// kept, line ends as the terminal sent them (`\r\n`).
    public var output: String
}

/// Errors of setting up a pseudo-terminal.
public struct PseudoTerminalError: Error, CustomStringConvertible {
    /// What failed.
    public var description: String
}

/// Runs `executable` with stdout and stderr on a new pseudo-terminal of `columns` x `rows` (stdin is /dev/null), as
/// a person at a terminal would see it, and returns everything written to it. `whileRunning` is called once the
/// program started, with its process id (to send it a signal) and a function that reads what it wrote so far. The
/// pseudo-terminal comes from `posix_openpt`, so nothing outside the C library is needed.
public func runInPseudoTerminal(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                                columns: Int = 80, rows: Int = 24,
                                whileRunning: (_ pid: Int32, _ outputSoFar: @Sendable () -> String) -> Void = { _, _ in })
    throws -> TerminalRunResult {
    let pty = try PseudoTerminalCalls()
    let master = pty.openpt(O_RDWR | O_NOCTTY)
    guard master >= 0 else { throw PseudoTerminalError(description: "posix_openpt: errno \(errno)") }
    defer { close(master) }
    guard pty.grantpt(master) == 0, pty.unlockpt(master) == 0 else {
        throw PseudoTerminalError(description: "grantpt/unlockpt: errno \(errno)")
    }
    var name = [CChar](repeating: 0, count: 128)
    guard pty.ptsname_r(master, &name, name.count) == 0 else { throw PseudoTerminalError(description: "ptsname_r: errno \(errno)") }
    let slave = open(String(cString: name), O_RDWR | O_NOCTTY)
    guard slave >= 0 else { throw PseudoTerminalError(description: "open \(String(cString: name)): errno \(errno)") }
    var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
    _ = ioctl(slave, UInt(TIOCSWINSZ), &size)

    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment = childEnvironment(environment) { process.environment = environment }
    let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
    process.standardOutput = terminal
    process.standardError = terminal
    process.standardInput = FileHandle.nullDevice

    // Read while the program runs: a terminal's buffer is a few kilobytes, and a full one blocks the writer.
    let collected = Locked(Data())
    let finished = DispatchSemaphore(value: 0)
    let reader = Thread {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(master, &buffer, buffer.count)
            if count > 0 {
                collected.withLock { $0.append(contentsOf: buffer[0..<count]) }
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                break  // EIO once every writer closed the terminal (Linux), 0 elsewhere
            }
        }
        finished.signal()
    }
    do {
        try process.run()
    } catch {
        close(slave)
        throw error
    }
    // Only the child holds the terminal now: its exit ends the reader.
    close(slave)
    reader.start()
    whileRunning(process.processIdentifier) { String(decoding: collected.withLock { $0 }, as: UTF8.self) }
    process.waitUntilExit()
    finished.wait()
    return TerminalRunResult(status: process.terminationStatus,
                             output: String(decoding: collected.withLock { $0 }, as: UTF8.self))
}

/// The C library's pseudo-terminal calls, looked up by name: the Glibc module Swift imports leaves out the X/Open
/// declarations (`posix_openpt`, `grantpt`, `unlockpt`, `ptsname_r`), though every C library has them.
private struct PseudoTerminalCalls {
    let openpt: @convention(c) (Int32) -> Int32
    let grantpt: @convention(c) (Int32) -> Int32
    let unlockpt: @convention(c) (Int32) -> Int32
    let ptsname_r: @convention(c) (Int32, UnsafeMutablePointer<CChar>, Int) -> Int32

    init() throws {
        guard let library = dlopen(nil, RTLD_NOW) else { throw PseudoTerminalError(description: "dlopen failed") }
        func lookup<F>(_ name: String, _: F.Type) throws -> F {
            guard let symbol = dlsym(library, name) else { throw PseudoTerminalError(description: "no \(name)") }
            return unsafeBitCast(symbol, to: F.self)
        }
        openpt = try lookup("posix_openpt", (@convention(c) (Int32) -> Int32).self)
        grantpt = try lookup("grantpt", (@convention(c) (Int32) -> Int32).self)
        unlockpt = try lookup("unlockpt", (@convention(c) (Int32) -> Int32).self)
        ptsname_r = try lookup("ptsname_r", (@convention(c) (Int32, UnsafeMutablePointer<CChar>, Int) -> Int32).self)
    }
}

/// What a terminal shows after some output: a small emulator of the sequences programs use to redraw in place
/// (carriage return, line feed, cursor up `ESC[nA`, clear line `ESC[2K`, clear below `ESC[J`); colours and other
/// `ESC[...` sequences are dropped. Lines are unbounded and never scroll off, so the result is the scrollback and
/// the screen together, as a person scrolling up would read it.
public enum TerminalScreen {
    /// The lines shown after `output`, trailing spaces and trailing empty lines removed.
    public static func lines(after output: String) -> [String] {
        var screen: [[Character]] = [[]]
        var row = 0, column = 0
        var characters = Array(output)[...]
        func put(_ c: Character) {
            while screen.count <= row { screen.append([]) }
            while screen[row].count < column { screen[row].append(" ") }
            if column < screen[row].count { screen[row][column] = c } else { screen[row].append(c) }
            column += 1
        }
        while let c = characters.popFirst() {
            switch c {
            case "\r":
                column = 0
            case "\n", "\r\n":
                // The terminal turns `\n` into `\r\n`; a Swift String holds that pair as one Character.
                row += 1
                column = 0
                while screen.count <= row { screen.append([]) }
            case "\u{1B}":
                guard characters.first == "[" else { continue }
                characters.removeFirst()
                var parameter = ""
                while let next = characters.first, !next.isLetter {
                    parameter.append(next)
                    characters.removeFirst()
                }
                guard let command = characters.popFirst() else { break }
                switch command {
                case "A": row = max(0, row - max(1, Int(parameter) ?? 1))
                case "K": if row < screen.count { screen[row] = parameter == "2" ? [] : Array(screen[row].prefix(column)) }
                case "J":
                    if row < screen.count {
                        screen[row] = Array(screen[row].prefix(column))
                        screen.removeSubrange((row + 1)...)
                    }
                default: break  // colours, cursor shown or hidden
                }
            default:
                put(c)
            }
        }
        var result = screen.map { String($0).replacingOccurrences(of: #"\s+$"#, with: "", options: .regularExpression) }
        while result.last?.isEmpty == true { result.removeLast() }
        return result
    }
}
