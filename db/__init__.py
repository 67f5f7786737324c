"""Data layer: models, migrations, sessions, indicator SQL, demo data. No Dash here."""
