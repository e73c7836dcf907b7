// RFC 8285 §4.2 and §4.3: walking the elements of a one-byte or two-byte extension block.

/// Yields the elements of an extension block in wire order, skipping padding bytes.
///
/// ```
/// one-byte (profile 0xBEDE)           two-byte (profile 0x100x)
///  0 1 2 3 4 5 6 7                     0                   1
/// +-+-+-+-+-+-+-+-+----------+        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+----------+
/// |  ID   |  len  | data ... |        |       ID      |    length     | data ... |
/// +-+-+-+-+-+-+-+-+----------+        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+----------+
///  len = data bytes - 1                length = data bytes (may be 0)
///  a 0x00 byte is padding; ID 15 ends processing    a 0x00 ID byte is padding
/// ```
///
/// The iterator keeps a pointer to the packet, so use it only while that memory is valid.
/// As a `Sequence` it simply ends at a malformed element; `nextElement()` reports it instead.
public struct RTPHeaderExtensionIterator: IteratorProtocol, Sequence {
    @usableFromInline let packet: UnsafeRawBufferPointer
    @usableFromInline let form: RTPHeaderExtensionForm
    @usableFromInline var position: Int
    @usableFromInline let end: Int

    /// Iterates the extension block that `view` found in `packet`.
    @inlinable
    public init(view: RTPHeaderView, packet: UnsafeRawBufferPointer) {
        self.packet = packet
        form = view.extensionForm ?? .other
        position = view.extensionOffset
        // Clamp so a view paired with the wrong (shorter) buffer cannot read past it.
        end = Swift.min(view.extensionOffset &+ view.extensionLength, packet.count)
        lastEnd = position
    }

    /// The offset just past the last element read so far (padding after it not included);
    /// the start of the block before any element was read.
    @inlinable public var endOfLastElement: Int { lastEnd }
    @usableFromInline var lastEnd: Int

    /// The next element, nil at the end of the block, or `.extensionElementOverrun`.
    @inlinable
    public mutating func nextElement() throws(RTPParseError) -> RTPHeaderExtensionElement? {
        switch form {
        case .other:
            return nil
        case .oneByte:
            while position < end {
                let byte = packet.readUInt8(position)
                let id = byte >> 4
                // libwebrtc treats any byte with ID 0 as a single padding byte; so do we.
                if id == 0 {
                    position &+= 1
                    continue
                }
                // RFC 8285 §4.2: ID 15 is reserved and stops processing of the whole block.
                if id == 15 {
                    position = end
                    return nil
                }
                let length = Int(byte & 0x0F) &+ 1
                let data = position &+ 1
                guard data &+ length <= end else {
                    position = end
                    throw .extensionElementOverrun
                }
                position = data &+ length
                lastEnd = position
                return RTPHeaderExtensionElement(id: id, offset: data, length: length)
            }
            return nil
        case .twoByte:
            while position < end {
                let id = packet.readUInt8(position)
                if id == 0 {
                    position &+= 1
                    continue
                }
                guard position &+ 2 <= end else {
                    position = end
                    throw .extensionElementOverrun
                }
                let length = Int(packet.readUInt8(position &+ 1))
                let data = position &+ 2
                guard data &+ length <= end else {
                    position = end
                    throw .extensionElementOverrun
                }
                position = data &+ length
                lastEnd = position
                return RTPHeaderExtensionElement(id: id, offset: data, length: length)
            }
            return nil
        }
    }

    /// The next element, or nil at the end of the block or at a malformed element.
    @inlinable
    public mutating func next() -> RTPHeaderExtensionElement? {
        do { return try nextElement() } catch { return nil }
    }
}

extension RTPHeaderView {
    /// The elements of this packet's extension block (none without one, or for a non-RFC 8285 profile).
    @inlinable
    public func extensionElements(in packet: UnsafeRawBufferPointer) -> RTPHeaderExtensionIterator {
        RTPHeaderExtensionIterator(view: self, packet: packet)
    }

    /// The first element with local identifier `id`, or nil if the packet has none.
    @inlinable
    public func extensionElement(id: UInt8, in packet: UnsafeRawBufferPointer) -> RTPHeaderExtensionElement? {
        var elements = extensionElements(in: packet)
        while let element = elements.next() {
            if element.id == id { return element }
        }
        return nil
    }
}
