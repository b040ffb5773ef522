/// How a function process was asked to run.
enum FunctionMode: Equatable {
    /// Print the help.
    case help
    /// Serve the Runtime API loop at `host:port`.
    case runtimeAPI(String)
    /// Answer one event from a file, or from stdin when the path is nil.
    case singleEvent(path: String?)

    struct UsageError: Error, Equatable {
        let message: String
    }

    /// `--help`, `--event FILE`, `--event -`, or nothing (then the environment decides).
    static func parse(arguments: [String], environment: [String: String]) -> Result<FunctionMode, UsageError> {
        guard let first = arguments.first else {
            if let hostAndPort = environment[RuntimeAPI.environmentVariable], !hostAndPort.isEmpty {
                return .success(.runtimeAPI(hostAndPort))
            }
            return .success(.singleEvent(path: nil))
        }
        // Lambda's image entrypoint runs `bootstrap HANDLER` (the image's CMD): a lone word
        // under the Runtime API is that handler name, not a usage error.
        if arguments.count == 1, !first.hasPrefix("-"),
           let hostAndPort = environment[RuntimeAPI.environmentVariable], !hostAndPort.isEmpty {
            return .success(.runtimeAPI(hostAndPort))
        }
        switch (first, arguments.count) {
        case ("--help", 1), ("-h", 1):
            return .success(.help)
        case ("--event", 2):
            return .success(.singleEvent(path: arguments[1] == "-" ? nil : arguments[1]))
        case ("--event", 1):
            return .failure(UsageError(message: "--event needs a file path (or '-' for standard input)"))
        default:
            return .failure(UsageError(message: "unknown or extra argument '\(arguments.count > 2 ? arguments[2] : first)'"))
        }
    }
}
