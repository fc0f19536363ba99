/// How one check came out.
public enum Verdict: String, Sendable, Hashable, Codable, Comparable {
    /// As asked.
    case pass
    /// Usable but worth knowing (moov at the end, a short black flash).
    case warn
    /// Not what was asked: the clip fails QA.
    case fail

    private var rank: Int {
        switch self {
        case .pass: 0
        case .warn: 1
        case .fail: 2
        }
    }

    public static func < (a: Verdict, b: Verdict) -> Bool { a.rank < b.rank }
}

/// One named check: what was expected, what the file has, the verdict and one line saying why.
public struct QACheck: Sendable, Hashable, Codable {
    /// The check's name (`geometry`, `duration`, `audio`, ...; see `QA.checkNames`).
    public var name: String
    /// The verdict.
    public var verdict: Verdict
    /// What was expected, in words and numbers.
    public var expected: String
    /// What the file has.
    public var actual: String
    /// One line for a person: the difference and by how much, or why it passes.
    public var message: String

    /// True unless the verdict is `fail` (a warning passes).
    public var passed: Bool { verdict != .fail }

    enum CodingKeys: String, CodingKey { case name, passed, verdict, expected, actual, message }

    /// Makes a check result.
    public init(name: String, verdict: Verdict, expected: String, actual: String, message: String) {
        self.name = name
        self.verdict = verdict
        self.expected = expected
        self.actual = actual
        self.message = message
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        verdict = try c.decode(Verdict.self, forKey: .verdict)
        expected = try c.decode(String.self, forKey: .expected)
        actual = try c.decode(String.self, forKey: .actual)
        message = try c.decode(String.self, forKey: .message)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(passed, forKey: .passed)
        try c.encode(verdict, forKey: .verdict)
        try c.encode(expected, forKey: .expected)
        try c.encode(actual, forKey: .actual)
        try c.encode(message, forKey: .message)
    }
}

/// The QA of one file: every check in a fixed order, what was expected, and notes on assumptions made.
///
/// Encodes to DESIGN.md's `{"file","passed","checks":[{"name","passed","expected","actual","message"}]}`, with a
/// `verdict` per check and the `expectation` and `notes` besides.
public struct QAReport: Sendable, Hashable, Codable {
    /// The path as given.
    public var file: String
    /// The checks, in `QA.checkNames` order, then `continuity` when the expectation names an image to start from,
    /// then `provenance` when a model was known (verify with a model, every run).
    public var checks: [QACheck]
    /// The expectation the file was checked against, in one line.
    public var expectation: String
    /// Assumptions and observations (defaults taken, the model family guessed).
    public var notes: [String]
    /// What the file's Content Credentials say, when the `provenance` check ran (nil otherwise, and for reports
    /// written before the check existed).
    public var provenance: ClipProvenance?

    /// True when no check failed (warnings pass).
    public var passed: Bool { checks.allSatisfy(\.passed) }
    /// The worst verdict.
    public var verdict: Verdict { checks.map(\.verdict).max() ?? .pass }
    /// The checks that failed.
    public var failures: [QACheck] { checks.filter { $0.verdict == .fail } }
    /// The check named `name`.
    public subscript(name: String) -> QACheck? { checks.first { $0.name == name } }

    enum CodingKeys: String, CodingKey { case file, passed, checks, expectation, notes, provenance }

    /// Makes a report.
    public init(file: String, checks: [QACheck], expectation: String, notes: [String]) {
        self.file = file
        self.checks = checks
        self.expectation = expectation
        self.notes = notes
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        file = try c.decode(String.self, forKey: .file)
        checks = try c.decode([QACheck].self, forKey: .checks)
        expectation = try c.decode(String.self, forKey: .expectation)
        notes = try c.decode([String].self, forKey: .notes)
        provenance = try c.decodeIfPresent(ClipProvenance.self, forKey: .provenance)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(passed, forKey: .passed)
        try c.encode(checks, forKey: .checks)
        try c.encode(expectation, forKey: .expectation)
        try c.encode(notes, forKey: .notes)
        try c.encodeIfPresent(provenance, forKey: .provenance)
    }

    /// Adds the `provenance` check (last) and the facts it found.
    public mutating func add(provenance check: QACheck, _ facts: ClipProvenance?) {
        checks.removeAll { $0.name == QA.provenanceCheckName }
        checks.append(check)
        provenance = facts
    }
}
