"""The site manager's pages (phone first), and the two a counselor uses: the sites, to tell a
woman where to find products, and recording a hand-out."""

from kokona.roles import Role

# Site managers and supervisors manage everything here.
MANAGERS = (Role.SITE_MANAGER, Role.SUPERVISOR)
# Counselors also read the sites and record a hand-out.
READERS = (*MANAGERS, Role.COUNSELOR)
