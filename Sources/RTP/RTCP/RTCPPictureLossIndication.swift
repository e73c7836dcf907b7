// RFC 4585 §6.3.1: picture loss indication (PT 206, FMT 1); the FCI is empty.

/// A PLI: "send a keyframe for `mediaSSRC`".
public struct RTCPPictureLossIndication: Sendable, Equatable {
    /// Bytes on the wire.
    public static let size = 12
    /// Who asks.
    public var senderSSRC: UInt32
    /// The stream that should produce a keyframe.
    public var mediaSSRC: UInt32

    /// Creates a PLI.
    public init(senderSSRC: UInt32, mediaSSRC: UInt32) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
    }

    /// Parses the PLI at the start of `bytes`.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        let (sender, media, _) = try RTCPFeedback.parse(bytes, type: RTCPPacketType.payloadFeedback, format: RTCPFeedback.pliFormat)
        self.init(senderSSRC: sender, mediaSSRC: media)
    }

    /// Writes the PLI; returns 12.
    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(RTPBuildError) -> Int {
        try RTCPFeedback.writeHeader(
            type: RTCPPacketType.payloadFeedback, format: RTCPFeedback.pliFormat, length: Self.size,
            sender: senderSSRC, media: mediaSSRC, into: buffer)
        return Self.size
    }
}
