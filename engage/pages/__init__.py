"""Pages every visitor can read: home, privacy notice, accessibility statement."""
