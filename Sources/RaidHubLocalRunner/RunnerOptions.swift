/// `local-runner`'s command line, read as SAM CLI reads `sam local invoke`, `start-api` and
/// `start-lambda`: SAM's flags with SAM's meaning, short and long forms, `--flag=value`. Flags
/// that only steer Docker are accepted and ignored with a notice, so a command line copied from
/// SAM's docs or a script still runs; docs/sam-flags.md lists every one.
struct RunnerOptions {
    enum Command: String, CaseIterable {
        case startAPI = "start-api"
        case invoke
        case startLambda = "start-lambda"
        case fakeBungie = "fake-bungie"
        case describe
    }

    /// `--warm-containers`: start every function's instance at boot (EAGER) or on first use (LAZY).
    enum WarmContainers: String {
        case eager = "EAGER"
        case lazy = "LAZY"
    }

    var command = Command.startAPI
    var host = "127.0.0.1"
    var port: UInt16?
    /// nil: template.yaml, else template.yml, in the working directory.
    var template: String?
    var envVars: String?
    var parameterOverrides: [String: String] = [:]
    var maximumInstances: Int?
    var function: String?
    var event: String?
    var noEvent = false
    var logFile: String?
    var debug = false
    var warmContainers = WarmContainers.lazy
    var debugPort: UInt16?
    var debugFunction: String?
    var debuggerPath: String?
    var debugArgs: [String] = []
    var region: String?
    var staticDirectory: String?
    var disableAuthorizer = false
    var watch = false
    var help = false
    /// One line per flag accepted but ignored, said at start.
    var notices: [String] = []

    /// What a flag does here.
    enum Kind {
        /// SAM's meaning (or ours, for the runner's own flags).
        case supported
        /// Only steers Docker, which the runner does not use: accepted, ignored, noticed.
        case dockerOnly
        /// Accepted and ignored, with the reason.
        case ignored(String)
        /// Refused: honouring it silently otherwise would mislead.
        case refused(String)
    }

    struct Flag {
        let names: [String]
        let takesValue: Bool
        let commands: Set<Command>
        let kind: Kind

        init(_ names: [String], value: Bool, _ commands: Set<Command> = RunnerOptions.samCommands, _ kind: Kind = .supported) {
            self.names = names
            self.takesValue = value
            self.commands = commands
            self.kind = kind
        }
    }

    /// SAM's three commands; `fake-bungie` is the runner's own and takes only --host and --port.
    static let samCommands: Set<Command> = [.invoke, .startAPI, .startLambda]
    static let servers: Set<Command> = [.startAPI, .startLambda]
    static let listeners: Set<Command> = [.startAPI, .startLambda, .fakeBungie]
    /// The commands that read the template: SAM's three and `describe`.
    static let readers: Set<Command> = samCommands.union([.describe])

