import Foundation

/// RFC 8259 JSON, checked strictly: the service's decoder refuses what Foundation's reader lets through (trailing
/// commas, comments, a byte-order mark), so the simulator refuses it too and the client never sends it.
///
/// `check` finds the first problem with its line; `removingTrailingCommas` is the one repair the client makes (the
/// API's own one-page example has trailing commas, so users paste them).
public enum StrictJSON {
    /// Why a text is not strict JSON, and where (1-based line).
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// The 1-based line of the problem.
        public var line: Int
        /// What is wrong there.
        public var reason: String
        /// Whether the problem is a comma before `]` or `}` (the one repairable problem).
        public var isTrailingComma: Bool

        /// Makes a problem.
        public init(line: Int, reason: String, isTrailingComma: Bool = false) {
            self.line = line
            self.reason = reason
            self.isTrailingComma = isTrailingComma
        }

        public var description: String { "line \(line): \(reason)" }
    }

    /// Throws the first place where `data` is not one strict JSON value (whitespace around it allowed).
    public static func check(_ data: Data) throws(Problem) {
        var scanner = Scanner(bytes: [UInt8](data))
        try scanner.document()
    }

    /// `data` with every comma that directly precedes `]` or `}` (across whitespace) removed, and the lines where
    /// they were; the rest is byte for byte as written. Commas inside strings are left alone.
    public static func removingTrailingCommas(_ data: Data) -> (data: Data, lines: [Int]) {
        let bytes = [UInt8](data)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var lines: [Int] = []
        var line = 1, index = 0, inString = false
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                out.append(byte)
                if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    out.append(bytes[index + 1])
                    index += 2
                    continue
                }
                if byte == UInt8(ascii: "\"") { inString = false }
                if byte == UInt8(ascii: "\n") { line += 1 }
                index += 1
                continue
            }
            if byte == UInt8(ascii: "\"") { inString = true }
            if byte == UInt8(ascii: "\n") { line += 1 }
            if byte == UInt8(ascii: ",") {
                var next = index + 1
                while next < bytes.count, Scanner.isWhitespace(bytes[next]) { next += 1 }
                if next < bytes.count, bytes[next] == UInt8(ascii: "]") || bytes[next] == UInt8(ascii: "}") {
                    lines.append(line)
                    index += 1
                    continue
                }
            }
            out.append(byte)
            index += 1
        }
        return (Data(out), lines)
    }

    /// A recursive-descent recogniser (no values built): nesting is bounded so hostile input cannot exhaust the stack.
    struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var line = 1
        var depth = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        static func isWhitespace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
        }

        mutating func document() throws(Problem) {
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { throw fail("a byte-order mark is not JSON") }
            skipWhitespace()
            try value()
            skipWhitespace()
            if index < bytes.count { throw fail("unexpected \(shown(bytes[index])) after the JSON value") }
        }

        func fail(_ reason: String, trailingComma: Bool = false) -> Problem {
            Problem(line: line, reason: reason, isTrailingComma: trailingComma)
        }

        func shown(_ byte: UInt8) -> String {
            (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : String(format: "byte 0x%02X", byte)
        }

        mutating func skipWhitespace() {
            while index < bytes.count, Self.isWhitespace(bytes[index]) {
                if bytes[index] == 0x0A { line += 1 }
                index += 1
            }
        }

        mutating func value() throws(Problem) {
            guard index < bytes.count else { throw fail("the text ends where a value was expected") }
            switch bytes[index] {
            case UInt8(ascii: "{"): try container(close: UInt8(ascii: "}"), members: true)
            case UInt8(ascii: "["): try container(close: UInt8(ascii: "]"), members: false)
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            case UInt8(ascii: "/"): throw fail("comments are not JSON")
            default: throw fail("unexpected \(shown(bytes[index])) where a value was expected")
            }
        }

        mutating func container(close: UInt8, members: Bool) throws(Problem) {
            depth += 1
            if depth > 512 { throw fail("nested more than 512 levels deep") }
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == close {
                index += 1
                depth -= 1
                return
            }
            while true {
                if members {
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                        throw fail(index < bytes.count ? "expected a member name in quotes, found \(shown(bytes[index]))"
                            : "the text ends inside an object")
                    }
                    try string()
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                        throw fail("expected ':' after a member name")
                    }
                    index += 1
                    skipWhitespace()
                }
                try value()
                skipWhitespace()
                guard index < bytes.count else { throw fail("the text ends inside \(members ? "an object" : "an array")") }
                if bytes[index] == close {
                    index += 1
                    depth -= 1
                    return
                }
                guard bytes[index] == UInt8(ascii: ",") else {
                    throw fail("expected ',' or '\(Character(Unicode.Scalar(close)))', found \(shown(bytes[index]))")
                }
                let commaLine = line
                index += 1
                skipWhitespace()
                if index < bytes.count, bytes[index] == close {
                    throw Problem(line: commaLine, reason: "a trailing comma before '\(Character(Unicode.Scalar(close)))'",
                                  isTrailingComma: true)
                }
            }
        }

        mutating func string() throws(Problem) {
            index += 1
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return
                case UInt8(ascii: "\\"):
                    guard index + 1 < bytes.count else { throw fail("the text ends inside a string") }
                    let escape = bytes[index + 1]
                    if escape == UInt8(ascii: "u") {
                        guard index + 6 <= bytes.count,
                              bytes[(index + 2)..<(index + 6)].allSatisfy({ Self.isHexDigit($0) })
                        else { throw fail("\\u needs four hex digits") }
                        index += 6
                    } else {
                        guard "\"\\/bfnrt".utf8.contains(escape) else { throw fail("unknown escape \\\(shown(escape))") }
                        index += 2
                    }
                case 0x00..<0x20:
                    throw fail(byte == 0x0A ? "a line break inside a string" : "a control character inside a string")
                default:
                    index += 1
                }
            }
            throw fail("the text ends inside a string")
        }

        static func isHexDigit(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
        }

        mutating func literal(_ word: String) throws(Problem) {
            let expected = Array(word.utf8)
            guard bytes.count - index >= expected.count, Array(bytes[index..<(index + expected.count)]) == expected else {
                throw fail("unexpected \(shown(bytes[index])) where a value was expected")
            }
            index += expected.count
        }

        mutating func number() throws(Problem) {
            func digits() -> Int {
                let start = index
                while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
                return index - start
            }
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, (0x30...0x39).contains(bytes[index]) else { throw fail("a malformed number") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
                if index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                    throw fail("a number with a leading zero")
                }
            } else {
                _ = digits()
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { throw fail("a malformed number") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    index += 1
                }
                guard digits() > 0 else { throw fail("a malformed number") }
            }
        }
    }
}
