"""The GraphQL API at /graphql/: schema.py assembles the types, queries and mutations of items.py
and users.py; errors.py and permissions.py hold the rules every field shares.
"""
