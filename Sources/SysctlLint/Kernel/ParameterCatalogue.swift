import DataTree
/// The kernel model's knowledge of keys, with fast lookup by exact name and by per-interface pattern.
public struct ParameterCatalogue: Sendable {
    /// Every parameter, in catalogue order (decodes the whole shipped catalogue: for tests and tools, not runs).
    public var parameters: [Parameter] { store.all }
    /// Keys without a `*`, for "did you mean" suggestions (built when first asked for: only unknown keys need it).
    public var concreteNames: [String] { store.suggestions.concreteNames }
    /// Concrete names by their parent (`net.ipv4`), for spelling suggestions without a scan per unknown key.
    var namesByParent: [Substring: [String]] { store.suggestions.namesByParent }
    private var exact: [String: Int] = [:]
    private var patterns: [(components: [Substring], index: Int)] = []
    private let store: ParameterStore

    public init(parameters: [Parameter]) {
        store = ParameterStore(parameters)
        index(parameters.map(\.key))
    }

    /// The shipped catalogue: keys now, each parameter decoded from its packed tree when a run first looks it up.
    init(deferred entries: [ParameterStore.Deferred]) {
        store = ParameterStore(entries)
        index(entries.map(\.key))
    }

    /// Built on every start: byte searches, not `String.contains`, which Foundation routes through a locale-aware
    /// search.
    private mutating func index(_ keys: [String]) {
        exact.reserveCapacity(keys.count)
        for (index, key) in keys.enumerated() {
            if key.utf8.contains(UInt8(ascii: "*")) {
                patterns.append((key.split(separator: "."), index))
            } else {
                exact[key] = index
            }
        }
    }

    /// The problem decoding the parameter at `index` meets, or nil (see `ParameterStore`).
    func problem(at index: Int) -> DataFileProblem? { store.problem(at: index) }

    /// The parameter for a concrete dotted key (`net.ipv4.conf.eth0.rp_filter` finds `net.ipv4.conf.*.rp_filter`).
    public func parameter(for name: String) -> Parameter? {
        position(of: name).map { store[$0] }
    }

    /// The target kernel's literal default for a key, if the model has one (not a memory-dependent formula). Read
    /// in place: a copy of the parameter counted a reference to each of its parts, for every watched value of
    /// every host of a fleet.
    func defaultText(for name: String, kernel: KernelVersion) -> String? {
        guard let position = position(of: name) else { return nil }
        let parameter = store.entry(at: position)
        guard parameter.value.exists(in: kernel), case .value(let text)? = parameter.value.defaultValue(for: kernel) else { return nil }
        return text
    }

    private func position(of name: String) -> Int? {
        if let index = exact[name] { return index }
        let components = name.split(separator: ".")
        for pattern in patterns where pattern.components.count == components.count {
            if zip(pattern.components, components).allSatisfy({ $0 == "*" || $0 == $1 }) {
                return pattern.index
            }
        }
        return nil
    }

    /// The newest kernel the model has facts for; the target when the user names none.
    public static let newestKnownKernel = KernelVersion(6, 18)
    /// The oldest kernel whose timeout arithmetic the model follows (retries became time-based in 2.6.32).
    public static let oldestKnownKernel = KernelVersion(2, 6, 32)
}

/// Reads the catalogue YAML.
enum ParameterCatalogueLoader {
    static let fieldNames = ["key", "type", "fields", "unit", "summary", "since", "removed", "default", "range", "module", "vendor", "readonly", "verified"]

    static func load(text: String, file: String) throws(DataFileProblem) -> [Parameter] {
        guard let root = try YAMLTree.parse(text, file: file) else { return [] }
        return try load(root, file: file)
    }

    static func load(_ root: YAMLTree, file: String) throws(DataFileProblem) -> [Parameter] {
        let top = try root.fields(file, what: "the catalogue", allowed: ["description", "parameters"])
        var parameters: [Parameter] = []
        for entry in try top.required("parameters").sequence(file, what: "parameters") {
            parameters.append(try parameter(entry, file: file))
        }
        return parameters
    }

