# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo.tests import HttpCase, tagged

from .common import TourClockMixin


@tagged("post_install", "-at_install")
class TestTourClock(TourClockMixin, HttpCase):
    """The browser of a TourClockMixin test reads the server's clock in the bank's time zone: on
    a New Year's Eve at 17:30 UTC, already 1 January in Shanghai, whatever the real date."""

    reference_now = datetime.datetime(2024, 12, 31, 17, 30)

    def test_server_and_browser_read_the_reference_clock(self):
        self.assertEqual(str(self.today), "2025-01-01")  # the bank's day, not the UTC day
        self.assertEqual(datetime.datetime.now().date(), datetime.date(2024, 12, 31))
        # Beyond the check run before any test code: Date runs (timers fire), a Date with arguments
        # is the browser's own, and a new document (a frame) gets the same clock.
        self.browser_js("/web/login", """(async () => {
            const fail = (what) => { throw new Error(what); };
            const late = Date.now() - Date.UTC(2024, 11, 31, 17, 30);
            if (late < 0 || late > 300000) fail(`Date.now() is ${late} ms after the reference`);
            const t0 = Date.now();
            await new Promise((resolve) => setTimeout(resolve, 300));
            if (Date.now() - t0 < 250) fail("the browser's clock does not run");
            if (new Date().getTimezoneOffset() !== -480) fail("not Shanghai's offset");
            if (!(new Date() instanceof Date) || !(new Date(0) instanceof Date)) fail("instanceof Date");
            if (new Date(2020, 1, 29).toDateString() !== "Sat Feb 29 2020") fail("a Date with arguments");
            if (!Date().includes("Jan 01 2025")) fail(`Date() reads ${Date()}`);
            const frame = document.createElement("iframe");
            frame.src = "/web/login";
            const loaded = new Promise((resolve) => frame.addEventListener("load", resolve));
            document.body.append(frame);
            await loaded;
            const inFrame = new frame.contentWindow.Date();
            if (inFrame.toDateString() !== "Wed Jan 01 2025") fail(`the frame reads ${inFrame}`);
            console.log("test successful");
        })()""")
