"""The page in headless Chromium, against the gateway supervising the real kernel.

The guest is started by the same harness as the gateway's end-to-end tests; the browser
part is web/test/page.e2e.mjs (node's test runner driving Debian's chromium through
playwright-core). Screenshots go to BUILD/web-screenshots.
"""
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "test", "httpd"))
from test_e2e import KERNEL, Guest  # noqa: E402

NODE = os.environ.get("TRACEGATE_NODE", "node")
WEB_ROOT = os.environ.get("TRACEGATE_WEB_ROOT", "")
BUILD_DIR = os.environ.get("TRACEGATE_BUILD_DIR", os.getcwd())
CHROMIUM = os.environ.get("TRACEGATE_CHROMIUM", "/usr/bin/chromium")
SCRIPT = os.path.join(ROOT, "web", "test", "page.e2e.mjs")


@unittest.skipUnless(KERNEL and os.path.exists(KERNEL), "no kernel built")
class Page(unittest.TestCase):
    def test_page_in_chromium(self):
        self.assertTrue(os.path.exists(CHROMIUM),
                        CHROMIUM + " is missing: scripts/setup installs Debian's chromium")
        self.assertTrue(os.path.exists(os.path.join(WEB_ROOT, "index.html")),
                        "the page is not built in " + WEB_ROOT)
        guest = Guest(extra_args=["--web-root", WEB_ROOT])
        try:
            env = dict(os.environ, TRACEGATE_URL=guest.base, TRACEGATE_CHROMIUM=CHROMIUM,
                       TRACEGATE_SCREENSHOTS=os.path.join(BUILD_DIR, "web-screenshots"))
            result = subprocess.run(
                [NODE, "--test", "--test-reporter=spec", "--test-concurrency=1", SCRIPT],
                cwd=os.path.join(ROOT, "web"), env=env, timeout=900)
            self.assertEqual(result.returncode, 0,
                             "the page's checks failed (see above); gateway log: "
                             + guest.log_path)
        finally:
            guest.stop()


if __name__ == "__main__":
    unittest.main()
