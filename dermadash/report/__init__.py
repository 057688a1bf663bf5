"""The progress report for a medical record: content, chart images, fonts, PDF and HTML."""
