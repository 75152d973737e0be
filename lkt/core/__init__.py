"""The shared ground every app stands on: http answers, form helpers, audit log, PDF, CSV,
middleware, dates, phone numbers, API parsers and throttles. It imports no app."""
