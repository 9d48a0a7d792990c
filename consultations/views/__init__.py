"""The counselors' screens. Every view: fetch through the access door → form → act → redirect."""
