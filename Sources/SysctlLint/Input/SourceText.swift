import Foundation

/// The bytes of one input, with the name the user gave it.
public struct SourceText: Sendable {
    public var path: String
    public var bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }
}

/// Reads inputs defensively: every way a path can be unusable becomes an `InputProblem`, never a crash.
public struct InputReader: Sendable {
    /// No real sysctl file comes near this; a larger one is almost certainly the wrong file.
    public static let defaultSizeLimit = 16 * 1024 * 1024

    public var sizeLimit: Int

    public init(sizeLimit: Int = InputReader.defaultSizeLimit) {
        self.sizeLimit = sizeLimit
    }

    /// Reads `path`. A directory is read as a `sysctl.d` folder: its `*.conf` files in byte order of their names,
    /// the order every loader applies them in.
    public func read(_ path: String) throws(InputProblem) -> [SourceText] {
        // stat(2) rather than FileManager: its attribute dictionaries look up owner names, which cost a small
        // run more than reading its file.
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw InputProblem(path: path, message: "no such file or directory") }
            throw InputProblem(path: path, message: "cannot read: \(String(cString: strerror(errno)))")
        }
        if status.st_mode & S_IFMT == S_IFDIR {
            return try readDirectory(path)
        }
        return [try readFile(path, status: status)]
    }

    private func readDirectory(_ path: String) throws(InputProblem) -> [SourceText] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw InputProblem(path: path, message: "cannot list the directory: \(Self.reason(error))")
        }
        let confs = names.filter { $0.hasSuffix(".conf") }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        guard !confs.isEmpty else {
            throw InputProblem(path: path, message: "is a directory with no *.conf files (a sysctl.d folder is read for its *.conf files)")
        }
        var texts: [SourceText] = []
        for name in confs {
            let child = path.hasSuffix("/") ? path + name : path + "/" + name
            var status = stat()
            guard stat(child, &status) == 0 else {
                throw InputProblem(path: child, message: "cannot read: \(String(cString: strerror(errno)))")
            }
            if status.st_mode & S_IFMT == S_IFDIR {
                throw InputProblem(path: child, message: "is a directory named like a config file; systemd-sysctl fails on it and exits 1")
            }
            texts.append(try readFile(child, status: status))
        }
        return texts
    }

    /// One file, by the stat(2) its caller already made.
    private func readFile(_ path: String, status: stat) throws(InputProblem) -> SourceText {
        if status.st_mode & S_IFMT == S_IFDIR {
            throw InputProblem(path: path, message: "is a directory")
        }
        if case let size = Int(status.st_size), size > sizeLimit {
            throw InputProblem(
                path: path,
                message: "is \(size) bytes, more than the \(sizeLimit)-byte limit for a sysctl file; check that this is the right file"
            )
        }
        // A FIFO would block the run forever and a device can be endless: only regular files (links followed).
        if let problem = RegularFile.problem(with: status, sizeLimit: .max) { throw InputProblem(path: path, message: problem) }
        // Up to one byte past the limit, so that a file that grew cannot make us read forever.
        let bytes: [UInt8]
        do throws(RegularFile.ReadFailure) {
            bytes = try RegularFile.bytes(atPath: path, limit: sizeLimit, expectedSize: Int(status.st_size))
        } catch {
            switch error {
            case .open(let reason): throw InputProblem(path: path, message: "cannot open the file for reading (\(reason))")
            case .read(let reason): throw InputProblem(path: path, message: "cannot read: \(reason)")
            }
        }
        return try checked(bytes, path: path)
    }

    /// Standard input as one file, named `name` in reports; the same limits as a file.
    public func readStandardInput(name: String) throws(InputProblem) -> SourceText {
        try text(from: FileHandle.standardInput, path: name)
    }

    private func text(from handle: FileHandle, path: String) throws(InputProblem) -> SourceText {
        let data: Data
        do {
            // Read one byte past the limit, so that a file that grew (or a device) cannot make us read forever.
            data = try handle.read(upToCount: sizeLimit + 1) ?? Data()
        } catch {
            throw InputProblem(path: path, message: "cannot read: \(Self.reason(error))")
        }
        return try checked([UInt8](data), path: path)
    }

    /// The bytes as a source, unless they are over the limit or look binary.
    private func checked(_ bytes: [UInt8], path: String) throws(InputProblem) -> SourceText {
        if bytes.count > sizeLimit {
            throw InputProblem(path: path, message: "is larger than the \(sizeLimit)-byte limit for a sysctl file")
        }
        if let offset = BinaryDetector.binaryEvidence(in: bytes) {
            let (line, column) = Self.lineAndColumn(of: offset, in: bytes)
            throw InputProblem(
                path: path, line: line, column: column,
                message: "looks like a binary file, not a sysctl configuration (control bytes such as NUL)"
            )
        }
        return SourceText(path: path, bytes: bytes)
    }

    static func lineAndColumn(of offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        var line = 1
        var lineStart = 0
        for index in 0..<min(offset, bytes.count) where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return (line, offset - lineStart + 1)
    }

    private static func reason(_ error: any Error) -> String {
        let text = (error as NSError).localizedDescription
        return text.isEmpty ? String(describing: error) : text
    }
}

/// Tells a text file with a stray control byte (which the parser reports per line) from a binary file.
enum BinaryDetector {
    /// Returns the offset of the first suspicious byte when the sample looks binary, else nil.
    static func binaryEvidence(in bytes: [UInt8]) -> Int? {
        let sample = bytes.prefix(65536)
        guard !sample.isEmpty else { return nil }
        if sample.starts(with: [0x7F, 0x45, 0x4C, 0x46]) { return 0 }  // ELF
        var suspicious = 0
        var first: Int?
        for (index, byte) in sample.enumerated() where isSuspicious(byte) {
            suspicious += 1
            if first == nil { first = index }
        }
        // A handful of stray control bytes is a damaged text file; many is a binary one.
        if suspicious > 8 && suspicious * 100 > sample.count { return first }
        return nil
    }

    private static func isSuspicious(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D: false
        case 0x00..<0x20, 0x7F: true
        default: false
        }
    }
}
