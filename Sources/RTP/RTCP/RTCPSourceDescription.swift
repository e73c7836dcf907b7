// RFC 3550 §6.5: source description (PT 202). The bridge reads CNAMEs and writes its own.

/// A source description packet read in place; iterating it yields every item of every chunk.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|    SC   |  PT=SDES=202  |             length            |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |                          SSRC/CSRC_1                          |  chunk 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     type      |    length     |  text (length bytes) ...     |  item
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  ... more items ... | 0 (end) | null padding to 32 bits       |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |                          chunk 2 ...                          |
/// ```
///
/// The whole packet is validated when parsed, so iteration cannot fail.
/// The view points into the caller's buffer; use it only while that memory is valid.
public struct RTCPSourceDescription: Sequence {
    /// The CNAME item type.
    public static let cnameType: UInt8 = 1

    /// The packet body after the common header, padding removed.
    public let body: UnsafeRawBufferPointer
    /// Number of chunks (the SC field).
    public let chunkCount: Int

    /// One item of one chunk.
    public struct Item {
        /// The source the chunk describes.
        public var ssrc: UInt32
        /// The item type (1 = CNAME, 2 = NAME, …, 8 = PRIV).
        public var type: UInt8
        /// The item's text bytes (UTF-8).
        public var value: UnsafeRawBufferPointer
    }

    /// Walks chunks and items.
    public struct Iterator: IteratorProtocol {
        let body: UnsafeRawBufferPointer
        var remainingChunks: Int
        var position = 0
        var ssrc: UInt32 = 0
        var inChunk = false

        mutating func nextItem() throws(RTCPParseError) -> Item? {
            while true {
                if !inChunk {
                    guard remainingChunks > 0 else { return nil }
                    guard position &+ 4 <= body.count else { throw .badCount }
                    ssrc = body.readUInt32(position)
                    position &+= 4
                    remainingChunks &-= 1
                    inChunk = true
                }
                guard position < body.count else { throw .itemOverrun }
                let type = body.readUInt8(position)
                if type == 0 {
                    // The end marker plus null padding up to the next 32-bit boundary.
                    position = (position &+ 4) & ~3
                    inChunk = false
                    continue
                }
                guard position &+ 2 <= body.count else { throw .itemOverrun }
                let length = Int(body.readUInt8(position &+ 1))
                guard position &+ 2 &+ length <= body.count else { throw .itemOverrun }
                let item = Item(ssrc: ssrc, type: type, value: body.slice(position &+ 2, length))
                position &+= 2 &+ length
                return item
            }
        }

        /// The next item.
        public mutating func next() -> Item? {
            do { return try nextItem() } catch { return nil }
        }
    }

    /// Parses and validates the SDES packet at the start of `bytes`.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        let (header, body) = try RTCPHeader.body(of: bytes, type: RTCPPacketType.sourceDescription)
        self.body = body
        chunkCount = Int(header.count)
        var walker = makeIterator()
        while try walker.nextItem() != nil {}
    }

    /// Iterates every item.
    public func makeIterator() -> Iterator { Iterator(body: body, remainingChunks: chunkCount) }

    /// The CNAME of `ssrc`, if the packet carries one.
    public func cname(for ssrc: UInt32) -> UnsafeRawBufferPointer? {
        for item in self where item.ssrc == ssrc && item.type == Self.cnameType { return item.value }
        return nil
    }

    /// Writes an SDES packet with one CNAME chunk per entry (up to 31); returns its length.
    public static func write(
        cnames: some Collection<(ssrc: UInt32, cname: String)>, into buffer: UnsafeMutableRawBufferPointer
    ) throws(RTPBuildError) -> Int {
        guard cnames.count <= 31 else { throw .tooManyItems }
        var length = 4
        for entry in cnames {
            guard entry.cname.utf8.count <= 255 else { throw .valueOutOfRange }
            length &+= chunkLength(entry.cname.utf8.count)
        }
        try RTCPHeader.checkCapacity(length, buffer)
        RTCPHeader.write(count: UInt8(cnames.count), packetType: RTCPPacketType.sourceDescription, length: length, into: buffer)
        var offset = 4
        for entry in cnames {
            let size = chunkLength(entry.cname.utf8.count)
            buffer.zero(offset, count: size)
            buffer.writeUInt32(entry.ssrc, at: offset)
            buffer.writeUInt8(cnameType, at: offset &+ 4)
            buffer.writeUInt8(UInt8(truncatingIfNeeded: entry.cname.utf8.count), at: offset &+ 5)
            var position = offset &+ 6
            for byte in entry.cname.utf8 {
                buffer.writeUInt8(byte, at: position)
                position &+= 1
            }
            offset &+= size
        }
        return length
    }

    /// SSRC, one item header and text, at least one null byte, rounded up to 32 bits.
    static func chunkLength(_ textLength: Int) -> Int { (4 &+ 2 &+ textLength &+ 1 &+ 3) & ~3 }
}
