"""What operators run besides the server: import, demo data, migrations."""
