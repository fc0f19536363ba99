// seedance-fuzz: libFuzzer targets for the media inputs users hand the tool (see scripts/fuzz.sh).
// Built with -sanitize=fuzzer and -D FUZZING, the entry point hands over to libFuzzer's driver. In a plain
// `swift build` it replays the files named on the command line through the selected target instead (a crash
// reproducer that needs no fuzzer runtime).
import Foundation
import Media

#if FUZZING
/// libFuzzer's driver (FuzzerDriver.cpp): parses the fuzzer flags and calls `callback` once per input. Declared
/// here rather than through a C module: it takes only pointers and returns an int, the same in Swift's and C's
/// calling conventions on the platforms libFuzzer supports.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32
#endif

@main
struct FuzzMain {
    static func main() {
        // FFmpeg's own log lines for every broken input would drown the fuzzer's output.
        FFmpegLog.silenceProcessWide()
        #if FUZZING
        // SwiftPM links executables with main aliased to this entry point, so libFuzzer's own main is unused.
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, { data, size in fuzzOneInput(data, size) }))
        #else
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            data.withUnsafeBytes { bytes in
                _ = fuzzOneInput(bytes.bindMemory(to: UInt8.self).baseAddress, bytes.count)
            }
            print("\(FuzzTarget.selected.rawValue): \(path): no crash")
        }
        #endif
    }
}
