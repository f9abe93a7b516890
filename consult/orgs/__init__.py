"""Organisations: profiles, members and roles, member invitations, verification by platform admins."""
