import Foundation

/// A JSON Schema (draft 4) validator for the keywords the SARIF 2.1.0 schema uses: `$ref` within the document,
/// `type`, `enum`, `properties`, `additionalProperties`, `required`, `items`, `minItems`, `maxItems`,
/// `uniqueItems`, `minimum`, `maximum`, `pattern`, `minLength`, `format` (`uri`, `uri-reference`, `date-time`),
/// `allOf`, `anyOf`, `oneOf`, `not`. A keyword it does not know makes validation fail loudly rather than pass
/// silently. It exists so that tests and CI can check reports offline, without a Python or Node toolchain.
/// Sendable by hand: the parsed schema is stored once and never mutated.
public struct JSONSchemaValidator: @unchecked Sendable {
    public struct Problem: CustomStringConvertible, Sendable {
        public var path: String
        public var message: String
        public var description: String { "\(path.isEmpty ? "/" : path): \(message)" }
    }

    private let root: [String: Any]
    private static let annotations: Set<String> = ["$schema", "id", "$id", "title", "description", "default", "definitions"]

    public init(schema: Data) throws {
        guard let root = try JSONSerialization.jsonObject(with: schema) as? [String: Any] else {
            throw ValidatorError("the schema is not a JSON object")
        }
        self.root = root
    }

    /// Every way `document` breaks the schema; empty when it conforms.
    public func validate(_ document: Data) throws -> [Problem] {
        let value = try JSONSerialization.jsonObject(with: document, options: [.fragmentsAllowed])
        var problems: [Problem] = []
        check(value, against: root, path: "", problems: &problems)
        return problems
    }

    private func resolve(_ reference: String) -> [String: Any]? {
        guard reference.hasPrefix("#") else { return nil }
        var node: Any = root
        for part in reference.dropFirst().split(separator: "/") {
            let name = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let object = node as? [String: Any], let next = object[name] else { return nil }
            node = next
        }
        return node as? [String: Any]
    }

    private func check(_ value: Any, against schema: [String: Any], path: String, problems: inout [Problem]) {
        func fail(_ message: String) { problems.append(Problem(path: path, message: message)) }
        if let reference = schema["$ref"] as? String {
            guard let target = resolve(reference) else { return fail("unresolvable $ref \(reference)") }
            return check(value, against: target, path: path, problems: &problems)
        }
        for (keyword, argument) in schema {
            switch keyword {
            case _ where Self.annotations.contains(keyword):
                continue
            case "type":
                let types = (argument as? [String]) ?? [(argument as? String) ?? ""]
                if !types.contains(where: { Self.has(type: $0, value) }) {
                    fail("expected \(types.joined(separator: " or ")), found \(Self.typeName(value))")
                }
            case "enum":
                let options = argument as? [Any] ?? []
                if !options.contains(where: { Self.equal($0, value) }) { fail("\(Self.show(value)) is not one of the allowed values") }
            case "properties":
                guard let object = value as? [String: Any], let properties = argument as? [String: Any] else { continue }
                for (name, sub) in properties {
                    if let member = object[name], let sub = sub as? [String: Any] {
                        check(member, against: sub, path: path + "/" + name, problems: &problems)
                    }
                }
            case "additionalProperties":
                guard let object = value as? [String: Any] else { continue }
                let declared = Set((schema["properties"] as? [String: Any] ?? [:]).keys)
                let extra = object.keys.filter { !declared.contains($0) }.sorted()
                if let allowed = argument as? Bool {
                    if !allowed && !extra.isEmpty { fail("properties not allowed here: \(extra.joined(separator: ", "))") }
                } else if let sub = argument as? [String: Any] {
                    for name in extra { check(object[name]!, against: sub, path: path + "/" + name, problems: &problems) }
                }
            case "required":
                guard let object = value as? [String: Any] else { continue }
                for name in argument as? [String] ?? [] where object[name] == nil { fail("missing required property '\(name)'") }
            case "items":
                guard let array = value as? [Any], let sub = argument as? [String: Any] else { continue }
                for (index, element) in array.enumerated() { check(element, against: sub, path: "\(path)/\(index)", problems: &problems) }
            case "minItems":
                if let array = value as? [Any], let limit = argument as? Int, array.count < limit { fail("fewer than \(limit) items") }
            case "maxItems":
                if let array = value as? [Any], let limit = argument as? Int, array.count > limit { fail("more than \(limit) items") }
            case "uniqueItems":
                guard let array = value as? [Any], argument as? Bool == true else { continue }
                for i in array.indices { for j in array.indices where j > i && Self.equal(array[i], array[j]) { fail("items \(i) and \(j) are equal") } }
            case "minimum", "maximum":
                guard Self.has(type: "number", value), let number = (value as? NSNumber)?.doubleValue,
                      let limit = (argument as? NSNumber)?.doubleValue else { continue }
                if keyword == "minimum" ? number < limit : number > limit { fail("\(Self.show(value)) breaks \(keyword) \(limit)") }
            case "minLength":
                if let text = value as? String, let limit = argument as? Int, text.count < limit { fail("shorter than \(limit)") }
            case "pattern":
                guard let text = value as? String, let pattern = argument as? String else { continue }
                guard let regex = try? NSRegularExpression(pattern: pattern) else { fail("schema pattern does not compile: \(pattern)"); continue }
                if regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil { fail("'\(text)' does not match \(pattern)") }
            case "format":
                guard let text = value as? String, let format = argument as? String else { continue }
                if !Self.conforms(text, format: format) { fail("'\(text)' is not a valid \(format)") }
            case "allOf", "anyOf", "oneOf":
                let subs = argument as? [[String: Any]] ?? []
                let passing = subs.filter { sub in
                    var inner: [Problem] = []
                    check(value, against: sub, path: path, problems: &inner)
                    return inner.isEmpty
                }.count
                if keyword == "allOf" && passing != subs.count { fail("does not match all of \(subs.count) schemas") }
                if keyword == "anyOf" && passing == 0 { fail("matches none of \(subs.count) schemas") }
                if keyword == "oneOf" && passing != 1 { fail("matches \(passing) of \(subs.count) schemas, not exactly one") }
            case "not":
                guard let sub = argument as? [String: Any] else { continue }
                var inner: [Problem] = []
                check(value, against: sub, path: path, problems: &inner)
                if inner.isEmpty { fail("matches a schema it must not match") }
            default:
                fail("the validator does not know the schema keyword '\(keyword)'")
            }
        }
    }

