/// Where a report's bytes go once a chunk is ready: standard output, a file being written, or nothing (a sink that
/// collects).
public protocol ReportDestination: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer)
}

/// A report as it is written: bytes gathered into chunks of about 64 KiB and handed to the destination, so that a
/// report of a hundred thousand findings is never held whole (a 70 MB JSON report used to be built as bytes, then
/// copied into a String and again into Data before a byte reached the disk).
///
/// For the human formats, chunks end at a line break when one is buffered, so that they can keep GitHub workflow
/// commands from starting a line (`neutralizesCommands`, see `DisplayText.neutralizingCommands`) one chunk at a time.
public struct ReportSink {
    static let chunkSize = 1 << 16
    /// A line of a human report is far shorter (messages are capped at 8 KiB); past this, it is cut anyway.
    static let longestLine = 1 << 24

    /// Shared by copies of the sink: a sink has one owner, which writes through `inout`.
    private let buffer: ByteBuffer
    private let destination: ReportDestination?
    /// Whether lines are kept from being workflow commands: for the human formats (text, gcc).
    public var neutralizesCommands = false

    /// A sink that writes to `destination` as chunks fill.
    public init(to destination: ReportDestination) {
        self.destination = destination
        buffer = ByteBuffer(capacity: Self.chunkSize + Self.chunkSize / 4)
    }

    /// A sink that keeps everything, for reporters that return their report as a string.
    public init() {
        destination = nil
        buffer = ByteBuffer()
    }

    /// Everything written so far, for a collecting sink.
    public var text: String { buffer.withBytes(transformed) }

    public mutating func write(_ text: String) {
        append(text)
        flushIfFull()
    }

    /// The pieces of a line, appended without handing over a full chunk: a reporter writing many pieces per
    /// finding calls `flushIfFull()` once the finding's lines are whole. Inlined, with no call in between that can
    /// release an object, so that the finding's fields are written without counting a reference to each.
    @_transparent mutating func append(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ buffer.append(contentsOf: $0) }) == nil { buffer.append(contentsOf: text.utf8) }
    }

    @_transparent mutating func appendDecimal(_ number: Int) {
        buffer.appendDecimal(number)
    }

    /// `text` as `DisplayText.escaped` shows it: in place when nothing needs escaping, as nearly always.
    @_transparent mutating func appendEscaped(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ buffer.appendIfShownAsItIs($0) }) != true {
            buffer.append(contentsOf: DisplayText.escaped(text).utf8)
        }
    }

    /// Hands over what is buffered once a chunk is full (up to the last line break, for the human formats).
    mutating func flushIfFull() {
        if buffer.count >= Self.chunkSize { flush(completeLinesOnly: true) }
    }

    /// `number` in decimal, without making a string of it.
    public mutating func write(decimal number: Int) {
        appendDecimal(number)
        flushIfFull()
    }

    public mutating func write(_ bytes: some Collection<UInt8>) {
        if bytes.withContiguousStorageIfAvailable({ buffer.append(contentsOf: $0) }) == nil {
            for byte in bytes { buffer.append(byte) }
        }
        flushIfFull()
    }

    /// The bytes of `other` added, and `other` left empty. When nothing is buffered the two buffers trade contents
    /// and no byte is copied: a JSON report comes in chunks of 64 KiB, each written straight from the writer's buffer.
    mutating func take(_ other: ByteBuffer) {
        if buffer.isEmpty {
            buffer.exchange(with: other)
        } else {
            other.withBytes { buffer.append(contentsOf: $0) }
        }
        other.removeAll()
        flushIfFull()
    }

    /// Hands what is buffered to the destination: up to the last line break when `completeLinesOnly`, lines are
    /// neutralized and there is one, everything otherwise. A collecting sink keeps its bytes.
    public mutating func flush(completeLinesOnly: Bool = false) {
        guard let destination, !buffer.isEmpty else { return }
        let neutralizes = neutralizesCommands
        let written = buffer.withBytes { bytes -> Int? in
            var end = bytes.count
            if completeLinesOnly && neutralizes {
                if let lastBreak = bytes.lastIndex(of: UInt8(ascii: "\n")) {
                    end = lastBreak + 1
                } else if bytes.count < Self.longestLine {
                    return nil  // a line is neutralized whole: cut, a `##[` could straddle two chunks
                }
            }
            let chunk = UnsafeBufferPointer(rebasing: bytes[..<end])
            if neutralizes, DisplayText.mayHoldCommand(chunk) {
                var text = DisplayText.neutralizingCommands(String(decoding: chunk, as: UTF8.self))
                text.withUTF8 { destination.write(UnsafeRawBufferPointer($0)) }
            } else {
                destination.write(UnsafeRawBufferPointer(chunk))
            }
            return end
        }
        if let written { buffer.removeFirst(written) }
    }

    private func transformed(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        guard neutralizesCommands, DisplayText.mayHoldCommand(bytes) else { return text }
        return DisplayText.neutralizingCommands(text)
    }
}
