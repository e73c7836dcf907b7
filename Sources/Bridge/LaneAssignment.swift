/// Which media thread ("lane") serves the next endpoint to connect as a receiver.
///
/// The receiving thread (lane 0) also decrypts and parses every packet and does everything but
/// fan-outs; each lane past it only serves its receivers. So lane 0 is given half the share of the others:
/// in each turn of `1 + 2 × (lanes − 1)` endpoints it takes one, and each other lane two, spread
/// so the first endpoints land on different lanes (0, 1, 2, …, then 1, 2, … again).
struct LaneAssignment {
    let lanes: Int
    private var turn = 0

    init(lanes: Int) {
        self.lanes = max(1, lanes)
    }

    mutating func next() -> Int {
        guard lanes > 1 else { return 0 }
        let cycle = 1 + 2 * (lanes - 1)
        defer { turn = (turn + 1) % cycle }
        return turn < lanes ? turn : 1 + (turn - lanes)
    }
}
