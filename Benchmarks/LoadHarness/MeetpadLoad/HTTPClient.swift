import CLoadSupport
import Foundation

/// A blocking HTTP/1.1 client for signaling only (Colibri2 and Janus): one connection per
/// request with `Connection: close`, body read to EOF, chunked bodies decoded. Loopback only.
struct HTTPClient {
    let host: UInt32
    let port: UInt16
    var timeoutMilliseconds: Int32 = 40_000

    struct Response {
        var status: Int
        var body: String
    }

    func post(_ path: String, body: String, contentType: String) throws(LoadError) -> Response {
        try request("POST", path, body: body, contentType: contentType)
    }

    func get(_ path: String) throws(LoadError) -> Response {
        try request("GET", path, body: nil, contentType: nil)
    }

    private func request(_ method: String, _ path: String, body: String?, contentType: String?) throws(LoadError) -> Response {
        let fd = load_tcp_connect(host, port, timeoutMilliseconds)
        guard fd >= 0 else { throw .signaling("connect to port \(port): errno \(-fd) (is the SFU running?)") }
        defer { load_close(fd) }
        let bodyBytes = Array((body ?? "").utf8)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        head += "Content-Length: \(bodyBytes.count)\r\n\r\n"
        let request = Array(head.utf8) + bodyBytes
        var written = 0
        while written < request.count {
            let n = request.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            guard n > 0 else { throw .signaling("write to port \(port) failed") }
            written += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            response += buffer[0..<n]
        }
        guard let split = Self.find([13, 10, 13, 10], in: response) else { throw .signaling("no HTTP response from port \(port)") }
        let header = String(decoding: response[0..<split], as: UTF8.self)
        var payload = Array(response[(split + 4)...])
        let statusLine = header.split(separator: "\r\n").first ?? ""
        let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        if header.lowercased().contains("transfer-encoding: chunked") { payload = Self.dechunk(payload) }
        return Response(status: status, body: String(decoding: payload, as: UTF8.self))
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }

    private static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = find([13, 10], in: Array(bytes[index...])) else { break }
            let sizeText = String(decoding: bytes[index..<(index + lineEnd)], as: UTF8.self).split(separator: ";").first ?? "0"
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
            let start = index + lineEnd + 2
            guard start + size <= bytes.count else { out += bytes[start...]; break }
            out += bytes[start..<(start + size)]
            index = start + size + 2
        }
        return out
    }
}
