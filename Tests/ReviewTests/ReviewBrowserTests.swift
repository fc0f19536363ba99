import Foundation
import Testing
import TestSupport

/// The review page as a person uses it, in headless Chromium driven through chromedriver: a run made through the
/// simulator, opened at phone width; a clip played, a shot rejected with an edited prompt and made again, the new
/// attempt appearing live (no reload), approved, the edit joined again, and exactly one task more at the service.
///
/// With `SEEDANCE_REVIEW_SCREENSHOT=PATH` it also writes a desktop-width picture of the page there (docs/review.png
/// is made so: `SEEDANCE_REVIEW_SCREENSHOT=$PWD/docs/review.png swift test --filter ReviewBrowserTests`).
@Suite(.serialized, .enabled(if: try TestConditions.chromedriver)) struct ReviewBrowserTests {
    @Test func reviewARunInTheBrowser() async throws {
        try await ReviewHarness.with { harness in
            let folder = try await harness.makeRun()
            Self.step("run made")
            try await harness.reviewing(folder) { address in
                Self.step("serving \(address.origin)")
                try await WebDriver.with { driver in
                    Self.step("chromedriver ready")
                    let profile = try FixturePaths.temporaryDirectory("review-chromium")
                    defer { try? FileManager.default.removeItem(at: profile) }
                    let page = try await driver.session(phone: true, profile: profile)
                    do {
                        try await Self.review(page, address: address, harness: harness)
                        await page.close()
                    } catch {
                        await page.close()
                        throw error
                    }
                    if let path = ProcessInfo.processInfo.environment["SEEDANCE_REVIEW_SCREENSHOT"], !path.isEmpty {
                        let desktopProfile = try FixturePaths.temporaryDirectory("review-chromium-desktop")
                        defer { try? FileManager.default.removeItem(at: desktopProfile) }
                        let desktop = try await driver.session(phone: false, profile: desktopProfile)
                        do {
                            try await desktop.open(address.full)
                            try await desktop.wait("the cards are drawn", "return document.querySelectorAll('#shots article video').length >= 4")
                            try await desktop.wait("the players are ready", """
                                return [...document.querySelectorAll('video')].every(v => v.readyState >= 2)
                                """)
                            try await desktop.run("document.querySelector('#card-garden').scrollIntoView(); window.scrollTo(0, 0);")
                            try await desktop.screenshot().write(to: URL(fileURLWithPath: path))
                            await desktop.close()
                        } catch {
                            await desktop.close()
                            throw error
                        }
                    }
                }
            }
        }
    }

    /// Says which step the browser test is at, on stderr (unbuffered), so a stuck step is named in the log.
    static func step(_ text: String) { FileHandle.standardError.write(Data("review browser: \(text)\n".utf8)) }

    static func review(_ page: BrowserSession, address: ReviewAddress, harness: ReviewHarness) async throws {
        let createsBefore = try await harness.stats().createsAccepted
        step("open the page")
        try await page.open(address.full)
        step("wait for the cards")
        try await page.wait("three cards", "return document.querySelectorAll('#shots article').length === 3")
        let order = try await page.run("return [...document.querySelectorAll('#shots article')].map(a => a.dataset.shot)") as? [String]
        #expect(order == ["opening", "chained", "garden"])
        // A phone: the page is 375 px wide and nothing overflows it.
        let widths = try await page.run("return [window.innerWidth, document.documentElement.scrollWidth]") as? [Int]
        #expect(widths?.first == 375 && (widths?.last ?? 999) <= 375, "widths \(String(describing: widths))")
        // The page remembers it was not reloaded.
        try await page.run("window.notReloaded = true")

        // Space plays the selected (first) shot: its player's time moves.
        #expect(try await page.run("return document.querySelector('#card-opening').classList.contains('selected')") as? Bool == true)
        try await page.run("document.activeElement && document.activeElement.blur()")
        step("space")
        try await page.press("\u{E00D}")
        try await page.wait("the clip plays", """
            const v = document.querySelector('#card-opening .media video');
            return v.readyState >= 2 && v.currentTime > 0.2;
            """)

        // j twice: the garden shot; r opens the rejection, typed and sent.
        try await page.press("j")
        try await page.press("j")
        #expect(try await page.run("return document.querySelector('#card-garden').classList.contains('selected')") as? Bool == true)
        step("reject")
        try await page.press("r")
        try await page.wait("the reject form", "return !!document.querySelector('#card-garden .reject-form textarea')")
        try await page.type("#card-garden .reject-form textarea", "too dark")
        try await page.click("#card-garden .reject-form button[type=submit]")
        try await page.wait("rejected", "return document.querySelector('#card-garden').classList.contains('rejected')")

        // Made again with an edited prompt.
        step("make again")
        try await page.click("#card-garden button.regenerate")
        try await page.wait("the regenerate form", "return !!document.querySelector('#card-garden .regenerate-form textarea')")
        try await page.type("#card-garden .regenerate-form textarea[name=prompt]", "the puppy runs in a sunny garden")
        try await page.click("#card-garden .regenerate-form button[type=submit]")
        // The new attempt appears on its own, playable beside the first.
        try await page.wait("the second attempt", seconds: 120, """
            const card = document.querySelector('#card-garden');
            return card.querySelectorAll('.attempt').length === 2 && card.querySelectorAll('.attempt video').length === 2
              && card.querySelector('.badge.state').textContent === 'done';
            """)
        #expect(try await page.run("return window.notReloaded === true") as? Bool == true, "the page was reloaded")
        let prompt = try await page.run("return document.querySelector('#card-garden .prompt').textContent") as? String
        #expect(prompt?.contains("sunny garden") == true)

        // a approves the selected shot.
        try await page.run("document.activeElement && document.activeElement.blur()")
        step("approve")
        try await page.press("a")
        try await page.wait("approved", "return document.querySelector('#card-garden').classList.contains('approved')")

        // Joined again; the new final video plays in the page.
        let jobsBefore = try await page.run("return document.querySelectorAll('#final .jobs li').length") as? Int ?? 0
        step("join")
        try await page.wait("the join button is free", "return !document.querySelector('#join').disabled")
        try await page.click("#join")
        try await page.wait("the join", seconds: 120, """
            return [...document.querySelectorAll('#final .jobs li')].some(li => li.textContent.startsWith('join: done'))
            """)
        #expect((try await page.run("return document.querySelectorAll('#final .jobs li').length") as? Int ?? 0) > jobsBefore)
        try await page.run("const v = document.querySelector('#final-video'); v.muted = true; v.play();")
        try await page.wait("the final video plays", "const v = document.querySelector('#final-video'); return v.readyState >= 2 && v.currentTime > 0.2")
        #expect(try await page.run("return window.notReloaded === true") as? Bool == true)

        #expect(try await harness.stats().createsAccepted == createsBefore + 1, "exactly one task more at the service")
    }
}
