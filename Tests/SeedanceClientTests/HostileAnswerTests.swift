import Foundation
import Hummingbird
import NIOCore
import SeedanceAPI
import Testing
import TestSupport

/// Answers a hostile or broken service could give (issue 9's limits): an oversized or endless download, links to
/// something other than http(s), task ids that would change the request path or pick a directory.
@Suite struct HostileAnswerTests {
    @Test func downloadsOverTheLimitAreRefusedAndLeaveNothing() async throws {
        let announced = Counter(), streamedChunks = Counter()
        try await LocalServer.with({ router in
            // Says 3 MiB up front.
            router.get("/files/big.mp4") { _, _ in
                _ = announced.next()
                let body = ByteBuffer(repeating: 1, count: 3 << 20)
                return Response(status: .ok, headers: [.contentLength: "\(body.readableBytes)"], body: .init(byteBuffer: body))
            }
            // No length, and it never ends (bounded here at 64 MiB so a broken client cannot hang the test).
            router.get("/files/endless.mp4") { _, _ in
                Response(status: .ok, headers: [.contentType: "video/mp4"], body: ResponseBody { writer in
                    for _ in 0..<1024 {
                        _ = streamedChunks.next()
                        try await writer.write(ByteBuffer(repeating: 2, count: 64 << 10))
                    }
                    try await writer.finish(nil)
                })
            }
        }) { server in
            var configuration = testConfiguration(server.baseURL)
            configuration.maxDownloadBytes = 1 << 20
            let client = Client(configuration: configuration)
            let root = server.baseURL.deletingLastPathComponent().deletingLastPathComponent()
            let directory = try FixturePaths.temporaryDirectory("limits")
            defer { try? FileManager.default.removeItem(at: directory) }
            for (name, words) in [("big", "3145728 bytes, over the limit of 1048576"),
                                  ("endless", "passed the limit of 1048576 bytes")] {
                let task = GenerationTask(id: "cgt-\(name)", status: .succeeded, content: TaskContent(
                    videoURL: root.appendingPathComponent("files/\(name).mp4").absoluteString))
                await #expect {
                    try await client.download(task.id, to: directory.appendingPathComponent("\(name).mp4"), task: task)
                } throws: { error in
                    let error = error as? ClientError
                    return error?.kind == .download && error?.message.contains(words) == true
                }
            }
            try await client.shutdown()
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "no partial file")
            #expect(announced.count == 1, "an announced oversize is not retried")
            #expect(streamedChunks.count < 1024, "the endless body was cut off, not read to its end")
        }
    }

    @Test(arguments: ["file:///etc/passwd", "http+unix://%2Fvar%2Frun%2Fdocker.sock/containers/json",
                      "ftp://example.com/clip.mp4", "not a url", "http://"])
    func linksThatAreNotHTTPAreRefused(_ link: String) async throws {
        let client = Client(configuration: testConfiguration(URL(string: "http://127.0.0.1:9/api/v3")!))
        let directory = try FixturePaths.temporaryDirectory("links")
        defer { try? FileManager.default.removeItem(at: directory) }
        let task = GenerationTask(id: "cgt-link", status: .succeeded, content: TaskContent(videoURL: link))
        await #expect {
            try await client.download(task.id, to: directory.appendingPathComponent("clip.mp4"), task: task)
        } throws: { error in
            let error = error as? ClientError
            return error?.kind == .invalidResponse && error?.message.contains("not an http(s) URL") == true
        }
        try await client.shutdown()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func taskIDsThatWouldChangeThePathAreRefusedBeforeSending() async throws {
        let requests = Counter()
        try await LocalServer.with({ router in
            router.get("/**") { _, _ in _ = requests.next(); return Response(status: .notFound) }
            router.delete("/**") { _, _ in _ = requests.next(); return Response(status: .notFound) }
        }) { server in
            let client = Client(configuration: testConfiguration(server.baseURL))
            for id in ["../../admin", "cgt-1/../../x", "cgt-1?page_size=500", "..", "", String(repeating: "a", count: 129),
                       "cgt-\u{1b}[31m"] {
                await #expect { _ = try await client.task(id) } throws: {
                    ($0 as? ClientError)?.kind == .invalidRequest && ($0 as? ClientError)?.param == "id"
                }
                await #expect { try await client.delete(id) } throws: { ($0 as? ClientError)?.isBadInput == true }
            }
            try await client.shutdown()
            #expect(requests.count == 0, "nothing was sent")
        }
    }

    @Test func taskIDsBecomeSafeFileNames() {
        #expect(TaskID.isValid("cgt-20251225201056-abc"))
        #expect(TaskID.fileName("cgt-20251225201056-abc") == "cgt-20251225201056-abc")
        #expect(TaskID.fileName("../../etc/passwd") == "_.._etc_passwd")
        #expect(TaskID.fileName("/abs/path") == "_abs_path")
        #expect(TaskID.fileName("...") == "task")
        #expect(TaskID.fileName("") == "task")
        #expect(TaskID.fileName("ü\u{0}x") == "___x")
        #expect(TaskID.fileName(String(repeating: "z", count: 500)).count == 100)
        for hostile in ["../../etc/passwd", "/abs", "a\nb", "..", "x/y"] {
            let name = TaskID.fileName(hostile)
            #expect(!name.contains("/") && !name.hasPrefix(".") && !name.isEmpty)
        }
    }
}
