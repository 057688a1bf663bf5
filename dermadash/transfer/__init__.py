"""Data in and out: spreadsheets read and written, the backup format and restore, FHIR."""
