"""A demo desk (``claimdesk demo``): people, an article with claims, sources archived for real.

Nothing here is needed to run claimdesk; it exists so a newcomer sees a working desk in one
command. The sources are served by a small HTTP server on the loopback interface while the
command archives them (``server``), so the archives are genuine WARCs of pages fetched over
HTTP, made without reaching the internet.
"""
