"""What every REST API of the project shares: errors, pagination, permissions, throttles, schema."""
