import Foundation

/// The report's token and money totals, made from the shots so that they add up: billed = accepted + retries,
/// and each money figure is the sum of the shots' priced tokens (per currency; unpriced tokens are counted apart).
enum ReportCost {
    static func addTotals(to totals: inout RunReport.Totals, shots: [RunReport.Shot]) {
        var accepted = 0, retries = 0, unpriced = 0
        var money: [String: RunReport.MoneyTotals] = [:]
        for shot in shots {
            let inUse = shot.attempts.filter { ReportWriter.isInUse($0, of: shot) }.compactMap(\.tokens).reduce(0, +)
            let billed = shot.attempts.compactMap(\.tokens).reduce(0, +)
            accepted += inUse
            retries += billed - inUse
            guard let price = shot.price else {
                unpriced += billed
                continue
            }
            let key = price.currency ?? ""
            var entry = money[key] ?? RunReport.MoneyTotals(currency: price.currency, estimated: 0, billed: 0,
                                                            accepted: 0, retries: 0)
            // The estimate covers the edit as planned: shots out of the edit cost what they cost, but are not planned.
            if shot.inEdit { entry.estimated += price.cost(of: shot.estimatedTokens ?? 0) }
            entry.billed += price.cost(of: billed)
            entry.accepted += price.cost(of: inUse)
            entry.retries += price.cost(of: billed - inUse)
            money[key] = entry
        }
        totals.acceptedTokens = accepted
        totals.retryTokens = retries
        totals.unpricedTokens = unpriced
        totals.money = money.isEmpty ? nil : money.keys.sorted().compactMap { money[$0] }
    }
}
