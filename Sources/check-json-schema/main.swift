import Foundation
import SchemaCheck

// check-json-schema SCHEMA FILE...: validates JSON files against a JSON Schema (draft 4). Used by .ci/run to check
// the SARIF reports of the built tool; exits 1 when a file does not conform, 2 when a file cannot be read.
let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: check-json-schema SCHEMA FILE...\n".utf8))
    exit(2)
}
do {
    let validator = try JSONSchemaValidator(schema: try Data(contentsOf: URL(fileURLWithPath: arguments[0])))
    var failed = false
    for file in arguments.dropFirst() {
        let problems = try validator.validate(try Data(contentsOf: URL(fileURLWithPath: file)))
        for problem in problems { print("\(file): \(problem)") }
        if problems.isEmpty { print("\(file): conforms") } else { failed = true }
    }
    exit(failed ? 1 : 0)
} catch {
    FileHandle.standardError.write(Data("check-json-schema: \(error)\n".utf8))
    exit(2)
}
