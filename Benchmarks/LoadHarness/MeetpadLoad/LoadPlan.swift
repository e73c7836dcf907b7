/// Who is in the simulated meeting: one entry per participant, in signaling order.
struct LoadPlan {
    struct Participant {
        var index: Int
        var conference: Int
        var sendsVideo: Bool
        var sends: Bool
        var receives: Bool
    }

    let participants: [Participant]
    let conferences: Int

    init(_ options: LoadOptions) {
        var list: [Participant] = []
        switch options.scenario {
        case .s1:
            list.append(Participant(index: 0, conference: 0, sendsVideo: true, sends: true, receives: false))
            for i in 0..<options.receivers {
                list.append(Participant(index: i + 1, conference: 0, sendsVideo: false, sends: false, receives: true))
            }
            conferences = 1
        case .s2:
            for c in 0..<options.conferences {
                for p in 0..<options.participants {
                    list.append(Participant(index: c * options.participants + p, conference: c, sendsVideo: true, sends: true, receives: true))
                }
            }
            conferences = options.conferences
        case .s3:
            for p in 0..<options.participants {
                list.append(Participant(index: p, conference: 0, sendsVideo: false, sends: true, receives: true))
            }
            conferences = 1
        }
        participants = list
    }

    /// Stream indices in use (`MediaSender.streamsPerSender` per participant).
    var streamCount: Int { participants.count * MediaSender.streamsPerSender }

    /// Whether a receiver of `conference`/`participant` should get stream `stream` through
    /// `sfu`: everything from the other participants of its conference; Janus forwards one
    /// simulcast layer (the top one, its default), our bridge and the floor every layer.
    func expects(conference: Int, participant: Int, stream: Int, sfu: SFUKind, layers: Int) -> Bool {
        let owner = stream / MediaSender.streamsPerSender
        guard owner != participant, owner < participants.count, participants[owner].conference == conference else { return false }
        let kind = stream % MediaSender.streamsPerSender
        if kind == 0 { return true }
        guard participants[owner].sendsVideo, kind <= layers else { return false }
        return sfu != .janus || kind == layers
    }
}
