import MCP

/// The arguments of one tool call, read by name with errors that name the field.
struct ToolArguments: Sendable {
    let values: [String: Value]

    init(_ values: [String: Value]?) { self.values = values ?? [:] }

    func has(_ name: String) -> Bool { values[name].map { !$0.isNull } ?? false }

    func string(_ name: String) throws -> String? {
        guard let value = values[name], !value.isNull else { return nil }
        guard let text = value.stringValue else { throw ToolError("\(name): expected a string") }
        return text
    }

    func requiredString(_ name: String) throws -> String {
        guard let text = try string(name), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ToolError("\(name): required, and it must not be empty")
        }
        return text
    }

    func int(_ name: String) throws -> Int? {
        guard let value = values[name], !value.isNull else { return nil }
        if let number = value.intValue { return number }
        if let number = value.doubleValue, number.rounded() == number, abs(number) < 1e15 { return Int(number) }
        throw ToolError("\(name): expected a whole number")
    }

    func double(_ name: String) throws -> Double? {
        guard let value = values[name], !value.isNull else { return nil }
        if let number = value.doubleValue { return number }
        if let number = value.intValue { return Double(number) }
        throw ToolError("\(name): expected a number")
    }

    func bool(_ name: String) throws -> Bool? {
        guard let value = values[name], !value.isNull else { return nil }
        guard let flag = value.boolValue else { throw ToolError("\(name): expected true or false") }
        return flag
    }

    func strings(_ name: String) throws -> [String] {
        guard let value = values[name], !value.isNull else { return [] }
        guard let array = value.arrayValue else { throw ToolError("\(name): expected an array of strings") }
        return try array.enumerated().map { index, item in
            guard let text = item.stringValue else { throw ToolError("\(name)[\(index)]: expected a string") }
            return text
        }
    }

    func objects(_ name: String) throws -> [[String: Value]] {
        guard let value = values[name], !value.isNull else { return [] }
        guard let array = value.arrayValue else { throw ToolError("\(name): expected an array") }
        return try array.enumerated().map { index, item in
            if let object = item.objectValue { return object }
            // A bare string is the image's path or URL.
            if let text = item.stringValue { return ["source": .string(text)] }
            throw ToolError("\(name)[\(index)]: expected an object {source, role} or a string")
        }
    }
}
