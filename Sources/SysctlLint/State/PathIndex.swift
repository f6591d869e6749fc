/// The position of each key path in the order paths were first added: an open-addressing table of 8-byte slots
/// (32 bits of the path's hash and a position) beside the list of paths.
///
/// A `[String: Int]` of a 64,000-key snapshot spread 2 MB of buckets, and every insert stored a reference to
/// the key into a cold bucket: a fifth of the snapshot's run went to waiting on those stores. These slots take a
/// third of the room and hold no references. The hash is the standard library's seeded one, so input cannot be
/// crafted to collide; probing is linear, and the table doubles when half full, placing each slot again by the
/// hash bits it holds (no path is read back to grow it).
struct PathIndex: Sendable {
    /// The paths, by position.
    private(set) var paths: [String] = []
    /// 0 for an empty slot; else the hash's low 32 bits in the high half and position + 1 in the low half. A slot's
    /// home is those hash bits masked to the table's size.
    private var slots: [UInt64]
    private var mask: Int

    init(capacity: Int = 0) {
        var size = 16
        while size < capacity.saturatingMultiply(2), size < 1 << 30 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        paths.reserveCapacity(capacity)
    }

    var count: Int { paths.count }

    /// The position of `path`, or nil.
    func position(of path: String) -> Int? {
        probe(path, hash: Self.hash(path)).position
    }

    /// Adds `path` at the next position and returns nil, or returns the position it already has.
    mutating func insert(_ path: String) -> Int? {
        if paths.count >= slots.count / 2 { grow() }
        let hash = Self.hash(path)
        let found = probe(path, hash: hash)
        if let position = found.position { return position }
        paths.append(path)
        slots[found.slot] = hash << 32 | UInt64(paths.count)
        return nil
    }

    /// Where `path` stands: its position, or the empty slot that ends its probe.
    private func probe(_ path: String, hash: UInt64) -> (slot: Int, position: Int?) {
        var slot = Int(hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return (slot, nil) }
            let position = Int(entry & 0xFFFF_FFFF) - 1
            if entry >> 32 == hash, paths[position] == path { return (slot, position) }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        var grown = [UInt64](repeating: 0, count: size)
        let mask = size - 1
        for entry in slots where entry != 0 {
            var slot = Int(entry >> 32) & mask
            while grown[slot] != 0 { slot = (slot + 1) & mask }
            grown[slot] = entry
        }
        slots = grown
        self.mask = mask
    }

    /// The low 32 bits of the seeded hash of the path's bytes.
    private static func hash(_ path: String) -> UInt64 {
        var hasher = Hasher()
        UTF8Text.withBytes(path) { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        return UInt64(UInt32(truncatingIfNeeded: hasher.finalize()))
    }
}
