import Foundation

/// JSON objects through Foundation's JSONSerialization (control plane only: a few messages
/// per second per endpoint).
enum JSONObject {
    /// Parses `bytes` as one JSON object of at most `limit` bytes.
    static func parse(_ bytes: [UInt8], limit: Int) throws(BridgeChannelError) -> [String: Any] {
        guard bytes.count <= limit else { throw .tooLarge }
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw .invalidJSON
        }
        guard let object = value as? [String: Any] else { throw .notAnObject }
        return object
    }

    /// Serialises an object that came from `parse` (or holds only strings, numbers, booleans,
    /// arrays and objects) as compact JSON text.
    static func serialize(_ object: [String: Any]) -> String {
        // Only values JSONSerialization produced or plain strings are ever passed here, so this
        // cannot fail; fall back to an empty object rather than trap.
        guard JSONSerialization.isValidJSONObject(object),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// An integral JSON number as Int, or nil for fractions and non-numbers. (Foundation on
    /// Linux cannot tell `true` from 1 through bridging, so a boolean reads as 0 or 1.)
    static func integer(_ value: Any?) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double.rounded() == double, abs(double) < 9.0e15 else { return nil }
        return Int(double)
    }

    /// A JSON number as Double, or nil.
    static func double(_ value: Any?) -> Double? {
        (value as? NSNumber)?.doubleValue
    }

    /// A JSON array of strings, or nil (non-string members are skipped).
    static func strings(_ value: Any?) -> [String]? {
        (value as? [Any]).map { $0.compactMap { $0 as? String } }
    }
}