    static func parameter(_ tree: YAMLTree, file: String) throws(DataFileProblem) -> Parameter {
        let fields = try tree.fields(file, what: "a parameter", allowed: fieldNames)
        let key = try fields.required("key").string(file, what: "key")
        let typeNode = try fields.required("type")
        let kindText = try typeNode.string(file, what: "type")
        guard let kind = Parameter.Kind(rawValue: kindText) else {
            throw typeNode.problem(file, "type must be one of \(Parameter.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var count = 1
        if let node = fields["fields"] {
            guard let value = Int(try node.string(file, what: "fields")), value >= 1 else { throw node.problem(file, "fields must be a positive integer") }
            count = value
        }
        return Parameter(
            key: key, kind: kind, fields: count,
            unit: try fields["unit"]?.string(file, what: "unit"),
            summary: try fields["summary"]?.string(file, what: "summary") ?? "",
            since: try version(fields["since"], file: file),
            removed: try version(fields["removed"], file: file),
            defaults: try versioned(fields["default"], file: file, what: "default") { node throws(DataFileProblem) in
                if case .mapping = node.content {
                    let formula = try node.fields(file, what: "a default", allowed: ["formula"])
                    return .formula(try formula.required("formula").string(file, what: "formula"))
                }
                return .value(try node.string(file, what: "default"))
            },
            bounds: try versioned(fields["range"], file: file, what: "range") { node throws(DataFileProblem) in
                let items = try node.sequence(file, what: "range")
                guard items.count == 2 else { throw node.problem(file, "range must be [min, max] (use ~ for no bound)") }
                return Parameter.Bounds(min: try bound(items[0], file: file), max: try bound(items[1], file: file))
            },
            module: try fields["module"]?.string(file, what: "module"),
            vendor: try fields["vendor"]?.string(file, what: "vendor"),
            readOnly: try flag(fields["readonly"], file: file, what: "readonly"),
            verified: try fields["verified"]?.string(file, what: "verified"),
            line: tree.line
        )
    }

    private static func flag(_ node: YAMLTree?, file: String, what: String) throws(DataFileProblem) -> Bool {
        guard let node else { return false }
        switch try node.string(file, what: what) {
        case "true": return true
        case "false": return false
        default: throw node.problem(file, "\(what) must be true or false")
        }
    }

    private static func bound(_ node: YAMLTree, file: String) throws(DataFileProblem) -> Int? {
        let text = try node.string(file, what: "a bound")
        if text == "~" || text == "null" || text.isEmpty { return nil }
        guard let value = Int(text) else { throw node.problem(file, "a bound must be an integer or ~") }
        return value
    }

    private static func version(_ node: YAMLTree?, file: String) throws(DataFileProblem) -> KernelVersion? {
        guard let node else { return nil }
        let text = try node.string(file, what: "a kernel version")
        guard let version = KernelVersion(text) else { throw node.problem(file, "'\(text)' is not a kernel version such as 4.12 or 2.6.32") }
        return version
    }

    /// A plain value applies to every version; a list of `{from: X, value}` entries changes at each `from`.
    private static func versioned<Value>(
        _ node: YAMLTree?, file: String, what: String, _ read: (YAMLTree) throws(DataFileProblem) -> Value
    ) throws(DataFileProblem) -> [Parameter.Versioned<Value>] {
        guard let node else { return [] }
        guard case .sequence(let items) = node.content, items.first.map({ if case .mapping = $0.content { true } else { false } }) == true else {
            return [Parameter.Versioned(from: nil, value: try read(node))]
        }
        var entries: [Parameter.Versioned<Value>] = []
        for item in items {
            let fields = try item.fields(file, what: "a versioned \(what)", allowed: ["from", "value"])
            let entry = Parameter.Versioned(from: try version(fields["from"], file: file), value: try read(try fields.required("value")))
            if let previous = entries.last, let from = entry.from, previous.from.map({ $0 >= from }) ?? false {
                throw item.problem(file, "versioned \(what) entries must be in increasing 'from' order")
            }
            entries.append(entry)
        }
        return entries
    }
}
