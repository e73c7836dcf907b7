@testable import Bridge
import Colibri
import Testing

/// The per-receiver video allocator against the choices JVB makes for default jitsi-meet clients: VP8 simulcast
/// sources of 180/360/720p at 7.5/15/30 fps, constraints as jitsi-meet sends them, conference speech order
/// a, b, c, d.
@Suite struct VideoAllocatorTests {
    // MARK: - Fixtures

    /// VP8 simulcast as a default client sends it, with measured bitrates in kbps per encoding and temporal
    /// layer; 0 marks a layer that is not being received.
    static func vp8(
        _ kbps: [[Int]] = [[50, 90, 150], [200, 350, 500], [600, 1_000, 1_500]], heights: [Int] = [180, 360, 720]
    ) -> [VideoLayer] {
        var layers: [VideoLayer] = []
        for (encoding, rates) in kbps.enumerated() {
            for (temporal, rate) in rates.enumerated() {
                layers.append(VideoLayer(
                    encoding: encoding, temporal: temporal, height: heights[encoding],
                    frameRate: [7.5, 15, 30][temporal], bitrateBps: rate * 1_000))
            }
        }
        return layers
    }

    /// `vp8()`'s bitrates with frame rates as measured (frames in the last second) per encoding and
    /// temporal layer.
    static func measured(frameRates: [[Double]]) -> [VideoLayer] {
        vp8().map { layer in
            VideoLayer(encoding: layer.encoding, temporal: layer.temporal, height: layer.height,
                       frameRate: frameRates[layer.encoding][layer.temporal], bitrateBps: layer.bitrateBps)
        }
    }

    static func camera(_ endpoint: String, layers: [VideoLayer] = vp8()) -> AllocationSource {
        AllocationSource(sourceName: "\(endpoint)-v0", endpointID: endpoint, videoType: .camera, layers: layers)
    }

    static func screenShare(_ endpoint: String, layers: [VideoLayer] = vp8()) -> AllocationSource {
        AllocationSource(sourceName: "\(endpoint)-v1", endpointID: endpoint, videoType: .desktop, layers: layers)
    }

    static let speechOrder = ["a", "b", "c", "d"].map { camera($0) }
    static let plenty = 20_000_000

    /// A message as jitsi-meet's subscriber sends it: every field present.
    static func message(
        lastN: Int = -1, defaultHeight: Int = 0, constraints: [String: ReceiverVideoConstraints.VideoConstraints] = [:],
        onStage: [String] = [], selected: [String] = []
    ) -> ReceiverVideoConstraints {
        var message = ReceiverVideoConstraints()
        message.lastN = lastN
        message.defaultConstraints = .init(maxHeight: defaultHeight)
        message.constraints = constraints
        message.onStageSources = onStage
        message.selectedSources = selected
        return message
    }

    static func receiver(_ message: ReceiverVideoConstraints) -> ReceiverConstraints {
        var constraints = ReceiverConstraints.initial
        constraints.merge(message)
        return constraints
    }

    /// "720p/15", or nil for no layer.
    static func label(_ layer: VideoLayer?) -> String? {
        guard let layer else { return nil }
        let rate = layer.frameRate.rounded() == layer.frameRate ? String(Int(layer.frameRate)) : String(layer.frameRate)
        return "\(layer.height)p/\(rate)"
    }

    static func targets(_ allocation: VideoAllocation) -> [String: String] {
        allocation.targetsBySource.compactMapValues { label($0) }
    }

