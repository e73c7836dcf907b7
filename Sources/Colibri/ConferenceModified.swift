public import XMLStream

/// The `<conference-modified xmlns="jitsi:colibri2">` answer (docs/colibri2.md §2.4).
public struct ConferenceModified: Sendable, Equatable {
    /// One entry per `<endpoint>` of the request, in request order.
    public var endpoints: [EndpointModified]
    /// The feedback sources (`MediaSourceDescription.feedbackSources`), required whenever the
    /// request created the conference or an endpoint (`ConferenceModify.needsFeedbackSources`).
    public var sources: [MediaSourceDescription]?

    /// Creates a response.
    public init(endpoints: [EndpointModified] = [], sources: [MediaSourceDescription]? = nil) {
        self.endpoints = endpoints
        self.sources = sources
    }

    /// The `<conference-modified>` element: endpoints, then `<sources>`.
    public func element() -> XMLElement {
        var modified = XMLElement("conference-modified", namespace: Colibri2Namespace.colibri2)
        modified.children = endpoints.map { $0.element() }
        if let sources {
            modified.children.append(XMLElement(
                "sources", namespace: Colibri2Namespace.colibri2, children: sources.map { $0.element() }
            ))
        }
        return modified
    }
}
