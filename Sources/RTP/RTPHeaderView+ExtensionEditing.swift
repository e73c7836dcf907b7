// RFC 8285 in-place editing: header extensions are hop-by-hop (colibri2.md §5.2), so the forwarder
// strips the sender's elements (sdes:mid above all) and stamps its own on each send-slot copy.
// The edits work on the slot where it lies; those that resize the block move the payload instead of
// rebuilding the packet.

extension RTPHeaderView {
    /// Removes every element whose id is not in `keep`, compacting the block (padding between
    /// elements is dropped), fixing its length word and moving the payload and padding up.
    /// If no element remains the whole block goes and the X bit is cleared.
    ///
    /// `packet` must hold the packet this view describes. Blocks with a profile other than
    /// 0xBEDE/0x100x are left untouched. Updates the view and returns the new packet length.
    @discardableResult
    public mutating func retainExtensions(
        _ keep: RTPExtensionIDSet, in packet: UnsafeMutableRawBufferPointer
    ) throws(RTPBuildError) -> Int {
        guard packetLength <= packet.count else { throw .bufferTooSmall }
        guard let form = extensionForm, form != .other else { return packetLength }
        let start = extensionOffset
        let end = start &+ extensionLength
        let headerBytes = form.elementHeaderLength
        // The write cursor never passes the element being read, so moving forward is safe.
        var elements = RTPHeaderExtensionIterator(view: self, packet: UnsafeRawBufferPointer(packet))
        var write = start
        while true {
            let next: RTPHeaderExtensionElement?
            do { next = try elements.nextElement() } catch { throw .unsupportedExtension }
            guard let element = next else { break }
            guard keep.contains(element.id) else { continue }
            let size = headerBytes &+ element.length
            packet.moveBytes(from: element.offset &- headerBytes, to: write, count: size)
            write &+= size
        }

        let used = write &- start
        let oldPacketLength = packetLength
        let shrink: Int
        if used == 0 {
            shrink = extensionLength &+ 4
            packet[0] &= ~0x10
            _hasExtension = false
            _extensionProfile = 0
            _extensionOffset = 0
            _extensionLength = 0
        } else {
            let padded = (used &+ 3) & ~3
            packet.zero(write, count: padded &- used)
            packet.writeUInt16(UInt16(truncatingIfNeeded: padded / 4), at: start &- 2)
            shrink = extensionLength &- padded
            _extensionLength = padded
        }
        packet.moveBytes(from: end, to: end &- shrink, count: oldPacketLength &- end)
        _headerLength &-= shrink
        return packetLength
    }

    /// Removes every element with local identifier `id` (for example the sender's sdes:mid).
    /// Returns the new packet length.
    @discardableResult
    public mutating func removeExtension(id: UInt8, in packet: UnsafeMutableRawBufferPointer) throws(RTPBuildError) -> Int {
        try retainExtensions(RTPExtensionIDSet.all.removing(id), in: packet)
    }

