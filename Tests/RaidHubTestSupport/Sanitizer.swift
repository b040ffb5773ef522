import Foundation

/// Whether this test process runs under ThreadSanitizer or AddressSanitizer (`swift test
/// --sanitize=thread|address`, as CI runs the suites): there, time and memory are the
/// sanitizer's (several times slower, shadow memory for every byte), so tests that bound a
/// ratio of times or a growth of memory are skipped, with this reason; everything else runs.
public enum Sanitizer {
    /// True when a sanitizer's runtime is linked into the process.
    public static let isActive: Bool = {
        guard let process = dlopen(nil, RTLD_NOW) else { return false }
        let names: [String] = ["__tsan_init", "__asan_init"]
        return names.contains { dlsym(process, $0) != nil }
    }()

    /// Why a time or memory bound is not checked under a sanitizer.
    public static let skipReason = "a bound on time or memory: under a sanitizer both are the sanitizer's"
}
