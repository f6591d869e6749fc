import ArgumentParser
import Foundation
import SysctlLint

/// `sysctl-lint init`: writes a commented starter `.sysctl-lint.yaml`.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Write a commented starter .sysctl-lint.yaml.")

    @Argument(help: ArgumentHelp("Where to write it (a folder or a file name).", valueName: "path"))
    var path: String = "."

    @Flag(help: "Replace an existing file.")
    var force = false

    func run() throws {
        var isDirectory: ObjCBool = false
        let target = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
            ? (path as NSString).appendingPathComponent(ProjectConfig.fileName) : path
        if FileManager.default.fileExists(atPath: target) && !force {
            fail(["\(target) already exists; use --force to replace it"])
        }
        if let problem = AtomicFile.write(Data(ProjectConfig.starter.utf8), to: target) {
            fail(["\(target): cannot write: \(problem)"])
        }
        print("wrote \(target)")
    }
}