    /// Every flag of SAM CLI's three commands, and the runner's own (`--max-instances`, `--watch`).
    static let flags: [Flag] = [
        Flag(["--help", "-h"], value: false, Set(Command.allCases)),
        Flag(["--template", "--template-file", "-t"], value: true, readers),
        Flag(["--env-vars", "-n"], value: true),
        Flag(["--parameter-overrides"], value: true, readers),
        Flag(["--log-file", "-l"], value: true),
        Flag(["--debug"], value: false),
        Flag(["--debug-port", "-d"], value: true),
        Flag(["--debugger-path"], value: true),
        Flag(["--debug-args"], value: true),
        Flag(["--region"], value: true, readers),
        Flag(["--host"], value: true, listeners),
        Flag(["--port", "-p"], value: true, listeners),
        Flag(["--warm-containers"], value: true, servers),
        Flag(["--debug-function"], value: true, servers),
        Flag(["--max-instances"], value: true, servers),
        Flag(["--watch"], value: false, servers),
        Flag(["--static-dir", "-s"], value: true, [.startAPI]),
        Flag(["--disable-authorizer"], value: false, [.startAPI]),
        Flag(["--event", "-e"], value: true, [.invoke]),
        Flag(["--no-event"], value: false, [.invoke]),
        Flag(["--container-env-vars"], value: true, samCommands, .dockerOnly),
        Flag(["--docker-volume-basedir", "-v"], value: true, samCommands, .dockerOnly),
        Flag(["--docker-network"], value: true, samCommands, .dockerOnly),
        Flag(["--container-host"], value: true, samCommands, .dockerOnly),
        Flag(["--container-host-interface"], value: true, samCommands, .dockerOnly),
        Flag(["--add-host"], value: true, samCommands, .dockerOnly),
        Flag(["--invoke-image"], value: true, samCommands, .dockerOnly),
        Flag(["--skip-pull-image"], value: false, samCommands, .dockerOnly),
        Flag(["--force-image-build"], value: false, samCommands, .dockerOnly),
        Flag(["--no-memory-limit"], value: false, samCommands, .dockerOnly),
        Flag(["--layer-cache-basedir"], value: true, samCommands, .dockerOnly),
        Flag(["--mount-symlinks", "--no-mount-symlinks"], value: false, samCommands, .dockerOnly),
        Flag(["--shutdown"], value: false, samCommands, .ignored("no extensions run locally, so there is no shutdown event to send")),
        Flag(["--profile"], value: true, samCommands, .ignored("the runner makes no AWS calls; the functions get no credentials")),
        Flag(["--config-file", "--config-env"], value: true, samCommands, .ignored("samconfig.toml is not read: give its values as flags")),
        Flag(["--save-params"], value: false, samCommands, .ignored("samconfig.toml is not written")),
        Flag(["--beta-features", "--no-beta-features"], value: false, samCommands, .ignored("there are no beta features")),
        Flag(["--skip-prepare-infra"], value: false, samCommands, .ignored("there is no hook to prepare")),
        Flag(["--hook-name"], value: true, samCommands, .refused("local-runner reads SAM templates only, not Terraform projects")),
        Flag(["--terraform-plan-file"], value: true, samCommands, .refused("local-runner reads SAM templates only, not Terraform plans")),
        Flag(["--ssl-cert-file", "--ssl-key-file"], value: true, [.startAPI], .refused("local-runner serves plain HTTP only; put a TLS proxy in front of it")),
    ]

    /// A usage error; exit status 2.
    struct UsageError: Error {
        let message: String
    }

