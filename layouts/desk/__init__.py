"""Desktop pages for team leads, officers and meetings (/team, /officer, /analysis, /cases, /case)."""
