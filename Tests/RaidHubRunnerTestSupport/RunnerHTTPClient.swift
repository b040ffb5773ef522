import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends one request to a local server and waits for the answer (tests only).
package enum RunnerHTTPClient {
    package struct Answer {
        package let status: Int
        package let headers: [String: String]
        package let body: String
    }

    package static func send(_ method: String, _ url: String, headers: [String: String] = [:], body: Data? = nil) throws -> Answer {
        var request = URLRequest(url: URL(string: url)!, timeoutInterval: 120)
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        final class Box: @unchecked Sendable { var answer: Answer?; var error: Error? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            if let response = response as? HTTPURLResponse {
                var headers: [String: String] = [:]
                for (key, value) in response.allHeaderFields { headers[String(describing: key).lowercased()] = String(describing: value) }
                box.answer = Answer(status: response.statusCode, headers: headers, body: String(decoding: data ?? Data(), as: UTF8.self))
            }
            box.error = error
            done.signal()
        }.resume()
        done.wait()
        if let answer = box.answer { return answer }
        throw box.error ?? URLError(.badServerResponse)
    }
}
