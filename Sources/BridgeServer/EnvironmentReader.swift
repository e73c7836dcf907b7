/// Typed reads of environment variables, treating blank values as unset.
struct EnvironmentReader {
    let values: [String: String]

    init(_ values: [String: String]) { self.values = values }

    func string(_ name: String) -> String? {
        guard let value = values[name]?.filter({ !$0.isWhitespace }), !value.isEmpty else { return nil }
        return value
    }

    /// A value kept exactly as given (passwords may contain spaces); empty counts as unset.
    func secret(_ name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }

    func integer(_ name: String) throws(ConfigurationError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text) else { throw ConfigurationError("\(name)='\(text)' is not a number") }
        return value
    }

    /// true/false, 1/0, yes/no, on/off, any case (docker-jitsi-meet uses both `1` and `true`).
    func boolean(_ name: String) throws(ConfigurationError) -> Bool? {
        guard let text = string(name)?.lowercased() else { return nil }
        switch text {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw ConfigurationError("\(name)='\(text)' is not a boolean")
        }
    }
}
