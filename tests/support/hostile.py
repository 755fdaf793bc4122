"""The hostile test server lives in tests/hostile_server.py; this name stays for older imports."""

from tests.hostile_server import HOSTS, HostileServer, article_html, pdf_bytes

__all__ = ["HOSTS", "HostileServer", "article_html", "pdf_bytes"]