    static func isBool(_ value: Any) -> Bool {
        // JSONSerialization boxes booleans as a distinct NSNumber subclass whose type code is "c" (char).
        guard let number = value as? NSNumber else { return false }
        return type(of: number) != NSNumber.self && String(cString: number.objCType) == "c"
    }

    static func has(type: String, _ value: Any) -> Bool {
        switch type {
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String
        case "null": return value is NSNull
        case "boolean": return isBool(value)
        case "number": return !isBool(value) && value is NSNumber
        case "integer":
            guard !isBool(value), let number = value as? NSNumber else { return false }
            return number.doubleValue.rounded() == number.doubleValue
        default: return false
        }
    }

    static func typeName(_ value: Any) -> String {
        ["null", "boolean", "integer", "number", "string", "array", "object"].first { has(type: $0, value) } ?? "unknown"
    }

    static func equal(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case (is NSNull, is NSNull): return true
        case (let x as String, let y as String): return x == y
        case (let x as [Any], let y as [Any]): return x.count == y.count && zip(x, y).allSatisfy(equal)
        case (let x as [String: Any], let y as [String: Any]):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { equal(value, $0) } ?? false }
        case (let x as NSNumber, let y as NSNumber): return isBool(x) == isBool(y) && x == y
        default: return false
        }
    }

    static func show(_ value: Any) -> String { (value as? String).map { "'\($0)'" } ?? "\(value)" }

    /// `uri` needs a scheme (RFC 3986 absolute URI); `uri-reference` any reference; `date-time` RFC 3339.
    static func conforms(_ text: String, format: String) -> Bool {
        switch format {
        case "uri":
            guard let colon = text.firstIndex(of: ":"), colon != text.startIndex,
                  text[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }),
                  text.first!.isLetter else { return false }
            return URL(string: text) != nil
        case "uri-reference":
            return !text.contains(" ") && URL(string: text) != nil
        case "date-time":
            return ISO8601DateFormatter().date(from: text) != nil
        default:
            return true  // unknown formats are annotations in draft 4
        }
    }
}

public struct ValidatorError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
