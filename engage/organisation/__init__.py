"""The trust's structure: directorates, units (wards, departments, teams) and staff groups."""
