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

    public private(set) var buffer: [UInt8] = []
    private let destination: ReportDestination?
    /// Whether lines are kept from being workflow commands: for the human formats (text, gcc).
    public var neutralizesCommands = false

    /// A sink that writes to `destination` as chunks fill.
    public init(to destination: ReportDestination) {
        self.destination = destination
        buffer.reserveCapacity(Self.chunkSize + Self.chunkSize / 4)
    }

    /// A sink that keeps everything, for reporters that return their report as a string.
    public init() {
        destination = nil
    }

    /// Everything written so far, for a collecting sink.
    public var text: String { String(decoding: transformed(buffer[...]), as: UTF8.self) }

    public mutating func write(_ text: String) {
        // From contiguous storage when the string has it (native strings do): the generic view appends byte by byte.
        if text.utf8.withContiguousStorageIfAvailable({ buffer.append(contentsOf: $0) }) == nil { buffer.append(contentsOf: text.utf8) }
        if buffer.count >= Self.chunkSize { flush(completeLinesOnly: true) }
    }

    /// `number` in decimal, without making a string of it.
    public mutating func write(decimal number: Int) {
        UTF8Text.appendDecimal(number, to: &buffer)
        if buffer.count >= Self.chunkSize { flush(completeLinesOnly: true) }
    }

    public mutating func write(_ bytes: some Collection<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.chunkSize { flush(completeLinesOnly: true) }
    }

    /// The bytes of `other` added, and `other` left empty. When nothing is buffered the two arrays trade places and
    /// no byte is copied: a JSON report comes in chunks of 64 KiB, each written straight from the writer's buffer.
    mutating func take(_ other: inout [UInt8]) {
        if buffer.isEmpty {
            swap(&buffer, &other)
        } else {
            buffer.append(contentsOf: other)
        }
        other.removeAll(keepingCapacity: true)
        if buffer.count >= Self.chunkSize { flush(completeLinesOnly: true) }
    }

    /// Hands what is buffered to the destination: up to the last line break when `completeLinesOnly`, lines are
    /// neutralized and there is one, everything otherwise. A collecting sink keeps its bytes.
    public mutating func flush(completeLinesOnly: Bool = false) {
        guard let destination, !buffer.isEmpty else { return }
        var end = buffer.count
        if completeLinesOnly && neutralizesCommands {
            if let lastBreak = buffer.lastIndex(of: UInt8(ascii: "\n")) {
                end = lastBreak + 1
            } else if buffer.count < Self.longestLine {
                return  // a line is neutralized whole: cut, a `##[` could straddle two chunks
            }
        }
        let chunk = transformed(buffer[..<end])
        chunk.withUnsafeBytes { destination.write($0) }
        buffer.removeFirst(end)
    }

    private func transformed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard neutralizesCommands, DisplayText.mayHoldCommand(bytes) else { return bytes }
        return ArraySlice(DisplayText.neutralizingCommands(String(decoding: bytes, as: UTF8.self)).utf8)
    }
}
