/// Test scaffolding: a packet in its own heap buffer with spare room for SRTP trailers.
final class PacketBuffer {
    let pointer: UnsafeMutableRawPointer
    let capacity: Int
    var length: Int

    init(_ bytes: [UInt8], spare: Int = 64) {
        let capacity = bytes.count + spare
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(capacity, 1), alignment: 8)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: max(capacity, 1))
        bytes.withUnsafeBytes { if let base = $0.baseAddress { pointer.copyMemory(from: base, byteCount: $0.count) } }
        self.capacity = capacity
        self.pointer = pointer
        length = bytes.count
    }

    deinit { pointer.deallocate() }

    var bytes: [UInt8] { Array(UnsafeRawBufferPointer(start: pointer, count: length)) }

    subscript(index: Int) -> UInt8 {
        get { pointer.load(fromByteOffset: index, as: UInt8.self) }
        set { pointer.storeBytes(of: newValue, toByteOffset: index, as: UInt8.self) }
    }
}

/// Bytes from hex text; whitespace is ignored so vectors can keep the RFC's grouping.
func hex(_ text: String) -> [UInt8] {
    let digits = text.filter { !$0.isWhitespace }
    var bytes: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        bytes.append(UInt8(digits[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}
