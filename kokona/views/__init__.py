"""kokona's own views: accounts, the pages every role shares, and the one import pipeline."""
