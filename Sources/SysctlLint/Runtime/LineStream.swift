import Foundation

/// Reads a file (or standard input) line by line in fixed-size chunks, so that fleet exports of any size are
/// processed in flat memory. Lines are returned without their `\n` (and without a `\r` before it).
public final class LineStream {
    private let handle: FileHandle
    private let closeWhenDone: Bool
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0
    private var finished = false
    /// Number of the line last returned, 1-based.
    public private(set) var lineNumber = 0
    /// Bytes of the lines returned so far, for readers that bound what one host may hold.
    public private(set) var bytesConsumed = 0
    /// The input's size when known before reading it (a regular file, bytes in memory), so that readers can
    /// reserve room once rather than grow by copying.
    public private(set) var sizeHint: Int?
    /// What one host's snapshot may hold (a `sysctl -a` of a large host is a few MiB): a bigger one is cut there
    /// with a note, so that `--snapshot - </dev/zero` ends.
    public static let hostSizeLimit = 64 * 1024 * 1024
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
        // A snapshot is streamed, so size is no problem here; a FIFO or device is (it can block or never end).
        if let problem = RegularFile.problem(with: path, sizeLimit: .max) { throw InputProblem(path: path, message: problem) }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputProblem(path: path, message: FileManager.default.fileExists(atPath: path)
                ? "cannot open the file for reading (permission denied?)" : "no such file or directory")
        }
        self.init(handle: handle, closeWhenDone: true)
        var status = stat()
        if fstat(handle.fileDescriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG { sizeHint = Int(status.st_size) }
    }

    /// Lines of bytes already in memory (rule examples, fuzzing, tests).
    public convenience init(bytes: [UInt8]) {
        self.init(handle: FileHandle.nullDevice, closeWhenDone: false)
        buffer = bytes
        finished = true
        sizeHint = bytes.count
    }

    deinit {
        if closeWhenDone { try? handle.close() }
    }

    /// The start of the first line that is not blank (at most `length` bytes, trimmed), without consuming
    /// anything: for telling formats apart. What it reads stays in the buffer for `nextLine()`. Each byte is looked
    /// at once, and a stream of blanks is given up on at the size limit.
    public func peekFirstContent(length: Int = 64) -> String? {
        var offset = start
        while true {
            while offset < buffer.count, UTF8Text.isBlank(buffer[offset]) { offset += 1 }
            if offset < buffer.count {
                let end = min(buffer.count, offset + length)
                if let newline = buffer[offset..<end].firstIndex(of: 0x0A) {
                    return String(decoding: buffer[offset..<newline], as: UTF8.self).trimmingSpaces()
                }
                if end - offset >= length || finished { return String(decoding: buffer[offset..<end], as: UTF8.self).trimmingSpaces() }
            } else if finished || buffer.count - start > InputReader.defaultSizeLimit {
                return nil
            }
            readChunk()
        }
    }

    /// Appends the next chunk of the input to the buffer, or marks the end (as an error reading does). Read with
    /// read(2) straight into the buffer: `FileHandle.read(upToCount:)` made a `Data` of each chunk, which was then
    /// copied byte by byte, a sixth of the time a fleet export took to read. As that call did, it reads until the
    /// chunk is full or the input ends: a pipe returns what its writer wrote so far, and where a line too long to
    /// keep is cut must not depend on how the writer's bytes arrived.
    private func readChunk() {
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: Self.chunkSize))
        let descriptor = handle.fileDescriptor
        var filled = 0
        while filled < Self.chunkSize {
            let got = buffer.withUnsafeMutableBufferPointer { read(descriptor, $0.baseAddress! + old + filled, Self.chunkSize - filled) }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { break }
            filled += got
        }
        buffer.removeLast(Self.chunkSize - filled)
        if filled == 0 { finished = true }
    }

    /// The next line's bytes, or nil at the end.
    public func nextLine() -> ArraySlice<UInt8>? {
        while true {
            // Bytes before `scanned` are known to hold no newline: each byte is searched once, however long the line.
            if let newline = buffer.withUnsafeBufferPointer({ UTF8Text.firstIndex(of: 0x0A, in: $0, from: max(start, scanned)) }) {
                var end = newline
                if end > start && buffer[end - 1] == 0x0D { end -= 1 }
                let line = buffer[start..<end]
                bytesConsumed += newline + 1 - start
                start = newline + 1
                scanned = start
                lineNumber += 1
                return line
            }
            scanned = buffer.count
            // A "line" longer than any real export is cut, so that garbage without newlines cannot fill memory.
            if buffer.count - start > InputReader.defaultSizeLimit {
                let line = buffer[start..<buffer.count]
                bytesConsumed += buffer.count - start
                start = buffer.count
                lineNumber += 1
                return line
            }
            if finished {
                guard start < buffer.count else { return nil }
                var end = buffer.count
                if buffer[end - 1] == 0x0D { end -= 1 }
                let line = buffer[start..<end]
                bytesConsumed += buffer.count - start
                start = buffer.count
                lineNumber += 1
                return line
            }
            // Keep only the unread tail, then read the next chunk behind it.
            if start > 0 {
                buffer.removeFirst(start)
                scanned -= start
                start = 0
            }
            readChunk()
        }
    }

    /// Calls `body` with each remaining line (its bytes, valid during the call, and its number) until it returns
    /// false or the input ends: the lines of `nextLine()`, read in place, a chunk's lines under one buffer access.
    public func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Int) -> Bool) {
        while true {
            var stopped = false
            buffer.withUnsafeBufferPointer { all in
                var from = max(start, scanned)
                while !stopped, let newline = UTF8Text.firstIndex(of: 0x0A, in: all, from: from) {
                    var end = newline
                    if end > start && all[end - 1] == 0x0D { end -= 1 }
                    let line = UnsafeBufferPointer(rebasing: all[start..<end])
                    bytesConsumed += newline + 1 - start
                    start = newline + 1
                    scanned = start
                    lineNumber += 1
                    stopped = !body(line, lineNumber)
                    from = start
                }
                if !stopped { scanned = all.count }
            }
            if stopped { return }
            // The rest (a line cut at the size limit, the last line without a newline, the next chunk) as
            // `nextLine()` handles it.
            if buffer.count - start > InputReader.defaultSizeLimit || finished {
                guard let line = nextLine() else { return }
                if !line.withUnsafeBufferPointer({ body($0, lineNumber) }) { return }
                continue
            }
            if start > 0 {
                buffer.removeFirst(start)
                scanned -= start
                start = 0
            }
            readChunk()
        }
    }

    /// The next line as text (invalid UTF-8 is replaced, never fatal).
    public func nextText() -> String? {
        nextLine().map { String(decoding: $0, as: UTF8.self) }
    }
}
