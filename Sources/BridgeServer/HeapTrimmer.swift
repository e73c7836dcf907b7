import Bridge
import CMediaSocket

/// Gives memory back to the kernel after endpoints or their packet caches went away.
///
/// An endpoint's packet caches are most of its memory (about a second of each forwarded
/// encoding: some 290 KB for a 1.8 Mbit/s 720p layer). Freed, they stay in glibc's heap unless
/// trimmed, so a bridge that once served a large conference would keep that RSS for good;
/// operators read RSS as "leak". Trimming walks every arena, so it runs
/// only when the published statistics show memory was released, at most once per publish.
struct HeapTrimmer {
    private var previousCacheBytes = 0
    private var previousEndpoints = 0

    /// Trims if `statistics` show fewer endpoints or cache bytes than the previous call.
    mutating func afterPublishing(_ statistics: BridgeStatistics) {
        let released = statistics.packetCacheBytes < previousCacheBytes || statistics.endpoints < previousEndpoints
        previousCacheBytes = statistics.packetCacheBytes
        previousEndpoints = statistics.endpoints
        if released { _ = ms_trim_heap() }
    }
}
