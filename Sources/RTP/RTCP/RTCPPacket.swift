/// One packet of a compound RTCP datagram, decoded into its typed view.
///
/// Views point into the datagram; use them only while that memory is valid.
public enum RTCPPacket {
    /// Sender report (200).
    case senderReport(RTCPSenderReport)
    /// Receiver report (201).
    case receiverReport(RTCPReceiverReport)
    /// Source description (202).
    case sourceDescription(RTCPSourceDescription)
    /// Goodbye (203).
    case bye(RTCPBye)
    /// Generic NACK (205/1).
    case nack(RTCPGenericNACK)
    /// Transport-wide congestion control feedback (205/15).
    case transportCC(RTCPTransportCC)
    /// Picture loss indication (206/1).
    case pli(RTCPPictureLossIndication)
    /// Full intra request (206/4).
    case fir(RTCPFullIntraRequest)
    /// Receiver estimated maximum bitrate (206/15 "REMB").
    case remb(RTCPREMB)
    /// Anything else (APP, XR, other feedback types): the header and the whole packet's bytes.
    case other(RTCPHeader, UnsafeRawBufferPointer)

    /// Decodes the packet at the start of `bytes` (which may be followed by more packets).
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        let header = try RTCPHeader(parsing: bytes)
        switch (header.packetType, header.count) {
        case (RTCPPacketType.senderReport, _): self = .senderReport(try RTCPSenderReport(parsing: bytes))
        case (RTCPPacketType.receiverReport, _): self = .receiverReport(try RTCPReceiverReport(parsing: bytes))
        case (RTCPPacketType.sourceDescription, _): self = .sourceDescription(try RTCPSourceDescription(parsing: bytes))
        case (RTCPPacketType.bye, _): self = .bye(try RTCPBye(parsing: bytes))
        case (RTCPPacketType.transportFeedback, RTCPFeedback.nackFormat): self = .nack(try RTCPGenericNACK(parsing: bytes))
        case (RTCPPacketType.transportFeedback, RTCPFeedback.transportCCFormat):
            self = .transportCC(try RTCPTransportCC(parsing: bytes))
        case (RTCPPacketType.payloadFeedback, RTCPFeedback.pliFormat): self = .pli(try RTCPPictureLossIndication(parsing: bytes))
        case (RTCPPacketType.payloadFeedback, RTCPFeedback.firFormat): self = .fir(try RTCPFullIntraRequest(parsing: bytes))
        case (RTCPPacketType.payloadFeedback, RTCPFeedback.applicationLayerFormat) where RTCPREMB.matches(bytes):
            self = .remb(try RTCPREMB(parsing: bytes))
        default: self = .other(header, bytes.slice(0, header.length))
        }
    }
}
