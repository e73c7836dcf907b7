import FoundationEssentials

/// JSON objects through FoundationEssentials' `JSONDecoder`/`JSONEncoder` (control plane only: a
/// few messages per second per endpoint). Not Foundation's `JSONSerialization`: that one would
/// load all of Foundation and its ICU, about 8 MB of the idle bridge's resident memory.
enum JSONObject {
    /// Parses `bytes` as one JSON object of at most `limit` bytes.
    static func parse(_ bytes: [UInt8], limit: Int) throws(BridgeChannelError) -> [String: JSONValue] {
        guard bytes.count <= limit else { throw .tooLarge }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw .invalidJSON
        }
        guard let object = value.object else { throw .notAnObject }
        return object
    }

    /// Serialises an object as compact JSON text with sorted keys (so equal objects give equal text).
    static func serialize(_ object: [String: JSONValue]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Values come from `parse` or are built by the bridge, so nothing is a non-finite number
        // and encoding cannot fail; fall back to an empty object rather than trap.
        guard let data = try? encoder.encode(object) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// An integral JSON number as Int (`720.0` too), or nil for fractions and non-numbers.
    static func integer(_ value: JSONValue?) -> Int? {
        switch value {
        case .integer(let integer) where abs(integer) < 9_000_000_000_000_000: integer
        case .number(let number) where number.rounded() == number && abs(number) < 9.0e15: Int(number)
        default: nil
        }
    }

    /// A JSON number as Double, or nil.
    static func double(_ value: JSONValue?) -> Double? {
        switch value {
        case .integer(let integer): Double(integer)
        case .number(let number): number
        default: nil
        }
    }

    /// A JSON array of strings, or nil (non-string members are skipped).
    static func strings(_ value: JSONValue?) -> [String]? {
        guard case .array(let members) = value else { return nil }
        return members.compactMap(\.string)
    }
}
