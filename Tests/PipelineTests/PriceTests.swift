import Foundation
import Pipeline
import Testing
import TestSupport

/// Prices for the report: their forms, which key prices a model, and where they come from.
struct PriceTests {
    @Test func pricesParseWithTheCurrencyEitherSideOrNone() {
        #expect(Price(parsing: "USD 7.00") == Price(perMillion: 7, currency: "USD"))
        #expect(Price(parsing: "2.5 EUR") == Price(perMillion: 2.5, currency: "EUR"))
        #expect(Price(parsing: "7") == Price(perMillion: 7))
        for bad in ["", "USD", "seven dollars", "USD -1", "USD 7 extra", "nan", "USD inf"] {
            #expect(Price(parsing: bad) == nil, "\(bad)")
        }
        #expect(Price(perMillion: 7, currency: "USD").cost(of: 250_000) == 1.75)
        #expect(Money.format(1.75, "USD") == "USD 1.75")
        #expect(Money.format(0.0123456, nil) == "0.0123")
    }

    @Test func theLongestMatchingKeyPricesAModel() {
        let table = PriceTable(["doubao-seedance": Price(perMillion: 1, currency: "USD"),
                                "doubao-seedance-2-0": Price(perMillion: 7, currency: "USD"),
                                "doubao-seedance-2-0-260128": Price(perMillion: 6, currency: "USD")])
        #expect(table.price(of: "doubao-seedance-2-0-260128")?.perMillion == 6)
        #expect(table.price(of: "doubao-seedance-2-0-fast-260128")?.perMillion == 7)
        #expect(table.price(of: "doubao-seedance-1-5-pro-251215")?.perMillion == 1)
        #expect(table.price(of: "another-model") == nil)
    }

    @Test func commandLineOverPlanOverPricesFile() throws {
        let file = PriceTable(["a": Price(perMillion: 1), "b": Price(perMillion: 1), "c": Price(perMillion: 1)])
        let plan = PriceTable(["b": Price(perMillion: 2), "c": Price(perMillion: 2)])
        let (model, price) = try PriceTable.parseAssignment("c=USD 3")
        let sources = PriceSources(configFile: file, commandLine: PriceTable([model: price]))
        let table = sources.effective(plan: plan)
        #expect(table.price(of: "a")?.perMillion == 1 && table.price(of: "b")?.perMillion == 2)
        #expect(table.price(of: "c") == Price(perMillion: 3, currency: "USD"))
        #expect(throws: PriceError.self) { try PriceTable.parseAssignment("no-equals") }
        #expect(throws: PriceError.self) { try PriceTable.parseAssignment("m=cheap") }
    }

    @Test func thePricesFileIsFoundAndRead() throws {
        #expect(PriceTable.configFile(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]) == "/x/seedance/prices.yaml")
        #expect(PriceTable.configFile(environment: ["HOME": "/h"]) == "/h/.config/seedance/prices.yaml")
        let dir = try FixturePaths.temporaryDirectory("prices")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("prices.yaml").path
        #expect(try PriceTable.load(file: path).isEmpty, "a missing file sets no price")
        try "prices:\n  doubao-seedance-2-0: \"USD 7.00\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try PriceTable.load(file: path).price(of: "doubao-seedance-2-0-260128")?.perMillion == 7)
        try "doubao-seedance-2-0: lots\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: PriceError.self) { try PriceTable.load(file: path) }
    }

    @Test func aPlanCarriesPricesAndRefusesBadOnes() throws {
        let plan = try PlanLoader.parse("""
            prices: {doubao-seedance-2-0: "USD 7.00"}
            shots: [{id: a, prompt: hello}]
            """, file: "plan.yaml")
        #expect(plan.prices?.price(of: "doubao-seedance-2-0-260128") == Price(perMillion: 7, currency: "USD"))
        let stored = try JSONDecoder().decode(Plan.self, from: JSONEncoder().encode(plan))
        #expect(stored.prices == plan.prices)
        #expect(throws: PlanError.self) {
            try PlanLoader.parse("prices: {m: free}\nshots: [{id: a, prompt: hello}]", file: "plan.yaml")
        }
    }
}
