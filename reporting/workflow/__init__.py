"""The monthly workflow: entering figures, their validation, submitting, reviewing, forwarding."""
