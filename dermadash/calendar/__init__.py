"""A person's calendar feed: reminders of safe session dates, check-ins and ratings.

``links`` makes and checks the feed's capability addresses, ``reminders`` decides what
to remind of (from the rule engine), ``feed`` writes them as RFC 5545 iCalendar, and
``endpoint`` serves ``GET /calendar/<token>.ics``.
"""
