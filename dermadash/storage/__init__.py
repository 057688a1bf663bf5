"""Where records live: the database, its tables and migrations, reading and writing records."""
