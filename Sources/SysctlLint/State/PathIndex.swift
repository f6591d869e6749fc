/// Positions by key path in an open-addressing table of 8-byte slots (32 bits of the path's hash and a position),
/// leaving where the paths themselves are kept to its owner: a list of strings (`PathIndex`), or the byte arena of
/// a snapshot (`SnapshotTable`).
///
/// A `[String: Int]` of a 64,000-key snapshot spread 2 MB of buckets, and every insert stored a reference to
/// the key into a cold bucket: a fifth of the snapshot's run went to waiting on those stores. These slots take a
/// third of the room and hold no references. The hash is seeded at random for each process (`PathHash`), so
/// input cannot be crafted to collide; probing is linear, and the table doubles when half full, placing each slot
/// again by the hash bits it holds (no path is read back to grow it).
struct HashSlots: Sendable {
    /// 0 for an empty slot; else the hash in the high half and position + 1 in the low half. A slot's home is the
    /// hash masked to the table's size.
    private var slots: [UInt64]
    private var mask: Int
    /// Slots in use.
    private(set) var count = 0

    init(capacity: Int = 0) {
        var size = 16
        while size < capacity.saturatingMultiply(2), size < 1 << 30 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
    }

    /// The position whose path `matches` accepts among those with `hash`, or nil.
    @inline(__always)
    func position(hash: UInt32, matches: (Int) -> Bool) -> Int? {
        find(hash: hash, matches: matches).position
    }

    /// Adding a path takes three steps, so that the owner's paths can be read while the slots are found and then
    /// changed: make room, `find` the path, and when it is not there `take` the slot that `find` returned.
    mutating func makeRoomForOne() {
        if count >= slots.count / 2 { grow() }
    }

    /// Gives `position` (below 2³² − 1) to the path whose probe ended at the empty `slot`.
    mutating func take(_ slot: Int, hash: UInt32, position: Int) {
        count += 1
        slots[slot] = UInt64(hash) << 32 | UInt64(UInt32(truncatingIfNeeded: position + 1))
    }

    /// Where the path stands: its position, or the empty slot that ends its probe.
    @inline(__always)
    func find(hash: UInt32, matches: (Int) -> Bool) -> (slot: Int, position: Int?) {
        var slot = Int(hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return (slot, nil) }
            let position = Int(entry & 0xFFFF_FFFF) - 1
            if UInt32(truncatingIfNeeded: entry >> 32) == hash, matches(position) { return (slot, position) }
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

    /// The low 32 bits of the seeded hash of a path's bytes: every owner hashes the same bytes the same way, so a
    /// hash kept beside a snapshot's value finds the rules for its key too.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let hash = PathHash.hash(bytes)
        return UInt32(truncatingIfNeeded: hash ^ hash >> 32)
    }

    static func hash(_ path: String) -> UInt32 {
        UTF8Text.withBytes(path) { hash($0) }
    }
}

/// The position of each key path in the order paths were first added.
struct PathIndex: Sendable {
    /// The paths, by position.
    private(set) var paths: [String] = []
    private var slots: HashSlots

    init(capacity: Int = 0) {
        slots = HashSlots(capacity: capacity)
        paths.reserveCapacity(capacity)
    }

    var count: Int { paths.count }

    /// The position of `path`, or nil. Paths are compared by their bytes, as the kernel names its files.
    func position(of path: String) -> Int? {
        UTF8Text.withBytes(path) { position(of: $0, hash: HashSlots.hash($0)) }
    }

    /// The position of the path whose bytes are `path` and whose hash is `hash`, or nil.
    func position(of path: UnsafeBufferPointer<UInt8>, hash: UInt32) -> Int? {
        slots.position(hash: hash) { position in
            UTF8Text.withBytes(paths[position]) { UTF8Text.same($0, path) }
        }
    }

    /// Adds `path` at the next position and returns nil, or returns the position it already has.
    mutating func insert(_ path: String) -> Int? {
        slots.makeRoomForOne()
        let (hash, found) = UTF8Text.withBytes(path) { bytes in
            let hash = HashSlots.hash(bytes)
            return (hash, slots.find(hash: hash) { UTF8Text.withBytes(paths[$0]) { UTF8Text.same($0, bytes) } })
        }
        if let position = found.position { return position }
        slots.take(found.slot, hash: hash, position: paths.count)
        paths.append(path)
        return nil
    }
}
