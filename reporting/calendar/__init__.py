"""Deadlines, the work calendar and reminders of the monthly cycle."""
