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
            for group in 0..<options.groups {
                let first = group * (1 + options.receivers)
                list.append(Participant(index: first, conference: group, sendsVideo: true, sends: true, receives: false))
                for i in 0..<options.receivers {
                    list.append(Participant(index: first + 1 + i, conference: group, sendsVideo: false, sends: false, receives: true))
                }
            }
            conferences = options.groups
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

    /// Stream indices in use (`MediaSender.streamsPerSender` per participant). What each
    /// receiver is owed of them is `LossAccount`'s business.
    var streamCount: Int { participants.count * MediaSender.streamsPerSender }
}
