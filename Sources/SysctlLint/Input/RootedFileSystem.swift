import Foundation

/// Paths inside a filesystem root, resolved the way `chroot` would: an absolute symlink target starts again at the
/// root, and `..` never climbs above it. A configuration repository given as `--root` therefore cannot make the
/// tool read a file outside it (`/etc/shadow` through a link), whatever its links say.
public struct RootedFileSystem: Sendable {
    /// What a path inside the root turned out to be.
    public enum Node: Sendable, Equatable {
        case file(host: String)
        case directory(host: String)
        /// A link (or chain of links) to `/dev/null`: the loaders read it as an empty file, which masks the name.
        case devNull
        case missing
        case unreadable(reason: String)
    }

    /// The resolution plus whether a link tried to leave the root (and was kept inside it).
    public struct Resolution: Sendable, Equatable {
        public var node: Node
        public var climbedOutOfRoot: Bool
        /// The path inside the root the links led to, for messages (`/etc/sysctl.conf`).
        public var innerPath: String
    }

    /// The root as a host path, without a trailing slash ("" for `/`).
    public let root: String
    /// How the root is shown in messages, as the user gave it.
    public let displayRoot: String

    /// Longer chains than this are loops: Linux gives up after 40 links as well.
    static let maxLinks = 40

    public init(root: String) {
        displayRoot = root
        var trimmed = root
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.root = trimmed == "/" ? "" : trimmed
    }

    /// The host path of a path inside the root, without resolving links.
    public func hostPath(_ inner: String) -> String {
        root + (inner.hasPrefix("/") ? inner : "/" + inner)
    }

    /// The name shown for a path inside the root: the host path when the root is `/`, else root-relative.
    public func display(_ inner: String) -> String {
        root.isEmpty ? inner : hostPath(inner)
    }

    /// Resolves every component of `inner` (an absolute path inside the root), following links inside the root.
    public func resolve(_ inner: String) -> Resolution {
        var pending = Array(inner.split(separator: "/").map(String.init).reversed())
        var resolved: [String] = []
        var links = 0
        var climbed = false
        let fileManager = FileManager.default
        while let component = pending.popLast() {
            if component.isEmpty || component == "." { continue }
            if component == ".." {
                if resolved.isEmpty { climbed = true } else { resolved.removeLast() }
                continue
            }
            // /dev/null masks whether or not the root has a /dev of its own.
            if resolved.isEmpty && component == "dev" && pending == ["null"] {
                return Resolution(node: .devNull, climbedOutOfRoot: climbed, innerPath: "/dev/null")
            }
            let candidate = resolved + [component]
            let host = root + "/" + candidate.joined(separator: "/")
            let attributes: [FileAttributeKey: Any]
            do {
                attributes = try fileManager.attributesOfItem(atPath: host)  // lstat: links are not followed
            } catch {
                // Name the whole path the links led to, not just the part that exists.
                let innerSoFar = "/" + (candidate + pending.reversed()).joined(separator: "/")
                let code = (error as NSError).code
                let missing = code == NSFileNoSuchFileError || code == NSFileReadNoSuchFileError
                return Resolution(node: missing ? .missing : .unreadable(reason: Self.reason(error)),
                                  climbedOutOfRoot: climbed, innerPath: innerSoFar)
            }
            if attributes[.type] as? FileAttributeType == .typeSymbolicLink {
                links += 1
                guard links <= Self.maxLinks,
                      let target = try? fileManager.destinationOfSymbolicLink(atPath: host) else {
                    return Resolution(node: .unreadable(reason: "too many levels of symbolic links"),
                                      climbedOutOfRoot: climbed, innerPath: "/" + candidate.joined(separator: "/"))
                }
                if target.hasPrefix("/") { resolved = [] }
                pending += target.split(separator: "/").map(String.init).reversed()
                continue
            }
            resolved = candidate
        }
        let innerPath = "/" + resolved.joined(separator: "/")
        if innerPath == "/dev/null" {
            return Resolution(node: .devNull, climbedOutOfRoot: climbed, innerPath: innerPath)
        }
        let host = root.isEmpty && resolved.isEmpty ? "/" : root + innerPath
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: host, isDirectory: &isDirectory) else {
            return Resolution(node: .missing, climbedOutOfRoot: climbed, innerPath: innerPath)
        }
        return Resolution(node: isDirectory.boolValue ? .directory(host: host) : .file(host: host),
                          climbedOutOfRoot: climbed, innerPath: innerPath)
    }

    /// The operating system's words for an error (`Input/output error`), not Foundation's wrapper.
    static func reason(_ error: any Error) -> String {
        var nsError = error as NSError
        while nsError.domain != NSPOSIXErrorDomain, let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError {
            nsError = underlying
        }
        if nsError.domain == NSPOSIXErrorDomain, let message = strerror(Int32(nsError.code)) { return String(cString: message) }
        let text = (error as NSError).localizedDescription
        return text.isEmpty ? String(describing: error) : text
    }
}
