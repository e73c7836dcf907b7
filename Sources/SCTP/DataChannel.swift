/// One data channel of an association, as DCEP negotiated it (SCTP thread only).
struct DataChannel {
    enum State { case opening, open }

    var state: State
    var label: String
    var `protocol`: String
    /// How user messages on this channel are sent (ordering and PR-SCTP policy).
    var channelType: DCEPChannelType
    var reliabilityParameter: UInt32

    init(_ open: DCEPOpen, state: State) {
        self.state = state
        self.label = open.label
        self.protocol = open.protocol
        self.channelType = open.channelType
        self.reliabilityParameter = open.reliabilityParameter
    }
}
