/// The hash of a key path's bytes that the indexes share: 64-bit words folded by multiplying with secrets drawn
/// at random for each process, the construction of wyhash and of the fallback map hash in Go's runtime
/// (`runtime/hash64.go`, Go 1.17 and later). Input cannot be made to collide without the secrets, which never
/// leave the process; the standard library's SipHash cost a snapshot a tenth of its run.
enum PathHash {
    private static let secrets: (UInt64, UInt64, UInt64) = {
        var generator = SystemRandomNumberGenerator()
        // Odd multipliers: a zero or even factor would discard bits.
        return (generator.next() | 1, generator.next() | 1, generator.next())
    }()

    /// The high and low halves of the full product, folded together.
    @inline(__always)
    private static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let (first, second, third) = secrets
        let count = bytes.count
        var state = third ^ mix(UInt64(truncatingIfNeeded: count) ^ first, second)
        guard count > 0, let base = bytes.baseAddress else { return mix(state ^ first, second) }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while count - offset >= 16 {
            let a = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            let b = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
            state = mix(a ^ first, b ^ state ^ second)
            offset += 16
        }
        // The last 1 to 15 bytes, in two words: the last sixteen bytes when there are that many (some hashed
        // twice), else byte by byte. The length, mixed in first, tells apart inputs that pad alike.
        var a: UInt64 = 0, b: UInt64 = 0
        var index = offset
        if count >= 16 {
            a = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: count - 16, as: UInt64.self))
            b = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
            index = count
        }
        while index < count {
            let byte = UInt64(base[index]), shift = UInt64((index - offset) % 8) * 8
            if index - offset < 8 { a |= byte << shift } else { b |= byte << shift }
            index += 1
        }
        state = mix(a ^ first, b ^ state ^ second)
        return mix(state ^ first, UInt64(truncatingIfNeeded: count) ^ second)
    }
}
