import RaidHubAPIGateway
import RaidHubLambda

extension FunctionError {
    /// The Runtime API error for an event this function cannot read.
    init(_ error: APIGatewayEventError) {
        switch error {
        case .tooLarge: self.init(.eventTooLarge, error.description)
        case .notJSON, .unknownShape: self.init(.invalidEvent, error.description)
        }
    }
}
