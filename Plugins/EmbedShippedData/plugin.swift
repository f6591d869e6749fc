import Foundation
import PackagePlugin

/// Embeds the shipped rule files and the kernel parameter catalogue (`rules/**/*.yaml`) into the library,
/// so that a `sysctl-lint` binary copied alone to another machine still knows every rule.
@main
struct EmbedShippedData: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let rulesDirectory = context.package.directoryURL.appending(path: "rules")
        let inputs = yamlFiles(under: rulesDirectory)
        let output = context.pluginWorkDirectoryURL.appending(path: "ShippedData.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) shipped data files from rules/",
                executable: try context.tool(named: "EmbedData").url,
                arguments: [output.path, rulesDirectory.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }

    private func yamlFiles(under directory: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            return []
        }
        return walker.compactMap { $0 as? URL }
            .filter { $0.pathExtension == "yaml" }
            .sorted { $0.path < $1.path }
    }
}
