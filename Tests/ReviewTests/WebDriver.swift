import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport

/// Debian's chromedriver on a free loopback port, driving headless Chromium through the WebDriver protocol (JSON
/// over HTTP, sent with AsyncHTTPClient).
struct WebDriver: Sendable {
    static var chromedriverPath: String { TestConditions.chromedriverPath }

    let base: String

    /// Starts chromedriver, runs `body` with it, and stops it however `body` ends.
    static func with<T>(_ body: (WebDriver) async throws -> T) async throws -> T {
        // chromedriver's own "started on port N" line sits in its stdout buffer when piped: the port is chosen here
        // and readiness asked of /status instead.
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromedriverPath)
        process.arguments = ["--port=\(port)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let driver = WebDriver(base: "http://127.0.0.1:\(port)")
        let outcome: Result<T, any Error>
        do {
            try await driver.waitUntilReady()
            outcome = .success(try await body(driver))
        } catch {
            outcome = .failure(error)
        }
        // chromedriver ignores SIGTERM: it is asked to quit, then killed if it has not.
        _ = try? await driver.command(.GET, "/shutdown")
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return try outcome.get()
    }

    /// A port nothing listens on now (bound to 0, read back, released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ReviewTestFailure("socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw ReviewTestFailure("bind: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits until chromedriver answers `/status` with ready (at most 30 s).
    func waitUntilReady() async throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let value = try? await command(.GET, "/status") as? [String: Any], value["ready"] as? Bool == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ReviewTestFailure("chromedriver did not get ready in 30 s")
    }

    /// One WebDriver command; returns its `value`.
    @discardableResult
    func command(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let data = Data(try await response.body.collect(upTo: 64 << 20).readableBytesView)
        let object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
        guard response.status == .ok else {
            throw ReviewTestFailure("webdriver \(method) \(path): \(response.status) \(String(decoding: data.prefix(600), as: UTF8.self))")
        }
        return object?["value"] ?? nil
    }

    /// A browser session: headless Chromium, as a phone 375 px wide when `phone`, else a desktop window.
    func session(phone: Bool, profile: URL) async throws -> BrowserSession {
        var options: [String: Any] = [
            "binary": TestConditions.chromiumPath,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--mute-audio", "--hide-scrollbars",
                     "--autoplay-policy=no-user-gesture-required", "--user-data-dir=\(profile.path)",
                     phone ? "--window-size=500,900" : "--window-size=1280,2000"],
        ]
        if phone { options["mobileEmulation"] = ["deviceMetrics": ["width": 375, "height": 812, "pixelRatio": 1]] }
        let value = try await command(.POST, "/session", ["capabilities": ["alwaysMatch": [
            "browserName": "chrome", "goog:chromeOptions": options,
        ]]])
        guard let id = (value as? [String: Any])?["sessionId"] as? String else {
            throw ReviewTestFailure("webdriver: no session id in \(String(describing: value))")
        }
        return BrowserSession(driver: self, id: id)
    }
}

/// One browser window under WebDriver.
struct BrowserSession: Sendable {
    let driver: WebDriver
    let id: String

    func open(_ url: String) async throws { try await driver.command(.POST, "/session/\(id)/url", ["url": url]) }

    /// Runs `script` (a function body; `arguments[0]...`) in the page and returns its value.
    @discardableResult
    func run(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await driver.command(.POST, "/session/\(id)/execute/sync", ["script": script, "args": arguments])
    }

    /// Waits until `script` returns true (at most `seconds`).
    func wait(_ what: String, seconds: Double = 60, _ script: String) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await run(script) as? Bool == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ReviewTestFailure("the page did not get there in \(seconds) s: \(what)")
    }

    /// Clicks the element `selector` matches (as the page's own click: its handlers run).
    func click(_ selector: String) async throws {
        let clicked = try await run("""
            const e = document.querySelector(arguments[0]);
            if (!e || e.disabled) return false;
            e.click();
            return true;
            """, [selector])
        guard clicked as? Bool == true else { throw ReviewTestFailure("nothing to click at \(selector)") }
    }

    /// Replaces the text of the field `selector` with `text`, as typing does (an input event follows).
    func type(_ selector: String, _ text: String) async throws {
        let typed = try await run("""
            const e = document.querySelector(arguments[0]);
            if (!e) return false;
            e.focus();
            e.value = arguments[1];
            e.dispatchEvent(new Event('input', {bubbles: true}));
            return true;
            """, [selector, text])
        guard typed as? Bool == true else { throw ReviewTestFailure("no field at \(selector)") }
    }

    /// Presses and releases `key` (a character, or "\u{E00D}" for space) on the focused element.
    func press(_ key: String) async throws {
        try await driver.command(.POST, "/session/\(id)/actions", ["actions": [[
            "type": "key", "id": "keyboard",
            "actions": [["type": "keyDown", "value": key], ["type": "keyUp", "value": key]],
        ]]])
    }

    /// The page as a PNG.
    func screenshot() async throws -> Data {
        guard let text = try await driver.command(.GET, "/session/\(id)/screenshot") as? String,
              let data = Data(base64Encoded: text) else { throw ReviewTestFailure("no screenshot") }
        return data
    }

    func close() async { _ = try? await driver.command(.DELETE, "/session/\(id)") }
}
