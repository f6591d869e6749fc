import Foundation
import FuzzTargets
#if FUZZING
/// libFuzzer's entry point; the target is chosen with SYSCTL_LINT_FUZZ_TARGET (see scripts/fuzz.sh). A broken
/// invariant becomes a crash, which libFuzzer records with the input that caused it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    let problems = FuzzTargets.run(FuzzTarget.name, bytes)
    if !problems.isEmpty { fatalError(problems.joined(separator: "; ")) }
    return 0
}

/// SwiftPM links an executable target's entry point under this name (and points `main` at it); libFuzzer's
/// driver is started from here.
@_cdecl("sysctl_lint_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { start, size in fuzz(start, size) }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

enum FuzzTarget {
    static let name: String = {
        guard let value = getenv("SYSCTL_LINT_FUZZ_TARGET") else { return "config" }
        return String(cString: value)
    }()
}
#else
/// Without libFuzzer (a plain `swift build`): replays the given input files through a target, for reproducing a
/// crash that a fuzzing run saved. `sysctl-lint-fuzz TARGET FILE...`
@main
enum ReplayFuzzInputs {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let target = arguments.first, FuzzTargets.names.contains(target) else {
            print("usage: sysctl-lint-fuzz \(FuzzTargets.names.joined(separator: "|")) FILE...")
            exit(2)
        }
        var failed = false
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { print("\(path): cannot read"); failed = true; continue }
            let problems = FuzzTargets.run(target, [UInt8](data))
            if !problems.isEmpty { print("\(path): \(problems.joined(separator: "; "))"); failed = true }
        }
        exit(failed ? 1 : 0)
    }
}
#endif