    // MARK: - Tables

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        var sources: [AllocationSource] = VideoAllocatorTests.speechOrder
        let message: ReceiverVideoConstraints
        var budgetBps: Int = VideoAllocatorTests.plenty
        /// Forwarded sources and their target; every other source must not be forwarded.
        let expected: [String: String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // lastN
        Case(name: "lastN 1 picks the dominant speaker only",
             message: message(lastN: 1, constraints: ["a-v0": .init(maxHeight: 360), "b-v0": .init(maxHeight: 360),
                                                      "c-v0": .init(maxHeight: 360), "d-v0": .init(maxHeight: 360)]),
             expected: ["a-v0": "360p/30"]),
        Case(name: "lastN 2 follows the speech order",
             message: message(lastN: 2, defaultHeight: 180),
             expected: ["a-v0": "180p/30", "b-v0": "180p/30"]),
        Case(name: "lastN 0 forwards nothing", message: message(lastN: 0, defaultHeight: 180), expected: [:]),
        Case(name: "a switched-off source does not use up a lastN place",
             message: message(lastN: 1, constraints: ["c-v0": .init(maxHeight: 360)]),
             expected: ["c-v0": "360p/30"]),
        Case(name: "lastN counts sources, not endpoints",
             sources: [screenShare("a"), camera("a"), camera("b")],
             message: message(lastN: 1, defaultHeight: 180),
             expected: ["a-v1": "180p/30"]),
        Case(name: "a muted source is not forwarded and uses no lastN place",
             sources: [AllocationSource(sourceName: "a-v0", endpointID: "a", videoType: .none, layers: vp8()),
                       camera("b"), camera("c")],
             message: message(lastN: 1, defaultHeight: 180),
             expected: ["b-v0": "180p/30"]),
        Case(name: "a selected source goes before the speech order",
             message: message(lastN: 1, defaultHeight: 180, selected: ["c-v0"]),
             expected: ["c-v0": "180p/30"]),
        Case(name: "on-stage and selected sources go before the speech order",
             message: message(lastN: 2, defaultHeight: 180, onStage: ["d-v0"], selected: ["c-v0"]),
             expected: ["c-v0": "180p/30", "d-v0": "180p/30"]),

        // constraints
        Case(name: "maxHeight 180 gives the 180p layer at full frame rate",
             message: message(defaultHeight: 180),
             expected: ["a-v0": "180p/30", "b-v0": "180p/30", "c-v0": "180p/30", "d-v0": "180p/30"]),
        Case(name: "default maxHeight 0 with one source at 360 forwards only that source",
             message: message(constraints: ["b-v0": .init(maxHeight: 360)]),
             expected: ["b-v0": "360p/30"]),
        Case(name: "maxHeight 720 gives 720p/30",
             message: message(constraints: ["a-v0": .init(maxHeight: 720)]),
             expected: ["a-v0": "720p/30"]),
        Case(name: "maxHeight -1 is unlimited",
             message: message(constraints: ["a-v0": .init(maxHeight: -1)]),
             expected: ["a-v0": "720p/30"]),
        Case(name: "frame-rate limit 15 at 720p gives 720p/15",
             message: message(constraints: ["a-v0": .init(maxHeight: 720, maxFrameRate: 15)]),
             expected: ["a-v0": "720p/15"]),
        Case(name: "frame-rate limit 15 at 180p gives 180p/15",
             message: message(constraints: ["a-v0": .init(maxHeight: 180, maxFrameRate: 15)]),
             expected: ["a-v0": "180p/15"]),
        Case(name: "frame-rate limit 0 switches the source off",
             message: message(defaultHeight: 180, constraints: ["a-v0": .init(maxHeight: 720, maxFrameRate: 0)]),
             expected: ["b-v0": "180p/30", "c-v0": "180p/30", "d-v0": "180p/30"]),
        Case(name: "measured frame rates wobble: a 15 fps camera whose 720p layer read 14 fps and 180p 16 fps gets 720p",
             sources: [camera("a", layers: measured(frameRates: [[4, 8, 16], [4, 7, 15], [3, 7, 14]]))],
             message: message(constraints: ["a-v0": .init(maxHeight: 720)]),
             expected: ["a-v0": "720p/14"]),
        Case(name: "a frame-rate limit of 15 keeps a layer measured at 16 fps of a 15 fps camera",
             sources: [camera("a", layers: measured(frameRates: [[4, 8, 16], [4, 8, 16], [4, 8, 16]]))],
             message: message(constraints: ["a-v0": .init(maxHeight: 720, maxFrameRate: 15)]),
             expected: ["a-v0": "720p/16"]),
        Case(name: "maxHeight is soft: a lone 720p stream is still forwarded to a 180p tile",
             sources: [camera("a", layers: vp8([[600, 1_000, 1_500]], heights: [720]))],
             message: message(defaultHeight: 180),
             expected: ["a-v0": "720p/30"]),

        // layers not being received
        Case(name: "layers with bitrate 0 are skipped",
             sources: [camera("a", layers: vp8([[50, 90, 150], [200, 350, 500], [0, 0, 0]]))],
             message: message(defaultHeight: 720),
             expected: ["a-v0": "360p/30"]),
        Case(name: "a source with nothing received yet starts at its lowest layer",
             sources: [camera("a", layers: vp8([[0, 0, 0], [0, 0, 0], [0, 0, 0]]))],
             message: message(defaultHeight: 720),
             expected: ["a-v0": "180p/7.5"]),
        Case(name: "an on-stage source with nothing received yet starts at its preferred layer",
             sources: [camera("a", layers: vp8([[0, 0, 0], [0, 0, 0], [0, 0, 0]]))],
             message: message(defaultHeight: 720, onStage: ["a-v0"]),
             expected: ["a-v0": "360p/30"]),

        // budget
        Case(name: "on stage goes straight to 360p/30, thumbnails share the rest",
             message: message(constraints: ["a-v0": .init(maxHeight: 720), "b-v0": .init(maxHeight: 180),
                                            "c-v0": .init(maxHeight: 180)], onStage: ["a-v0"]),
             budgetBps: 600_000,
             expected: ["a-v0": "360p/30", "b-v0": "180p/15"]),
        Case(name: "without a stage the same budget is shared step by step",
             message: message(constraints: ["a-v0": .init(maxHeight: 720), "b-v0": .init(maxHeight: 180),
                                            "c-v0": .init(maxHeight: 180)]),
             budgetBps: 600_000,
             expected: ["a-v0": "180p/30", "b-v0": "180p/30", "c-v0": "180p/30"]),
        Case(name: "thumbnails get nothing while the stage is below its preferred layer",
             message: message(constraints: ["a-v0": .init(maxHeight: 720), "b-v0": .init(maxHeight: 180),
                                            "c-v0": .init(maxHeight: 180)], onStage: ["a-v0"]),
             budgetBps: 400_000,
             expected: ["a-v0": "180p/30"]),
        Case(name: "the stage takes 720p once thumbnails are full",
             message: message(constraints: ["a-v0": .init(maxHeight: 720), "b-v0": .init(maxHeight: 180),
                                            "c-v0": .init(maxHeight: 180)], onStage: ["a-v0"]),
             budgetBps: 2_000_000,
             expected: ["a-v0": "720p/30", "b-v0": "180p/30", "c-v0": "180p/30"]),
        Case(name: "a tight tile budget leaves the last speaker without video",
             message: message(defaultHeight: 360),
             budgetBps: 120_000,
             expected: ["a-v0": "180p/7.5", "b-v0": "180p/7.5"]),
        Case(name: "lower-priority tiles get less",
             sources: Array(speechOrder.prefix(3)),
             message: message(defaultHeight: 360),
             budgetBps: 200_000,
             expected: ["a-v0": "180p/15", "b-v0": "180p/7.5", "c-v0": "180p/7.5"]),
        Case(name: "no budget, no video", message: message(defaultHeight: 180), budgetBps: 0, expected: [:]),
        Case(name: "an estimate below every layer keeps the first source's lowest layer",
             message: message(defaultHeight: 360), budgetBps: 30_000, expected: ["a-v0": "180p/7.5"]),
        Case(name: "an estimate below every layer keeps the stage's lowest layer",
             message: message(defaultHeight: 360, onStage: ["c-v0"]), budgetBps: 30_000, expected: ["c-v0": "180p/7.5"]),
        // Seen on a 300 kbit/s link: the speaker's lowest layer missed the budget by a little, the next
        // camera's fitted, and the floor then added the speaker's on top (twice the budget).
        Case(name: "the head's lowest layer comes first when it does not fit, and leaves nothing for the rest",
             sources: [camera("a", layers: vp8([[156, 200, 250], [400, 500, 600], [700, 900, 1_100]])),
                       camera("b", layers: vp8([[128, 150, 200], [400, 500, 600], [700, 900, 1_100]]))],
             message: message(defaultHeight: 720), budgetBps: 153_000, expected: ["a-v0": "180p/7.5"]),

        // screen share
        Case(name: "an on-stage screen share takes resolution over frame rate",
             sources: [screenShare("a"), camera("b")],
             message: message(constraints: ["a-v1": .init(maxHeight: -1), "b-v0": .init(maxHeight: 180)],
                              onStage: ["a-v1"]),
             budgetBps: 700_000,
             expected: ["a-v1": "720p/7.5"]),
        Case(name: "an on-stage camera with the same budget takes frame rate",
             sources: [camera("a"), camera("b")],
             message: message(constraints: ["a-v0": .init(maxHeight: -1), "b-v0": .init(maxHeight: 180)],
                              onStage: ["a-v0"]),
             budgetBps: 700_000,
             expected: ["a-v0": "360p/30", "b-v0": "180p/30"]),
        Case(name: "a screen share limited to 360p tops out at 360p",
             sources: [screenShare("a")],
             message: message(constraints: ["a-v1": .init(maxHeight: 360)], onStage: ["a-v1"]),
             expected: ["a-v1": "360p/30"]),
    ]

