/// The header extension URIs jicofo offers by default (colibri2.md §5.2), for matching the
/// `uri` of negotiated `a=extmap` / Colibri `<rtp-hdrext>` entries to their ids.
public enum RTPHeaderExtensionURI {
    /// RFC 6464 client-to-mixer audio level (jicofo id 1).
    public static let audioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
    /// Absolute send time, 24-bit 6.18 fixed-point seconds (jicofo id 3).
    public static let absSendTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
    /// Transport-wide sequence number for transport-cc feedback (jicofo id 5).
    public static let transportCC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
    /// RFC 8843 media identification (jicofo id 10); never forwarded as received.
    public static let mid = "urn:ietf:params:rtp-hdrext:sdes:mid"
    /// AV1 dependency descriptor (jicofo id 11).
    public static let av1DependencyDescriptor =
        "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension"
    /// 3GPP coordination of video orientation (CVO).
    public static let videoOrientation = "urn:3gpp:video-orientation"
    /// RFC 5450 transmission time offset (jicofo id 2, off by default).
    public static let transmissionTimeOffset = "urn:ietf:params:rtp-hdrext:toffset"
    /// RFC 8852 RTP stream id (jicofo id 4, off by default).
    public static let rtpStreamID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"
    /// Video layers allocation (jicofo id 12, off by default).
    public static let videoLayersAllocation = "http://www.webrtc.org/experiments/rtp-hdrext/video-layers-allocation00"
}
