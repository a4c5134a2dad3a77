"""What the office sends out: the monthly report and the responsibility matrix, and their page."""
