/// Heap bytes at a fixed address, for keys and usernames libnice holds pointers to.
enum StableBytes {
    /// A new buffer holding the UTF-8 of `text`; the caller deallocates it.
    static func copy(_ text: String) -> UnsafeMutableRawBufferPointer {
        var text = text
        return text.withUTF8 { utf8 in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(utf8.count, 1), alignment: 8)
            if let source = utf8.baseAddress { buffer.copyMemory(from: UnsafeRawBufferPointer(start: source, count: utf8.count)) }
            return UnsafeMutableRawBufferPointer(rebasing: buffer[0..<utf8.count])
        }
    }
}
