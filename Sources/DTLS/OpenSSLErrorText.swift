import COpenSSL

/// Drains OpenSSL's thread-local error queue into one line for ``DTLSError/openSSL(_:)``.
///
/// Only used on setup paths; per-datagram paths clear the queue instead of formatting it.
func openSSLErrorText(_ context: String) -> String {
    var text = context
    while case let code = ERR_get_error(), code != 0 {
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let end = buffer.firstIndex(of: 0) ?? buffer.count
        text += ": " + String(decoding: buffer[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
    return text
}
