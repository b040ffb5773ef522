/// The `code` of a RaidHub error envelope, with the HTTP status it is answered with.
public enum APIErrorCode: String, Sendable, Equatable, CaseIterable {
    case invalidClientSecret = "InvalidClientSecretError"
    case unauthorized = "UnauthorizedError"
    case invalidAuthorizationCode = "InvalidAuthorizationCodeError"
    case bungieThrottled = "BungieThrottledError"
    case bungieService = "BungieServiceError"
    case bodyValidation = "BodyValidationError"
    case payloadTooLarge = "PayloadTooLargeError"
    case methodNotAllowed = "MethodNotAllowedError"
    case internalServerError = "InternalServerError"

    /// The HTTP status this error is answered with.
    public var status: Int {
        switch self {
        case .invalidClientSecret: 403
        case .unauthorized: 401
        case .invalidAuthorizationCode: 403
        case .bungieThrottled: 503
        case .bungieService: 502
        case .bodyValidation: 400
        case .payloadTooLarge: 413
        case .methodNotAllowed: 405
        case .internalServerError: 500
        }
    }
}
