import Foundation
import RaidHubTestSupport
import Testing
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

    /// A call on a thread of its own; `answer` waits for it.
    package final class Call: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Result<Answer, Error>?

        /// Sends the request now, on a thread of its own.
        package init(_ url: String, method: String = "GET", body: Data? = nil) {
            Thread { [self] in
                let answer = Result { try RunnerHTTPClient.send(method, url, body: body) }
                lock.withLock { result = answer }
            }.start()
        }

        /// Whether the answer (or a failure) has come.
        package var isAnswered: Bool { lock.withLock { result != nil } }

        /// The answer, once it comes (the test fails if it does not).
        package func answer(sourceLocation: SourceLocation = #_sourceLocation) throws -> Answer {
            #expect(Eventually.holds { isAnswered }, "no answer", sourceLocation: sourceLocation)
            guard let result = lock.withLock({ result }) else { throw URLError(.timedOut) }
            return try result.get()
        }
    }
}
