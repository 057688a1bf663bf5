"""Share links for a dermatologist: the capability links, what a link shows, its words."""
