"""The database's data: seeds (`db seed`)."""
