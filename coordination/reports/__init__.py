"""Leaders' reports: indicators, status reports, their PDFs and CSVs, and report jobs."""
