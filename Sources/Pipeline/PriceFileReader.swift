import Foundation
import Yams

/// Reads a mapping of model (or family) to price from YAML: the prices file and a plan's `prices:` share the form.
enum PriceFileReader {
    /// Parses a prices file's text (a mapping, optionally under a top-level `prices:` key).
    static func read(_ text: String, file: String) throws -> PriceTable {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw PriceError(reason: "\(file): not valid YAML: \(error)")
        }
        guard let root else { return PriceTable() }
        if case .mapping(let map) = root, map.count == 1, map["prices"] != nil, let inner = map["prices"] {
            return try table(inner, where: file)
        }
        return try table(root, where: file)
    }

    /// A mapping node of `MODEL: PRICE` as a table; `place` names the file or field in errors.
    static func table(_ node: Node, where place: String?) throws -> PriceTable {
        let prefix = place.map { "\($0): " } ?? ""
        guard case .mapping(let map) = node else {
            throw PriceError(reason: "\(prefix)expected a mapping of model to price, such as "
                + "doubao-seedance-2-0: \"USD 7.00\"")
        }
        var prices: [String: Price] = [:]
        for (key, value) in map {
            guard let model = key.string, !model.isEmpty else {
                throw PriceError(reason: "\(prefix)line \((key.mark?.line).map(String.init) ?? "?"): model names must be text")
            }
            guard let text = value.scalar?.string, let price = Price(parsing: text) else {
                throw PriceError(reason: "\(prefix)line \((value.mark?.line).map(String.init) ?? "?"): \(model): "
                    + "expected a price per million tokens with its currency, such as \"USD 7.00\"")
            }
            prices[model] = price
        }
        return PriceTable(prices)
    }
}
