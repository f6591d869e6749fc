import Testing
@testable import SysctlLint

/// The report writers' byte buffer against an array doing the same: random appends of every kind (across growth),
/// front removals and exchanges.
@Suite struct ByteBufferTests {
    @Test func buffersHoldWhatAnArrayHolds() {
        var generator = SystemRandomNumberGenerator()
        let numbers = [0, 7, 9, 10, -1, -10, 99, 100, 12_345, Int.max, Int.min, Int.min + 1]
        for _ in 0..<300 {
            let buffer = ByteBuffer(capacity: Int.random(in: 0..<40, using: &generator))
            var model: [UInt8] = []
            let other = ByteBuffer()
            var otherModel: [UInt8] = []
            for _ in 0..<Int.random(in: 0..<60, using: &generator) {
                let bytes = (0..<Int.random(in: 0..<70, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                switch Int.random(in: 0..<8, using: &generator) {
                case 0:
                    buffer.append(bytes.first ?? 0)
                    model.append(bytes.first ?? 0)
                case 1:
                    buffer.append(contentsOf: bytes)
                    model += bytes
                case 2:
                    let text = String(decoding: bytes, as: UTF8.self)
                    buffer.append(contentsOf: text.utf8)
                    model += Array(text.utf8)
                case 3:
                    buffer.append(repeating: 0x20, count: bytes.count)
                    model += Array(repeating: 0x20, count: bytes.count)
                case 4:
                    let number = Bool.random(using: &generator) ? numbers.randomElement(using: &generator)! : Int.random(in: Int.min...Int.max, using: &generator)
                    buffer.appendDecimal(number)
                    model += Array(String(number).utf8)
                case 5:
                    let cut = Int.random(in: -2...(model.count + 2), using: &generator)
                    buffer.removeFirst(cut)
                    model.removeFirst(min(max(cut, 0), model.count))
                case 6:
                    other.append(contentsOf: bytes)
                    otherModel += bytes
                    buffer.exchange(with: other)
                    swap(&model, &otherModel)
                default:
                    let start = Int.random(in: -1...(model.count + 1), using: &generator)
                    #expect(buffer.array(from: start) == Array(model[min(max(start, 0), model.count)...]))
                }
                #expect(buffer.array() == model)
                #expect(buffer.count == model.count)
                #expect(other.array() == otherModel)
            }
        }
    }
}