    static func parse(_ arguments: [String]) throws(UsageError) -> RunnerOptions {
        var options = RunnerOptions()
        var rest = arguments[...]
        if let first = rest.first, !first.hasPrefix("-") {
            guard let command = Command(rawValue: first) else {
                let known = Command.allCases.map(\.rawValue)
                throw UsageError(message: "unknown command '\(first)'" + first.suggestion(among: known) + "; the commands are \(known.joined(separator: ", "))")
            }
            options.command = command
            rest = rest.dropFirst()
        }
        while let argument = rest.popFirst() {
            if options.command == .invoke, options.function == nil, !argument.hasPrefix("-") {
                options.function = argument
                continue
            }
            var name = argument
            var attached: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                attached = String(argument[argument.index(after: equals)...])
            } else if !argument.hasPrefix("--"), argument.hasPrefix("-"), argument.count > 2 {
                name = String(argument.prefix(2))  // "-p3000", as click reads it
                attached = String(argument.dropFirst(2))
            }
            let forCommand = flags.filter { $0.commands.contains(options.command) }
            guard let flag = forCommand.first(where: { $0.names.contains(name) }) else {
                if flags.contains(where: { $0.names.contains(name) }) {
                    throw UsageError(message: "\(name) is not an option of \(options.command.rawValue)")
                }
                throw UsageError(message: "unknown option '\(name)' for \(options.command.rawValue)" + name.suggestion(among: forCommand.flatMap(\.names)))
            }
            var value = ""
            if flag.takesValue {
                guard let given = attached ?? rest.popFirst() else { throw UsageError(message: "\(name) needs a value") }
                value = given
            } else if attached != nil {
                throw UsageError(message: "\(name) takes no value")
            }
            switch flag.kind {
            case .supported: try options.apply(flag.names[0], name: name, value: value)
            case .dockerOnly: options.notices.append("\(name) is ignored: it steers Docker, and local-runner runs no containers")
            case .ignored(let reason): options.notices.append("\(name) is ignored: \(reason)")
            case .refused(let reason): throw UsageError(message: "\(name) is not supported: \(reason)")
            }
        }
        if options.command == .invoke, options.function == nil, !options.help { throw UsageError(message: "invoke needs a FUNCTION") }
        if options.event != nil, options.noEvent { throw UsageError(message: "--event and --no-event cannot be used together") }
        return options
    }

    private mutating func apply(_ flag: String, name: String, value: String) throws(UsageError) {
        switch flag {
        case "--help": help = true
        case "--template": template = value
        case "--env-vars": envVars = value
        case "--parameter-overrides": parameterOverrides.merge(try Self.parameterOverrides(value)) { $1 }
        case "--log-file": logFile = value
        case "--debug": debug = true
        case "--debug-port":
            guard let number = UInt16(value), number > 0 else { throw UsageError(message: "\(name) must be a port number from 1 to 65535, not '\(value)'") }
            debugPort = number
        case "--debugger-path": debuggerPath = value
        case "--debug-args": debugArgs += value.split(separator: " ").map(String.init)
        case "--region": region = value
        case "--host": host = value
        case "--port":
            guard let number = UInt16(value) else { throw UsageError(message: "\(name) must be a number from 0 to 65535, not '\(value)'") }
            port = number
        case "--warm-containers":
            guard let mode = WarmContainers(rawValue: value.uppercased()) else { throw UsageError(message: "--warm-containers is EAGER or LAZY, not '\(value)'") }
            warmContainers = mode
        case "--debug-function": debugFunction = value
        case "--max-instances":
            guard let count = Int(value), count > 0 else { throw UsageError(message: "--max-instances must be a positive number") }
            maximumInstances = count
        case "--watch": watch = true
        case "--static-dir": staticDirectory = value
        case "--disable-authorizer": disableAuthorizer = true
        case "--event": event = value
        case "--no-event": noEvent = true
        default: break
        }
    }

    /// SAM's two forms, mixed freely and separated by spaces: `Key=Value` and
    /// `ParameterKey=Key,ParameterValue=Value`; a value may be quoted to hold spaces.
    static func parameterOverrides(_ text: String) throws(UsageError) -> [String: String] {
        var overrides: [String: String] = [:]
        for item in splitRespectingQuotes(text) {
            if item.hasPrefix("ParameterKey=") {
                let fields = item.dropFirst("ParameterKey=".count)
                guard let comma = fields.range(of: ",ParameterValue=") else {
                    throw UsageError(message: "--parameter-overrides: '\(item)' needs ',ParameterValue=' after its key")
                }
                overrides[String(fields[..<comma.lowerBound])] = unquoted(String(fields[comma.upperBound...]))
            } else if let equals = item.firstIndex(of: "="), equals != item.startIndex {
                overrides[String(item[..<equals])] = unquoted(String(item[item.index(after: equals)...]))
            } else {
                throw UsageError(message: "--parameter-overrides: '\(item)' is neither Key=Value nor ParameterKey=Key,ParameterValue=Value")
            }
        }
        return overrides
    }

    private static func splitRespectingQuotes(_ text: String) -> [String] {
        var items: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
                current.append(character)
            } else if character == "\"" || character == "'" {
                quote = character
                current.append(character)
            } else if character == " " {
                if !current.isEmpty { items.append(current); current = "" }
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { items.append(current) }
        return items
    }

    private static func unquoted(_ value: String) -> String {
        if value.count >= 2, let first = value.first, first == value.last, first == "\"" || first == "'" { return String(value.dropFirst().dropLast()) }
        return value
    }
}
