import Bridge
import Colibri
import Hummingbird
import NIOCore
import XMLStream

extension HTTPRoutes {
    /// `POST /colibri/v2/conference-modify`: the Colibri2 IQ child as an XML body, answered with
    /// `<conference-modified>` (200) or the engine's `<error>` and status.
    func conferenceModify(_ request: Request) async -> Response {
        if let type = request.headers[.contentType], !Self.isXML(type) {
            metrics.recordRejection(.unsupportedMediaType)
            return errorResponse(.unsupportedMediaType, "expected application/xml")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.colibriBodyLimit)
        } catch {
            // NIOTooManyBytesError is the only expected failure; a dropped connection ends the same way.
            metrics.recordRejection(.tooLarge)
            return errorResponse(.contentTooLarge, "body larger than \(Self.colibriBodyLimit) bytes")
        }
        let element: XMLElement
        do {
            element = try XMLDocument.parse(Array(buffer: body))
        } catch {
            metrics.recordRejection(.malformedXML)
            return errorResponse(.badRequest, "malformed XML")
        }
        switch await loop.conferenceModify(element) {
        case .success(let reply):
            return Self.response(.ok, contentType: "application/xml", body: reply.xmlString())
        case .failure(let error, let status):
            return Self.response(.init(code: status), contentType: "application/xml", body: error.xmlString())
        }
    }

    private func errorResponse(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Self.response(status, contentType: "application/xml", body: Colibri2Error.badRequest(text).element().xmlString())
    }

    /// application/xml, text/xml or any `+xml` type, parameters ignored.
    static func isXML(_ contentType: String) -> Bool {
        // Media types contain no spaces, so dropping whitespace around the type is enough.
        let type = String(contentType.lowercased().prefix { $0 != ";" }.filter { !$0.isWhitespace })
        return type == "application/xml" || type == "text/xml" || type.hasSuffix("+xml")
    }
}
