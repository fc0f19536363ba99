import Foundation
import Media
import MCP
import QA

/// The tools on files: verify, probe, thumbnail, contact sheet, concat (no API, no spending).
extension SeedanceMCPServer {
    func verifyClip(_ arguments: ToolArguments) async throws -> ToolOutput {
        let file = try existingFile(arguments.requiredString("file"), field: "file")
        var expectation: Expectation
        do {
            if let requestFile = try arguments.string("request_file") {
                let path = try existingFile(requestFile, field: "request_file")
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                expectation = try Expectation.fromRequestBody(data, file: requestFile)
            } else {
                guard let resolution = try arguments.string("resolution"), let ratio = try arguments.string("ratio"),
                      let duration = try arguments.int("duration") else {
                    throw ToolError("resolution, ratio and duration: say what was asked (or give request_file)")
                }
                expectation = try Expectation.fromFlags(model: try arguments.string("model"), resolution: resolution,
                                                        ratio: ratio, duration: duration,
                                                        generateAudio: try arguments.bool("audio"))
            }
        } catch let error as ExpectationError {
            throw ToolError(error.description)
        }
        if let image = try arguments.string("starts_from") {
            expectation.startsFrom = try existingFile(image, field: "starts_from")
        }
        let report: QAReport
        do {
            report = try await QA.checkAll([file], against: expectation)[0].get()
        } catch {
            throw ToolError("file: \(file) cannot be read as a clip (\(error.description))")
        }
        return ToolOutput(structured: ["file": .string(file), "qa": try Self.qaSummary(report)],
                          text: Self.qaText(report))
    }

    func probe(_ arguments: ToolArguments) async throws -> ToolOutput {
        let files = try arguments.strings("files")
        guard !files.isEmpty else { throw ToolError("files: name at least one file") }
        for (index, file) in files.enumerated() { _ = try existingFile(file, field: "files[\(index)]") }
        var entries: [Value] = []
        var lines: [String] = []
        for (file, result) in zip(files, await probeAll(files)) {
            switch result {
            case .success(let info):
                entries.append(try ToolOutput.value(info))
                var line = "\(file): \(info.formatName)"
                if let video = info.video { line += ", \(video.width)x\(video.height) \(video.codec)" }
                if let duration = info.duration { line += ", \(duration) s" }
                line += info.audio == nil ? ", no audio" : ", audio"
                lines.append(line)
            case .failure(let error):
                entries.append(["file": .string(file), "error": .string(error.description)])
                lines.append("\(file): \(error.description)")
            }
        }
        return ToolOutput(structured: ["files": .array(entries)], text: lines.joined(separator: "\n"))
    }

    func thumbnail(_ arguments: ToolArguments) async throws -> ToolOutput {
        let file = try existingFile(arguments.requiredString("file"), field: "file")
        let output = try arguments.requiredString("output")
        let position: FramePosition
        switch (try arguments.double("at"), try arguments.bool("last") ?? false) {
        case (let at?, false):
            guard at >= 0 else { throw ToolError("at: seconds must be 0 or more") }
            position = .seconds(Seconds(at))
        case (nil, true): position = .last
        case (nil, false): throw ToolError("at or last: say which frame (at: seconds, or last: true)")
        case (.some, true): throw ToolError("at and last: give one of them, not both")
        }
        let width = try arguments.int("width")
        if let width, width <= 0 { throw ToolError("width: must be a positive number of pixels") }
        do {
            let result = try await writeThumbnail(of: file, at: position, to: output,
                                                  options: ThumbnailOptions(width: width))
            return ToolOutput(structured: try ToolOutput.value(result).objectValue ?? [:],
                              text: "wrote \(result.output) (\(result.width)x\(result.height))")
        } catch let error as MediaError {
            throw ToolError("thumbnail of \(file): \(error.description)")
        }
    }

    func contactSheet(_ arguments: ToolArguments) async throws -> ToolOutput {
        let file = try existingFile(arguments.requiredString("file"), field: "file")
        let output = try arguments.requiredString("output")
        let count = try arguments.int("count") ?? 12
        guard count > 0 else { throw ToolError("count: must be 1 or more") }
        do {
            let result = try await writeContactSheet(of: file, to: output, options: ContactSheetOptions(count: count))
            return ToolOutput(structured: try ToolOutput.value(result).objectValue ?? [:],
                              text: "wrote \(output) (\(count) frames)")
        } catch let error as MediaError {
            throw ToolError("contact sheet of \(file): \(error.description)")
        }
    }

    func concat(_ arguments: ToolArguments) async throws -> ToolOutput {
        let files = try arguments.strings("files")
        guard files.count >= 2 else { throw ToolError("files: name two or more clips to join") }
        for (index, file) in files.enumerated() { _ = try existingFile(file, field: "files[\(index)]") }
        let output = try arguments.requiredString("output")
        let modeName = try arguments.string("mode") ?? "auto"
        guard let mode = ConcatMode(rawValue: modeName) else {
            throw ToolError("mode: \"\(modeName)\" is not auto, copy or normalize")
        }
        do {
            let summary = try await concatenate(files, to: output, options: ConcatOptions(mode: mode))
            return ToolOutput(structured: try ToolOutput.value(summary).objectValue ?? [:],
                              text: "joined \(files.count) clips into \(output)")
        } catch let error as MediaError {
            throw ToolError("concat: \(error.description)")
        }
    }

    /// `path` when a file is there; else a tool error naming the field.
    func existingFile(_ path: String, field: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw ToolError("\(field): no file at \(path)")
        }
        return path
    }

    /// A QA report as structured content: passed, failures first, then warnings, then passes.
    static func qaSummary(_ report: QAReport) throws -> Value {
        let order: [Verdict] = [.fail, .warn, .pass]
        let checks = order.flatMap { verdict in report.checks.filter { $0.verdict == verdict } }
        return ["passed": .bool(report.passed), "verdict": .string(report.verdict.rawValue),
                "failures": .array(report.failures.map { .string($0.name) }),
                "warnings": .array(report.checks.filter { $0.verdict == .warn }.map { .string($0.name) }),
                "expected": .string(report.expectation),
                "checks": .array(try checks.map { try ToolOutput.value($0) })]
    }

    /// One line: the failures first, then the warnings.
    static func qaText(_ report: QAReport) -> String {
        let failures = report.failures.map { "\($0.name) (expected \($0.expected), got \($0.actual))" }
        let warnings = report.checks.filter { $0.verdict == .warn }.map(\.name)
        var text = report.passed ? "\(report.file): passed its checks"
            : "\(report.file): FAILED \(failures.joined(separator: "; "))"
        if !warnings.isEmpty { text += "; warnings: \(warnings.joined(separator: ", "))" }
        return text + "."
    }
}
