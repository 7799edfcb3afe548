"""The current user and JSON Web Tokens: obtain, refresh (rotating) and log out (blacklist)."""
