import Foundation

/// A price per million tokens, in a currency the user names (`USD 7.00`, `7.00 EUR`, or a bare `7`).
///
/// seedance ships no prices: the service's prices are not in its API reference, so a report shows money only for
/// models the user priced (in the plan, with `--price`, or in `prices.yaml`).
public struct Price: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Money per million tokens.
    public var perMillion: Double
    /// The currency as written (`USD`, `EUR`, `¥`); nil when the price named none.
    public var currency: String?

    /// Makes a price.
    public init(perMillion: Double, currency: String? = nil) {
        self.perMillion = perMillion
        self.currency = currency
    }

    /// Parses `USD 7.00`, `7.00 USD` or `7`; nil when it is none of these or the amount is negative or not finite.
    public init?(parsing text: String) {
        let parts = text.split(whereSeparator: \.isWhitespace).map(String.init)
        func amount(_ s: String) -> Double? {
            guard let value = Double(s), value.isFinite, value >= 0 else { return nil }
            return value
        }
        func currency(_ s: String) -> String? {
            s.count <= 8 && Double(s) == nil && s.allSatisfy({ !$0.isNumber && !$0.isWhitespace }) ? s : nil
        }
        switch parts.count {
        case 1:
            guard let value = amount(parts[0]) else { return nil }
            self.init(perMillion: value)
        case 2:
            if let value = amount(parts[1]), let code = currency(parts[0]) {
                self.init(perMillion: value, currency: code)
            } else if let value = amount(parts[0]), let code = currency(parts[1]) {
                self.init(perMillion: value, currency: code)
            } else {
                return nil
            }
        default:
            return nil
        }
    }

    /// What `tokens` cost at this price.
    public func cost(of tokens: Int) -> Double { Double(tokens) * perMillion / 1_000_000 }

    /// `USD 7.00` (or `7.00` without a currency).
    public var description: String { Money.format(perMillion, currency) }

    enum CodingKeys: String, CodingKey {
        case perMillion = "per_million_tokens", currency
    }
}

/// Money in the report: an amount and its currency, printed to the cent (or to 4 decimals below one unit).
public enum Money {
    /// `USD 0.74`; small amounts keep 4 decimals so a short test clip does not read as free.
    public static func format(_ amount: Double, _ currency: String?) -> String {
        let digits = amount != 0 && abs(amount) < 1 ? 4 : 2
        let number = String(format: "%.\(digits)f", amount)
        return currency.map { "\($0) \(number)" } ?? number
    }
}

/// Prices by model: keys are model ids (`doubao-seedance-2-0-260128`) or families, that is leading parts of ids
/// (`doubao-seedance-2-0`); the longest key that the model id starts with wins.
public struct PriceTable: Sendable, Hashable, Codable {
    /// Key (model id or its leading part) to price.
    public var prices: [String: Price]

    /// A table of `prices`.
    public init(_ prices: [String: Price] = [:]) { self.prices = prices }

    /// Decodes the bare mapping of key to price (how a stored plan keeps it).
    public init(from decoder: any Decoder) throws {
        prices = try decoder.singleValueContainer().decode([String: Price].self)
    }

    /// Encodes the bare mapping of key to price.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(prices)
    }

    /// Whether no price is known.
    public var isEmpty: Bool { prices.isEmpty }

    /// The price of `model`: an exact key, else the longest key it starts with; nil when none matches.
    public func price(of model: String) -> Price? {
        if let exact = prices[model] { return exact }
        let id = model.lowercased()
        return prices.filter { id.hasPrefix($0.key.lowercased()) }.max { $0.key.count < $1.key.count }?.value
    }

    /// `self` with `other`'s prices over it (a key in both takes `other`'s).
    public func overridden(by other: PriceTable) -> PriceTable {
        PriceTable(prices.merging(other.prices) { _, new in new })
    }

    /// Parses `MODEL=PRICE` (the `--price` syntax: `doubao-seedance-2-0=USD 7.00`).
    public static func parseAssignment(_ text: String) throws -> (String, Price) {
        guard let equals = text.firstIndex(of: "=") else {
            throw PriceError(reason: "--price \(text): expected MODEL=PRICE, such as doubao-seedance-2-0=\"USD 7.00\"")
        }
        let model = text[..<equals].trimmingCharacters(in: .whitespaces)
        let value = text[text.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        guard !model.isEmpty else { throw PriceError(reason: "--price \(text): the model is missing before =") }
        guard let price = Price(parsing: value) else {
            throw PriceError(reason: "--price \(text): \"\(value)\" is not a price per million tokens "
                + "(expected an amount and a currency, such as \"USD 7.00\")")
        }
        return (model, price)
    }

    /// Reads a prices file: a YAML mapping of model (or family) to price, optionally under a top-level `prices:` key.
    /// A missing file is an empty table; a malformed one is a `PriceError` naming the file.
    public static func load(file: String) throws -> PriceTable {
        guard FileManager.default.fileExists(atPath: file) else { return PriceTable() }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PriceError(reason: "\(file): cannot read the prices file")
        }
        return try PriceFileReader.read(String(decoding: data, as: UTF8.self), file: file)
    }

    /// The user's prices file: `$XDG_CONFIG_HOME/seedance/prices.yaml`, else `~/.config/seedance/prices.yaml`.
    public static func configFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            return (xdg as NSString).appendingPathComponent("seedance/prices.yaml")
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return (home as NSString).appendingPathComponent(".config/seedance/prices.yaml")
    }
}

/// A price that cannot be read (a `--price`, a plan's `prices:`, or the prices file).
public struct PriceError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, naming where.
    public var reason: String
    /// Makes the error.
    public init(reason: String) { self.reason = reason }
    /// The reason.
    public var description: String { reason }
}
