import Foundation

/// Reads a file (or standard input) line by line in fixed-size chunks, so that fleet exports of any size are
/// processed in flat memory. Lines are returned without their `\n` (and without a `\r` before it).
public final class LineStream {
    private let handle: FileHandle
    private let closeWhenDone: Bool
    private var buffer: [UInt8] = []
    private var start = 0
    private var finished = false
    /// Number of the line last returned, 1-based.
    public private(set) var lineNumber = 0
    static let chunkSize = 1 << 16

    public init(handle: FileHandle, closeWhenDone: Bool) {
        self.handle = handle
        self.closeWhenDone = closeWhenDone
    }

    /// Opens `path`, or standard input for `-`.
    public convenience init(path: String) throws(InputProblem) {
        if path == "-" {
            self.init(handle: FileHandle.standardInput, closeWhenDone: false)
            return
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputProblem(path: path, message: FileManager.default.fileExists(atPath: path)
                ? "cannot open the file for reading (permission denied?)" : "no such file or directory")
        }
        self.init(handle: handle, closeWhenDone: true)
    }

    deinit {
        if closeWhenDone { try? handle.close() }
    }

    /// The first line that is not blank, without consuming anything: for telling formats apart. What it reads
    /// stays in the buffer for `nextLine()`.
    public func peekFirstContent() -> String? {
        var offset = start
        while true {
            while offset < buffer.count {
                let end = buffer[offset...].firstIndex(of: 0x0A) ?? buffer.count
                let text = String(decoding: buffer[offset..<end], as: UTF8.self).trimmingSpaces()
                if !text.isEmpty && (end < buffer.count || finished) { return text }
                if end == buffer.count { break }
                offset = end + 1
            }
            if finished { return nil }
            let data = (try? handle.read(upToCount: Self.chunkSize)) ?? nil
            if let data, !data.isEmpty {
                buffer.append(contentsOf: data)
            } else {
                finished = true
            }
        }
    }

    /// The next line's bytes, or nil at the end.
    public func nextLine() -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                var end = newline
                if end > start && buffer[end - 1] == 0x0D { end -= 1 }
                let line = buffer[start..<end]
                start = newline + 1
                lineNumber += 1
                return line
            }
            // A "line" longer than any real export is cut, so that garbage without newlines cannot fill memory.
            if buffer.count - start > InputReader.defaultSizeLimit {
                let line = buffer[start..<buffer.count]
                start = buffer.count
                lineNumber += 1
                return line
            }
            if finished {
                guard start < buffer.count else { return nil }
                var end = buffer.count
                if buffer[end - 1] == 0x0D { end -= 1 }
                let line = buffer[start..<end]
                start = buffer.count
                lineNumber += 1
                return line
            }
            // Keep only the unread tail, then read the next chunk behind it.
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            let data = (try? handle.read(upToCount: Self.chunkSize)) ?? nil
            if let data, !data.isEmpty { buffer.append(contentsOf: data) } else { finished = true }
        }
    }

    /// The next line as text (invalid UTF-8 is replaced, never fatal).
    public func nextText() -> String? {
        nextLine().map { String(decoding: $0, as: UTF8.self) }
    }
}
