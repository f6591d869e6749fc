/// The least severity that makes the run exit 1 (inclusive); `none` never fails.
public enum FailLevel: String, Sendable, CaseIterable {
    case error, warning, info, none

    public var threshold: Severity? {
        switch self {
        case .error: .error
        case .warning: .warning
        case .info: .info
        case .none: nil
        }
    }
}
