// Bridge-channel JSON from a client's data channel (colibri2.md §4.4): decoding, and the
// `from`-stamped copy the bridge relays to other endpoints.

import Colibri

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let message: BridgeChannelMessage
    do {
        message = try BridgeChannelMessage.parse(bytes)
    } catch {
        return 0
    }
    switch message {
    case .endpointMessage, .endpointStats:
        // What we relay must itself be a message the next bridge or client accepts, and the
        // sender cannot choose the `from` it carries.
        guard let relayed = try? BridgeChannelMessage.relayingEndpointMessage(bytes, from: "fuzz-sender") else {
            preconditionFailure("a message that parsed cannot be relayed")
        }
        guard let reparsed = try? BridgeChannelMessage.parse(Array(relayed.utf8)) else {
            preconditionFailure("relayed message does not parse: \(relayed)")
        }
        precondition(reparsed == message, "relaying changed the message: \(relayed)")
    case .clientHello:
        _ = BridgeChannelMessage.serverHello(version: "fuzz")
    case .receiverVideoConstraints, .lastNChanged, .sourceVideoType, .other:
        break
    }
    return 0
}
