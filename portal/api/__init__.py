"""The JSON API: the same contract as the command line and the forms."""
