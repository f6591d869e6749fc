import DataTree
import Foundation

/// The catalogue's parameters, decoded when first looked up. The shipped catalogue holds a few hundred keys and a
/// run looks up a handful: decoding all of them on every start cost a typical run a tenth of its time.
///
/// Each shipped parameter is packed on its own by the build (`Sources/EmbedData`), which checks the catalogue's
/// shape; the test suite loads every catalogue file with the YAML loader, so a deferred decode does not fail.
/// Should one ever fail, the key reads as free text, which no check judges, rather than stopping the run.
final class ParameterStore: @unchecked Sendable {
    /// A parameter not decoded yet: its key, the catalogue file it came from, and its packed tree.
    struct Deferred: Sendable {
        var key: String
        var file: String
        var packed: StaticString
    }

    /// What spelling suggestions search: the keys without a `*`, and the same grouped by parent (`net.ipv4`).
    struct Suggestions: Sendable {
        var concreteNames: [String] = []
        var namesByParent: [Substring: [String]] = [:]
    }

    // Guarded by `lock`: a slot is filled at most once, and so are the suggestions.
    private let lock = NSLock()
    private var slots: [Entry?]
    private var suggestionsStorage: Suggestions?
    private let deferred: [Deferred]
    private let keys: [String]

    /// A decoded parameter, shared by reference: a caller that reads a field or two copies nothing.
    final class Entry: Sendable {
        let value: Parameter
        init(_ value: Parameter) { self.value = value }
    }

    init(_ parameters: [Parameter]) {
        slots = parameters.map(Entry.init)
        deferred = []
        keys = parameters.map(\.key)
    }

    init(_ entries: [Deferred]) {
        slots = Array(repeating: nil, count: entries.count)
        deferred = entries
        keys = entries.map(\.key)
    }

    var suggestions: Suggestions {
        lock.lock()
        defer { lock.unlock() }
        if let suggestionsStorage { return suggestionsStorage }
        var built = Suggestions()
        for key in keys where !key.utf8.contains(UInt8(ascii: "*")) {
            built.concreteNames.append(key)
            let dot = key.utf8.lastIndex(of: UInt8(ascii: "."))
            built.namesByParent[dot.map { key[..<$0] } ?? "", default: []].append(key)
        }
        suggestionsStorage = built
        return built
    }

    var count: Int { slots.count }

    subscript(index: Int) -> Parameter { entry(at: index).value }

    func entry(at index: Int) -> Entry {
        lock.lock()
        defer { lock.unlock() }
        if let entry = slots[index] { return entry }
        let entry = Entry(Self.decode(deferred[index]))
        slots[index] = entry
        return entry
    }

    var all: [Parameter] { (0..<count).map { self[$0] } }

    /// The problem decoding a deferred parameter meets, or nil: what the tests check for every shipped one.
    func problem(at index: Int) -> DataFileProblem? {
        guard index < deferred.count else { return nil }
        do {
            _ = try Self.load(deferred[index])
            return nil
        } catch {
            return error
        }
    }

    /// One shipped parameter, unpacked and read as the YAML loader reads it; a damaged packed form is a problem too.
    private static func load(_ entry: Deferred) throws(DataFileProblem) -> Parameter {
        let file = "rules/" + entry.file
        let tree = UnsafeBufferPointer(start: entry.packed.utf8Start, count: entry.packed.utf8CodeUnitCount)
            .withMemoryRebound(to: UInt8.self) { YAMLTree.unpack($0) }
        guard let tree else {
            throw DataFileProblem(file: file, line: nil, column: nil, message: "the compiled-in form of \(entry.key) is damaged")
        }
        return try ParameterCatalogueLoader.parameter(tree, file: file)
    }

    private static func decode(_ entry: Deferred) -> Parameter {
        (try? load(entry)) ?? Parameter(key: entry.key, kind: .string, fields: 1, unit: nil, summary: "", since: nil, removed: nil,
                                        defaults: [], bounds: [], module: nil, vendor: nil, verified: nil, line: 0)
    }
}
