import RaidHubAuth
import RaidHubJSON

/// The body of `POST /authorize/bungie`: the authorization code Bungie.net's OAuth flow returned.
struct BungieSignInRequest {
    static let maximumCodeLength = 512

    let code: String

    init(_ object: JSONObject) throws(APIError) {
        let path: [JSONPathComponent] = [.key("code")]
        guard let value = object["code"] else {
            throw .validation([ValidationIssue(path: path, code: .invalidType, message: "Required")])
        }
        guard case .string(let code) = value else {
            throw .validation([ValidationIssue(path: path, code: .invalidType, message: "Expected string, received \(value.typeName)")])
        }
        guard !code.isEmpty else {
            throw .validation([ValidationIssue(path: path, code: .tooSmall, message: "String must contain at least 1 character(s)")])
        }
        guard code.utf8.count <= Self.maximumCodeLength else {
            throw .validation([ValidationIssue(path: path, code: .tooBig, message: "String must contain at most \(Self.maximumCodeLength) character(s)")])
        }
        guard code.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .validation([ValidationIssue(path: path, code: .invalidString, message: "Expected visible ASCII characters only")])
        }
        self.code = code
    }
}
