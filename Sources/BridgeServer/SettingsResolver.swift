/// Picks each setting as flag, else environment variable(s), else default, and remembers which
/// one won so `--print-config` can say where every value came from.
struct SettingsResolver {
    let environment: EnvironmentReader
    private(set) var sources: [String: String] = [:]

    init(_ environment: EnvironmentReader) { self.environment = environment }

    /// `read` is tried on each variable in order (fallbacks after the main name); a variable is
    /// only read, and validated, when no flag overrides it.
    mutating func pick<Value>(
        _ key: String,
        flag: Value?,
        _ flagName: String,
        env names: [String] = [],
        read: (EnvironmentReader, String) throws(ConfigurationError) -> Value?,
        default fallback: Value
    ) throws(ConfigurationError) -> Value {
        if let flag {
            sources[key] = "flag \(flagName)"
            return flag
        }
        for name in names {
            if let value = try read(environment, name) {
                sources[key] = "env \(name)"
                return value
            }
        }
        sources[key] = "default"
        return fallback
    }

    mutating func string(_ key: String, flag: String?, _ flagName: String, env names: [String] = [], default fallback: String)
        throws(ConfigurationError) -> String
    {
        try pick(key, flag: flag, flagName, env: names, read: { env, name in env.string(name) }, default: fallback)
    }

    mutating func integer(_ key: String, flag: Int?, _ flagName: String, env names: [String] = [], default fallback: Int)
        throws(ConfigurationError) -> Int
    {
        try pick(key, flag: flag, flagName, env: names, read: { env, name throws(ConfigurationError) in try env.integer(name) }, default: fallback)
    }

    mutating func boolean(_ key: String, flag: Bool?, _ flagName: String, env names: [String] = [], default fallback: Bool)
        throws(ConfigurationError) -> Bool
    {
        try pick(key, flag: flag, flagName, env: names, read: { env, name throws(ConfigurationError) in try env.boolean(name) }, default: fallback)
    }

    /// Records a source for a key whose value was derived rather than picked.
    mutating func note(_ key: String, _ source: String) { sources[key] = source }
}
