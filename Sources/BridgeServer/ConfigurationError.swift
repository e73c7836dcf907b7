/// A setting that could not be used; the message names the flag or variable.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    /// What was wrong.
    public var description: String

    /// Creates an error with a message.
    public init(_ description: String) { self.description = description }
}
