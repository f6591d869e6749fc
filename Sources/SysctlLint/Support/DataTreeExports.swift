// `DataFileProblem` and `Suggest` are part of this library's interface (rule loading reports the former; the
// command line uses the latter for "did you mean"); they live in DataTree so the build-time compiler shares them.
@_exported import DataTree
