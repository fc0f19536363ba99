import Foundation
import MCP
import Provenance

/// The provenance tool: who made a clip, and whether its C2PA manifest still holds (no API, no spending).
extension SeedanceMCPServer {
    func provenance(_ arguments: ToolArguments) async throws -> ToolOutput {
        let files = try arguments.strings("files")
        guard !files.isEmpty else { throw ToolError("files: name at least one file") }
        for (index, file) in files.enumerated() { _ = try existingFile(file, field: "files[\(index)]") }
        var trust = TrustPolicy()
        let trustFiles = arguments.has("trust") ? try arguments.strings("trust") : []
        for (index, path) in trustFiles.enumerated() {
            let pem: String
            do {
                pem = try String(contentsOfFile: try existingFile(path, field: "trust[\(index)]"), encoding: .utf8)
            } catch let error as ToolError {
                throw error
            } catch {
                throw ToolError("trust[\(index)]: \(path) cannot be read as text")
            }
            do {
                try trust.addAnchors(pem: pem)
            } catch {
                throw ToolError("trust[\(index)]: \(path): \(error.description)")
            }
        }
        var entries: [Value] = []
        var lines: [String] = []
        for file in files {
            do {
                let report = try await ContentCredentials.verify(path: file, trust: trust)
                entries.append(try ToolOutput.value(report))
                lines.append(Self.provenanceLine(report))
            } catch {
                entries.append(["file": .string(file), "error": .string(String(describing: error))])
                lines.append("\(file): cannot be read (\(String(describing: error)))")
            }
        }
        return ToolOutput(structured: ["files": .array(entries)], text: lines.joined(separator: "\n"))
    }

    /// One line for an agent: the verdict, the model, the signer.
    static func provenanceLine(_ report: ProvenanceReport) -> String {
        let verdict: String
        switch report.state {
        case .noManifest: return "\(report.file): no C2PA manifest (nothing in the file says who made it)"
        case .invalid:
            let failed = report.validationStatus.filter { $0.kind == .failure }.map(\.code)
            verdict = "INVALID (\(failed.joined(separator: ", ")))"
        case .valid: verdict = "valid, signer not trusted"
        case .trusted: verdict = "valid and trusted"
        }
        var line = "\(report.file): \(verdict)"
        let summary = report.summary
        if let model = summary.modelName { line += "; model \(model)" }
        if let agent = summary.softwareAgent { line += " via \(agent)" }
        if let certificate = report.active?.signer?.certificate {
            line += "; signed by \(certificate.commonName ?? certificate.subject)"
            if let organization = certificate.organization { line += " (\(organization))" }
        }
        return line
    }
}
