/// What a reply to an IQ request needs: the id to echo and the addresses to swap
/// (docs/colibri2.md §1.3, JVB's `setResponseTo`).
public struct IQRequest: Sendable, Equatable {
    /// The request's `id`, echoed in the reply.
    public var id: String
    /// The request's `from`, which becomes the reply's `to`.
    public var from: String?
    /// The request's `to`, which becomes the reply's `from`.
    public var to: String?

    /// Creates a request address.
    public init(id: String, from: String?, to: String?) {
        self.id = id
        self.from = from
        self.to = to
    }
}
