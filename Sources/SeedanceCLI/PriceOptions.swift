import ArgumentParser
import Foundation
import Pipeline

/// `--price MODEL=PRICE` (repeatable) and the prices file, for the report's money figures.
struct PriceOptions: ParsableArguments {
    @Option(name: .customLong("price"),
            help: ArgumentHelp("A price per million tokens for the report, MODEL=PRICE (repeatable; MODEL is a model "
                               + "id or its leading part; over the plan's prices: and prices.yaml). seedance ships no "
                               + "prices: without one the report shows tokens only.",
                               valueName: "model=price"))
    var assignments: [String] = []

    func validate() throws {
        do {
            _ = try sources()
        } catch let error as PriceError {
            throw ValidationError(error.reason)
        }
    }

    /// The prices file's table and the command line's.
    func sources() throws -> PriceSources {
        var commandLine: [String: Price] = [:]
        for assignment in assignments {
            let (model, price) = try PriceTable.parseAssignment(assignment)
            commandLine[model] = price
        }
        let file = try PriceTable.configFile().map(PriceTable.load(file:)) ?? PriceTable()
        return PriceSources(configFile: file, commandLine: PriceTable(commandLine))
    }

    /// `sources()` once `validate()` passed (a prices file that broke since reads as no prices).
    var validated: PriceSources { (try? sources()) ?? PriceSources() }
}
