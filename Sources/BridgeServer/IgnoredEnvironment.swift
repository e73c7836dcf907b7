/// Variables the upstream jvb container reads that configure Java, Sentry, the autoscaler,
/// address validation, relays or colibri-ws: this bridge has none of those, but a drop-in `.env`
/// sets them, so they are accepted and logged as ignored rather than refused.
enum IgnoredEnvironment {
    static let names: [String] = [
        "VIDEOBRIDGE_MAX_MEMORY", "JVB_USE_USRSCTP", "JVB_CC_TRUST_BWE", "ENABLE_VLA", "BWE_ESTIMATOR_ENGINE",
        "SENTRY_DSN", "SENTRY_ENVIRONMENT", "SENTRY_RELEASE", "JVB_SENTRY_DSN",
        "DISABLE_AWS_HARVESTER", "JVB_INSTANCE_ID", "JVB_LOG_FILE",
        "ENABLE_OCTO", "JVB_OCTO_BIND_ADDRESS", "JVB_OCTO_RELAY_ID",
        "JVB_REQUIRE_VALID_ADDRESS",
        "ENABLE_COLIBRI_WEBSOCKET", "JVB_WS_DOMAIN", "JVB_WS_TLS", "JVB_WS_SERVER_ID", "PUBLIC_URL",
        "JVB_TCP_HARVESTER_DISABLED", "JVB_TCP_PORT", "JVB_ENABLE_APIS", "TZ",
    ]
    /// Prefixes of ignored families (the jitsi-autoscaler sidecar's settings).
    static let prefixes = ["AUTOSCALER_"]

    /// The ignored variables set in `environment`, sorted.
    static func present(in environment: EnvironmentReader) -> [String] {
        let named = names.filter { environment.string($0) != nil }
        let prefixed = environment.values.keys.filter { key in
            prefixes.contains { key.hasPrefix($0) } && environment.string(key) != nil
        }
        return (named + prefixed).sorted()
    }
}