    /// Appends an element with `id` and `length` data bytes after the last element, creating the
    /// block if there is none (one-byte form when id ≤ 14 and 1 ≤ length ≤ 16, else two-byte), and
    /// moves the payload down to make room. The data bytes are zeroed; write them at the returned
    /// offset. The packet grows into `packet`'s spare capacity; read `packetLength` afterwards.
    ///
    /// Throws `.unsupportedExtension` when an existing one-byte block cannot hold the element
    /// (the caller negotiated two-byte ids but the sender used one-byte), or its elements are malformed.
    public mutating func appendExtension(
        id: UInt8, length: Int, in packet: UnsafeMutableRawBufferPointer
    ) throws(RTPBuildError) -> Int {
        guard packetLength <= packet.count else { throw .bufferTooSmall }
        guard id != 0, length >= 0, length <= 255 else { throw .valueOutOfRange }
        let form: RTPHeaderExtensionForm
        let used: Int
        if let existing = extensionForm {
            guard existing != .other else { throw .unsupportedExtension }
            var elements = extensionElements(in: UnsafeRawBufferPointer(packet))
            do {
                while try elements.nextElement() != nil {}
            } catch {
                throw .unsupportedExtension
            }
            form = existing
            used = elements.endOfLastElement &- extensionOffset
        } else {
            form = (1...14).contains(id) && (1...16).contains(length) ? .oneByte : .twoByte
            used = 0
        }
        if form == .oneByte {
            guard (1...14).contains(id), (1...16).contains(length) else { throw .unsupportedExtension }
        }

        let headerBytes = form.elementHeaderLength
        let padded = (used &+ headerBytes &+ length &+ 3) & ~3
        let newDataLength = Swift.max(padded, extensionLength)
        let growth = (hasExtension ? 0 : 4) &+ (newDataLength &- extensionLength)
        guard newDataLength / 4 <= 0xFFFF else { throw .valueOutOfRange }
        guard packetLength &+ growth <= packet.count else { throw .bufferTooSmall }

        packet.moveBytes(from: headerLength, to: headerLength &+ growth, count: payloadLength &+ paddingLength)
        if !hasExtension {
            let profile = form == .oneByte ? RTPHeaderExtensionForm.oneByteProfile : RTPHeaderExtensionForm.twoByteProfile
            packet.writeUInt16(profile, at: headerLength)
            packet[0] |= 0x10
            _hasExtension = true
            _extensionProfile = profile
            _extensionOffset = headerLength &+ 4
        }
        _extensionLength = newDataLength
        packet.writeUInt16(UInt16(truncatingIfNeeded: newDataLength / 4), at: extensionOffset &- 2)

        let elementStart = extensionOffset &+ used
        Self.writeElementHeader(form: form, id: id, length: length, at: elementStart, in: packet)
        let dataOffset = elementStart &+ headerBytes
        packet.zero(dataOffset, count: extensionOffset &+ newDataLength &- dataOffset)
        _headerLength &+= growth
        return dataOffset
    }

    /// Writes a per-hop value into the element whose `length` data bytes start at `dataOffset`:
    /// the element takes the id `id` and the low `length` bytes of `value`, big-endian. With id 0,
    /// or an id the block's one-byte form cannot carry, the element becomes padding instead (zero
    /// bytes, RFC 8285 §4.2–4.3), since the next hop may use the old id for something else.
    /// `packet` holds this view's header at the same offsets (a send-slot copy); an element that
    /// does not lie inside the block is left alone.
    @inlinable
    public func setExtensionElement(
        dataOffset: Int, length: Int, id: UInt8, value: UInt32, in packet: UnsafeMutableRawBufferPointer
    ) {
        guard let form = extensionForm, form != .other else { return }
        let start = dataOffset &- form.elementHeaderLength
        guard start >= extensionOffset, dataOffset &+ length <= headerLength else { return }
        guard id != 0, form == .twoByte || id < 15 else {
            packet.zero(start, count: dataOffset &+ length &- start)
            return
        }
        Self.writeElementHeader(form: form, id: id, length: length, at: start, in: packet)
        for index in 0..<length {
            packet[dataOffset &+ index] = UInt8(truncatingIfNeeded: value >> (8 &* (length &- 1 &- index)))
        }
    }

    /// An element's header: id and length in one byte (one-byte form) or two.
    @inlinable @inline(__always)
    static func writeElementHeader(
        form: RTPHeaderExtensionForm, id: UInt8, length: Int, at start: Int, in packet: UnsafeMutableRawBufferPointer
    ) {
        if form == .oneByte {
            packet.writeUInt8(id << 4 | UInt8(truncatingIfNeeded: length &- 1), at: start)
        } else {
            packet.writeUInt8(id, at: start)
            packet.writeUInt8(UInt8(truncatingIfNeeded: length), at: start &+ 1)
        }
    }
}
