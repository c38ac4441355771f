"""The organisation: units (effective-dated, with successors), their duties, officers, chat identities,
invites, seeding."""