    @Test(arguments: cases)
    func allocates(_ testCase: Case) {
        let allocation = VideoAllocator.allocate(
            sources: testCase.sources, constraints: Self.receiver(testCase.message),
            availableBandwidthBps: testCase.budgetBps)
        #expect(Self.targets(allocation) == testCase.expected)
        #expect(allocation.sources.count == testCase.sources.count)
        #expect(Set(allocation.forwardedSources) == Set(testCase.expected.keys))
        let overBudget = allocation.targetBitrateBps > testCase.budgetBps
        #expect(allocation.isOversending == overBudget, "only screen shares oversend")
    }

    // MARK: - Ordering and the result

    @Test func resultIsInAllocationOrder() {
        let sources = [Self.camera("a"), AllocationSource(sourceName: "b-v0", endpointID: "b", videoType: .none,
                                                     layers: Self.vp8()), Self.camera("c"), Self.camera("d")]
        let receiver = Self.receiver(Self.message(defaultHeight: 180, onStage: ["d-v0"], selected: ["b-v0", "c-v0"]))
        let allocation = VideoAllocator.allocate(sources: sources, constraints: receiver, availableBandwidthBps: Self.plenty)
        // On stage, selected (the muted selection drops to the end), speech order, muted.
        #expect(allocation.sources.map(\.sourceName) == ["d-v0", "c-v0", "a-v0", "b-v0"])
        #expect(allocation.forwardedSources == ["d-v0", "c-v0", "a-v0"])
        #expect(allocation.sources.map(\.isOnStage) == [true, false, false, false])
        #expect(allocation.sources.last?.effectiveConstraints == .nothing)
        #expect(allocation.sources.last?.idealLayer == nil)
        #expect(allocation.target(for: "d-v0") == VideoLayer(encoding: 0, temporal: 2, height: 180, frameRate: 30,
                                                              bitrateBps: 150_000))
        #expect(allocation.target(for: "b-v0") == nil)
    }

    @Test func idealLayerIgnoresTheBudget() {
        let receiver = Self.receiver(Self.message(constraints: ["a-v0": .init(maxHeight: 720)], onStage: ["a-v0"]))
        let allocation = VideoAllocator.allocate(sources: [Self.camera("a")], constraints: receiver,
                                                 availableBandwidthBps: 600_000)
        #expect(Self.label(allocation.sources[0].targetLayer) == "360p/30")
        #expect(Self.label(allocation.sources[0].idealLayer) == "720p/30")
        #expect(allocation.targetBitrateBps == 500_000)
        #expect(allocation.idealBitrateBps == 1_500_000)
    }

    @Test func suspendedSourcesAreTheOnesTheBudgetLeftOut() {
        let allocation = VideoAllocator.allocate(
            sources: Self.speechOrder, constraints: Self.receiver(Self.message(lastN: 3, defaultHeight: 360)),
            availableBandwidthBps: 120_000)
        // d is outside lastN, so not suspended; c is in lastN but did not fit.
        #expect(allocation.suspendedSources == ["c-v0"])
        #expect(allocation.effectiveConstraints["d-v0"] == .nothing)
        #expect(allocation.effectiveConstraints["c-v0"] == VideoConstraints(maxHeight: 360))
    }

    @Test func lastNIsBoundedByTheVideoSSRCLimit() {
        let sources = (0..<60).map { Self.camera("e\($0)", layers: Self.vp8([[50, 90, 150]], heights: [180])) }
        let allocation = VideoAllocator.allocate(
            sources: sources, constraints: Self.receiver(Self.message(defaultHeight: 180)),
            availableBandwidthBps: Self.plenty)
        #expect(allocation.forwardedSources.count == AllocationParameters.maxForwardedVideoSources)
        #expect(allocation.forwardedSources == sources.prefix(50).map(\.sourceName))
    }

    @Test func isDeterministic() {
        let receiver = Self.receiver(Self.message(defaultHeight: 360, onStage: ["b-v0"], selected: ["c-v0"]))
        let first = VideoAllocator.allocate(sources: Self.speechOrder, constraints: receiver, availableBandwidthBps: 900_000)
        let second = VideoAllocator.allocate(sources: Self.speechOrder, constraints: receiver, availableBandwidthBps: 900_000)
        #expect(first == second)
        #expect(first.hasSameTargets(as: second))
    }

    @Test func noSourcesNoAllocation() {
        let allocation = VideoAllocator.allocate(
            sources: [], constraints: Self.receiver(Self.message(defaultHeight: 180)), availableBandwidthBps: Self.plenty)
        #expect(allocation == .empty)
        #expect(allocation.forwardedSources.isEmpty)
    }

    @Test func unlimitedBudgetDoesNotOverflow() {
        let receiver = Self.receiver(Self.message(defaultHeight: -1, onStage: ["a-v1"]))
        let allocation = VideoAllocator.allocate(
            sources: [Self.screenShare("a"), Self.camera("b")], constraints: receiver, availableBandwidthBps: .max)
        #expect(Self.targets(allocation) == ["a-v1": "720p/30", "b-v0": "720p/30"])
        #expect(!allocation.isOversending)
    }

    @Test func sameTargetsIgnoreMeasuredBitratesButNotLayers() {
        let receiver = Self.receiver(Self.message(defaultHeight: 180))
        let before = VideoAllocator.allocate(sources: Self.speechOrder, constraints: receiver,
                                             availableBandwidthBps: Self.plenty)
        let drifted = Self.speechOrder.map { Self.camera($0.endpointID, layers: Self.vp8([[55, 95, 160], [200, 350, 500],
                                                                                         [600, 1_000, 1_500]])) }
        let after = VideoAllocator.allocate(sources: Array(drifted.reversed()), constraints: receiver,
                                            availableBandwidthBps: Self.plenty)
        #expect(before != after)
        #expect(before.hasSameTargets(as: after))
        let squeezed = VideoAllocator.allocate(sources: Self.speechOrder, constraints: receiver, availableBandwidthBps: 300_000)
        #expect(!before.hasSameTargets(as: squeezed))
    }

    // MARK: - Screen share oversending

    /// A share whose sender has dropped the low encodings (all the bitrate sits in 720p).
    static let topOnlyShare = screenShare("a", layers: vp8([[0, 0, 0], [0, 0, 0], [600, 1_000, 1_500]]))

    @Test func onStageScreenShareIsOversentUpToTheBound() {
        let receiver = Self.receiver(Self.message(constraints: ["a-v1": .init(maxHeight: -1)], onStage: ["a-v1"]))
        let allocation = VideoAllocator.allocate(sources: [Self.topOnlyShare, Self.camera("b")], constraints: receiver,
                                                 availableBandwidthBps: 200_000)
        #expect(Self.targets(allocation) == ["a-v1": "720p/7.5"])
        #expect(allocation.isOversending)
        #expect(allocation.targetBitrateBps <= 200_000 + AllocationParameters.maxOversendBitrateBps)
    }

    @Test func oversendingStopsAtTheBound() {
        let receiver = Self.receiver(Self.message(constraints: ["a-v1": .init(maxHeight: -1)], onStage: ["a-v1"]))
        // 600 kbps is more than 50 kbps + 500 kbps.
        let starved = VideoAllocator.allocate(sources: [Self.topOnlyShare], constraints: receiver,
                                              availableBandwidthBps: 50_000)
        #expect(starved.forwardedSources.isEmpty)
        #expect(starved.suspendedSources == ["a-v1"])
        // With every layer received, oversending climbs layer by layer while each stays within the bound.
        let full = VideoAllocator.allocate(sources: [Self.screenShare("a")], constraints: receiver,
                                           availableBandwidthBps: 30_000)
        #expect(Self.targets(full) == ["a-v1": "360p/30"])
        #expect(full.isOversending)
    }

    /// JVB oversends only for the source heading the list, and only when it is on stage: a share that is
    /// merely selected (tile view) waits for bandwidth like any other source.
    @Test func selectedScreenShareIsNotOversent() {
        let receiver = Self.receiver(Self.message(constraints: ["a-v1": .init(maxHeight: -1)], selected: ["a-v1"]))
        let allocation = VideoAllocator.allocate(sources: [Self.topOnlyShare], constraints: receiver,
                                                 availableBandwidthBps: 200_000)
        #expect(allocation.forwardedSources.isEmpty)
        #expect(!allocation.isOversending)
    }

    @Test func screenShareBehindAnotherOnStageSourceIsNotOversent() {
        let receiver = Self.receiver(Self.message(constraints: ["a-v1": .init(maxHeight: -1), "b-v0": .init(maxHeight: 180)],
                                                  onStage: ["b-v0", "a-v1"]))
        let allocation = VideoAllocator.allocate(sources: [Self.topOnlyShare, Self.camera("b")], constraints: receiver,
                                                 availableBandwidthBps: 200_000)
        #expect(Self.targets(allocation) == ["b-v0": "180p/30"])
    }

    // MARK: - Candidate layers

    @Test func cameraCandidatesSkipLowFrameRatesAtAndAbovePreferredHeight() {
        let candidates = CandidateLayers(source: Self.camera("a"), constraints: VideoConstraints(maxHeight: 720),
                                         isOnStage: false)
        #expect(candidates.layers.compactMap { Self.label($0) } == ["180p/7.5", "180p/15", "180p/30", "360p/30", "720p/30"])
        #expect(candidates.preferredIndex == 3)
        #expect(candidates.oversendIndex == nil)
    }

    @Test func screenShareCandidatesKeepEveryFrameRate() {
        let candidates = CandidateLayers(source: Self.screenShare("a"), constraints: .unlimited, isOnStage: true)
        #expect(candidates.layers.count == 9)
        #expect(candidates.preferredIndex == 8)
        #expect(candidates.oversendIndex.flatMap { Self.label(candidates.layers[$0]) } == "720p/7.5")
        let offStage = CandidateLayers(source: Self.screenShare("a"), constraints: .unlimited, isOnStage: false)
        #expect(offStage.oversendIndex == nil)
    }

    @Test func frameRateLimitIsSoft() {
        let candidates = CandidateLayers(source: Self.camera("a"), constraints: VideoConstraints(maxHeight: 720, maxFrameRate: 5),
                                         isOnStage: false)
        #expect(candidates.layers.compactMap { Self.label($0) } == ["180p/7.5", "360p/7.5", "720p/7.5"])
    }

    /// A sender below 30 fps (CPU, SVC under load) offers 5/10/20 fps: a 15 fps limit gets the tallest
    /// layer at 10 fps rather than 180p, which a preference for 15 fps that no layer within the
    /// limit reaches would leave as the only size (seen with a VP9 L3T3_KEY sender at 23.7 fps).
    @Test func frameRateLimitPrefersTheBestRateWithinIt() {
        let slow = Self.measured(frameRates: [[5, 10, 20], [5, 10, 20], [5, 10, 20]])
        let candidates = CandidateLayers(source: Self.camera("a", layers: slow),
                                         constraints: VideoConstraints(maxHeight: 720, maxFrameRate: 15), isOnStage: true)
        #expect(candidates.layers.compactMap { Self.label($0) } == ["180p/5", "180p/10", "360p/10", "720p/10"])
    }

    /// A loaded sender at 17 fps offers 4.25/8.5/17: under a limit of 15 a receiver starting now
    /// gets half rate, one already getting the full rate keeps it, until the sender passes 18.75.
    @Test func frameRateLimitHoldsTheForwardedTemporalLayer() {
        func allocated(top: Double, forwardedTemporal: Int?) -> String? {
            var source = Self.camera("a", layers: Self.measured(frameRates: Array(repeating: [top / 4, top / 2, top], count: 3)))
            source.forwardedLayer = forwardedTemporal.map {
                VideoLayer(encoding: 2, temporal: $0, height: 720, frameRate: top, bitrateBps: 1_500_000)
            }
            let candidates = CandidateLayers(
                source: source, constraints: VideoConstraints(maxHeight: 720, maxFrameRate: 15), isOnStage: true)
            return candidates.layers.last.flatMap { Self.label($0) }
        }
        #expect(allocated(top: 17, forwardedTemporal: nil) == "720p/8.5")
        #expect(allocated(top: 17, forwardedTemporal: 1) == "720p/8.5")
        #expect(allocated(top: 17, forwardedTemporal: 2) == "720p/17")
        #expect(allocated(top: 18.5, forwardedTemporal: 2) == "720p/18.5")
        #expect(allocated(top: 19, forwardedTemporal: 2) == "720p/9.5")
        #expect(allocated(top: 16, forwardedTemporal: nil) == "720p/16")
    }

    /// Going up needs 15 % more budget than the layer's rate, staying needs the rate: a budget at
    /// a boundary does not flip the receiver between two layers every second.
    @Test func upSwitchNeedsAMarginThatStayingDoesNot() {
        func allocated(budget: Int, forwarded: VideoLayer?) -> String? {
            var source = Self.camera("a")
            source.forwardedLayer = forwarded
            let allocation = VideoAllocator.allocate(
                sources: [source], constraints: Self.receiver(Self.message(defaultHeight: 720)),
                availableBandwidthBps: budget)
            return allocation.sources.first?.targetLayer.flatMap { Self.label($0) }
        }
        let layers = Self.vp8()
        let at360 = layers.first { $0.height == 360 && $0.temporal == 2 }
        let at720 = layers.first { $0.height == 720 && $0.temporal == 2 }
        #expect(allocated(budget: 1_600_000, forwarded: nil) == "720p/30")
        #expect(allocated(budget: 1_600_000, forwarded: at360) == "360p/30")
        #expect(allocated(budget: 1_800_000, forwarded: at360) == "720p/30")
        #expect(allocated(budget: 1_550_000, forwarded: at720) == "720p/30")
    }

    // MARK: - Receiver constraints

    @Test func initialConstraintsForwardNothing() {
        let initial = ReceiverConstraints.initial
        #expect(initial.lastN == -1)
        #expect(initial.defaultConstraints == VideoConstraints(maxHeight: AllocationParameters.initialMaxHeightPx))
        #expect(initial.maxHeight(for: "a-v0") == 0)
        #expect(initial.perSource.isEmpty && initial.onStageSources.isEmpty && initial.selectedSources.isEmpty)
        #expect(initial.assumedBandwidthBps == nil)
        #expect(!initial.hasReceivedMessage)
        let allocation = VideoAllocator.allocate(sources: Self.speechOrder, constraints: initial,
                                                 availableBandwidthBps: Self.plenty)
        #expect(allocation.forwardedSources.isEmpty)
        #expect(allocation.suspendedSources.isEmpty)
    }

    @Test func firstMessageWithoutDefaultBringsTheDefaultHeight() {
        var receiver = ReceiverConstraints.initial
        let changed = receiver.merge(ReceiverVideoConstraints())
        #expect(changed)
        #expect(receiver.hasReceivedMessage)
        #expect(receiver.defaultConstraints == VideoConstraints(maxHeight: 180))
        let allocation = VideoAllocator.allocate(sources: Self.speechOrder, constraints: receiver,
                                                 availableBandwidthBps: Self.plenty)
        #expect(allocation.forwardedSources == ["a-v0", "b-v0", "c-v0", "d-v0"])
        #expect(Self.label(allocation.target(for: "a-v0")) == "180p/30")
    }

    @Test func laterMessagesWithoutDefaultKeepIt() {
        var receiver = ReceiverConstraints.initial
        receiver.merge(Self.message(defaultHeight: 0))
        var lastN = ReceiverVideoConstraints()
        lastN.lastN = 2
        let changed = receiver.merge(lastN)
        #expect(changed)
        #expect(receiver.defaultConstraints == .nothing)
        #expect(receiver.lastN == 2)
    }

    @Test func presentFieldsReplaceAndAbsentOnesKeep() {
        var receiver = ReceiverConstraints.initial
        receiver.merge(Self.message(lastN: 3, defaultHeight: 180,
                                    constraints: ["a-v0": .init(maxHeight: 360), "b-v0": .init(maxHeight: 720, maxFrameRate: 15)],
                                    onStage: ["a-v0"], selected: ["b-v0"]))
        #expect(receiver.maxHeight(for: "a-v0") == 360)
        #expect(receiver.maxFrameRate(for: "b-v0") == 15)
        #expect(receiver.maxHeight(for: "z-v0") == 180)
        #expect(receiver.maxFrameRate(for: "z-v0") == nil)
        #expect(receiver.prioritizedSources == ["a-v0", "b-v0"])

        // A new map replaces the old one whole; the lists and lastN are untouched.
        var update = ReceiverVideoConstraints()
        update.constraints = ["c-v0": .init(maxHeight: 720)]
        let updated = receiver.merge(update)
        #expect(updated)
        #expect(receiver.maxHeight(for: "a-v0") == 180)
        #expect(receiver.maxHeight(for: "c-v0") == 720)
        #expect(receiver.onStageSources == ["a-v0"] && receiver.selectedSources == ["b-v0"])
        #expect(receiver.lastN == 3)

        // Present but empty lists clear.
        var clear = ReceiverVideoConstraints()
        clear.onStageSources = []
        clear.selectedSources = []
        let cleared = receiver.merge(clear)
        #expect(cleared)
        #expect(receiver.prioritizedSources.isEmpty)

        // The same message again changes nothing.
        let repeated = receiver.merge(clear)
        #expect(!repeated)
    }

    @Test func onStageSourcesRankAboveSelectedOnes() {
        var receiver = ReceiverConstraints.initial
        receiver.merge(Self.message(onStage: ["c-v0"], selected: ["a-v0", "c-v0", "b-v0"]))
        #expect(receiver.prioritizedSources == ["c-v0", "a-v0", "b-v0"])
    }

    @Test func legacyEndpointListsAreIgnored() {
        var receiver = ReceiverConstraints.initial
        receiver.merge(Self.message(defaultHeight: 180))
        var legacy = ReceiverVideoConstraints()
        legacy.onStageEndpoints = ["a"]
        legacy.selectedEndpoints = ["b"]
        let changed = receiver.merge(legacy)
        #expect(!changed)
        #expect(receiver.prioritizedSources.isEmpty)
    }

    @Test func negativeValuesMeanUnlimited() {
        var receiver = ReceiverConstraints.initial
        receiver.merge(Self.message(defaultHeight: -1, constraints: ["a-v0": .init(maxHeight: -5, maxFrameRate: -1)]))
        #expect(receiver.maxHeight(for: "a-v0") == VideoConstraints.unlimitedHeight)
        #expect(receiver.maxFrameRate(for: "a-v0") == nil)
        #expect(receiver.defaultConstraints == .unlimited)
    }

    @Test func assumedBandwidthIsHonouredOnlyWhenTheBridgeAllowsIt() {
        var receiver = ReceiverConstraints.initial
        var assume = ReceiverVideoConstraints()
        assume.assumedBandwidthBps = 1_000_000
        receiver.merge(assume)
        #expect(receiver.assumedBandwidthBps == 1_000_000)
        // JVB default: `assumed-bandwidth-limit` unset, so the estimate rules.
        #expect(receiver.bandwidthBudget(estimatedBps: 3_000_000) == 3_000_000)
        #expect(receiver.bandwidthBudget(estimatedBps: 3_000_000, assumedBandwidthLimitBps: 10_000_000) == 1_000_000)
        #expect(receiver.bandwidthBudget(estimatedBps: 3_000_000, assumedBandwidthLimitBps: 500_000) == 500_000)

        assume.assumedBandwidthBps = -1
        receiver.merge(assume)
        #expect(receiver.assumedBandwidthBps == nil)
        #expect(receiver.bandwidthBudget(estimatedBps: 3_000_000, assumedBandwidthLimitBps: 10_000_000) == 3_000_000)
    }

    @Test func bandwidthChangesBelowFifteenPercentAreIgnored() {
        #expect(VideoAllocator.isSignificantBandwidthChange(from: nil, to: 1_000_000))
        #expect(!VideoAllocator.isSignificantBandwidthChange(from: 1_000_000, to: 1_000_000))
        #expect(!VideoAllocator.isSignificantBandwidthChange(from: 1_000_000, to: 1_140_000))
        #expect(!VideoAllocator.isSignificantBandwidthChange(from: 1_000_000, to: 860_000))
        #expect(VideoAllocator.isSignificantBandwidthChange(from: 1_000_000, to: 1_200_000))
        #expect(VideoAllocator.isSignificantBandwidthChange(from: 1_000_000, to: 800_000))
        #expect(VideoAllocator.isSignificantBandwidthChange(from: 0, to: 1))
    }
}
