import Bridge
@testable import BridgeServer
import Testing
import XMLStream

/// The media thread's inbox is bounded, and a flood of one participant's data-channel traffic
/// cannot crowd out the focus's requests or the stop command.
@Suite struct CommandInboxTests {
    static let association = SCTPAssociationTag(rawValue: 1)

    @Test func dataChannelFloodIsRefusedButControlStillGetsThrough() throws {
        let inbox = try CommandInbox(dataCapacity: 3, controlCapacity: 2)
        for _ in 0..<3 { #expect(inbox.post(.bridgeChannelMessage([1], Self.association)) == nil) }
        #expect(inbox.post(.bridgeChannelMessage([2], Self.association)) != nil)
        #expect(inbox.post(.sendSCTPPacket([3], Self.association)) != nil)
        #expect(inbox.refusedWhileFull == 2)
        let request = XMLElement("conference-modify", namespace: "jitsi:colibri2")
        #expect(inbox.post(.conferenceModify(request, { _ in })) == nil)
        #expect(inbox.post(.acceptNewConferences(false)) == nil)
        #expect(inbox.post(.acceptNewConferences(true)) != nil)
        #expect(inbox.post(.stop) == nil, "stop must always get in")
        #expect(inbox.refusedWhileFull == 3)
    }

    @Test func takingTheQueueMakesRoomAgain() throws {
        let inbox = try CommandInbox(dataCapacity: 1, controlCapacity: 1)
        #expect(inbox.post(.bridgeChannelMessage([1], Self.association)) == nil)
        #expect(inbox.post(.bridgeChannelMessage([1], Self.association)) != nil)
        var taken: [MediaCommand] = []
        inbox.take(into: &taken)
        #expect(taken.count == 1)
        #expect(inbox.post(.bridgeChannelMessage([1], Self.association)) == nil)
    }

    @Test func aClosedInboxRefusesEverything() throws {
        let inbox = try CommandInbox()
        #expect(inbox.close().isEmpty)
        #expect(inbox.post(.stop) != nil)
        #expect(inbox.refusedWhileFull == 0)
    }
}
