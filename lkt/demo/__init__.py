"""The demo: fictional teams, leaders, night contacts and the national data set for benchmarks."""
