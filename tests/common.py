# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime
import json
import time
from contextlib import contextmanager
from unittest.mock import patch

import pytz
from freezegun import api as freezegun_api
from freezegun import freeze_time

from odoo.tests import TransactionCase, new_test_user
from odoo.tests import common as odoo_test_common

PREFIX = "bank_relationship_manager."
GROUP_RM = PREFIX + "group_bank_rm"
GROUP_UNIT_HEAD = PREFIX + "group_bank_unit_head"
GROUP_SUPERVISOR = PREFIX + "group_bank_supervisor"
GROUP_OFFICE = PREFIX + "group_bank_office"
GROUP_HR = PREFIX + "group_bank_hr"
GROUP_ADMIN = PREFIX + "group_bank_admin"

# Modules whose Chinese terms the browser tours show.
TOUR_MODULES = ("base", "web", "mail", "contacts", "bank_relationship_manager")


class frozen_clock:  # noqa: N801 (used like freezegun's freeze_time)
    """Freeze Python's clock (freezegun) and the cursor's ``now()`` at ``now``, a naive UTC datetime:
    the code reads one or the other. A context manager, or a patcher for ``startClassPatcher``
    (as ``mock_datetime_and_now`` of Odoo's event tests does per block). With ``tick``, Python's
    clock starts at ``now`` and runs (freezegun's ``tick``); the cursor's ``now()``, a
    transaction's time, stays at ``now``."""

    def __init__(self, cr, now, tick=False):
        self.patchers = [freeze_time(now, tick=tick), patch.object(cr, "now", lambda: now)]

    def start(self):
        for patcher in self.patchers:
            patcher.start()

    def stop(self):
        for patcher in reversed(self.patchers):
            patcher.stop()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


def load_chinese(env, modules=TOUR_MODULES):
    """Activate Simplified Chinese with the terms of ``modules``: bank staff work in it."""
    env["res.lang"]._activate_lang("zh_CN")
    env["ir.module.module"]._load_module_terms(list(modules), ["zh_CN"])


# Valid 18-character PRC ID numbers (GB 11643 check digits verified by hand).
ID_A = "11010519491231002X"
ID_B = "110105199001011232"


def run_queued_evaluation(test):
    """What an approved change of rules leaves to the evaluation's cron: checked started
    (``res.partner._bank_queue_evaluation``), then run as its worker runs it, the commits of its
    batches standing as flushes."""
    env = test.env
    cron = env.ref("bank_relationship_manager.ir_cron_bank_evaluate")
    test.assertTrue(env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), "the cron is started")

    def commit(cron, processed=0, remaining=None, deactivate=False):
        env.flush_all()
        return float("inf")

    with patch.object(type(env["ir.cron"]), "_commit_progress", commit):
        env["res.partner"]._cron_bank_evaluate()


class BankCase(TransactionCase):
    """A small bank: a branch with one sub-branch, two outlets and a wealth centre, one
    user per role, three RMs and a customer for each, built once for the test class.

    Tests act as the users (``with_user``) so that access rights and record rules apply.

    A class that needs a date sets ``reference_now`` (a naive UTC datetime): the clock is then
    frozen there for the whole class, fixtures included, and its tests derive every date from
    ``cls.today`` (the bank's date at ``reference_now``), never from the real date.
    """

    reference_now = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.reference_now:
            cls.startClassPatcher(frozen_clock(cls.cr, cls.reference_now))
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.today = cls.env.company._bank_today()
        ref = cls.env.ref
        cls.grade_senior = ref(PREFIX + "rm_grade_senior")
        cls.grade_intermediate = ref(PREFIX + "rm_grade_intermediate")
        cls.grade_rm = ref(PREFIX + "rm_grade_rm")
        cls.grade_assistant = ref(PREFIX + "rm_grade_assistant")
        cls.grade_lobby = ref(PREFIX + "rm_grade_lobby")

        def user(login, groups):
            return new_test_user(cls.env, login=login, groups=groups, name=login)

        cls.user_rm_a = user("t_rm_a", GROUP_RM)
        cls.user_rm_b = user("t_rm_b", GROUP_RM)
        cls.user_rm_c = user("t_rm_c", GROUP_RM)
        cls.user_head_1 = user("t_head_1", GROUP_UNIT_HEAD)
        cls.user_head_2 = user("t_head_2", GROUP_UNIT_HEAD)
        cls.user_supervisor = user("t_supervisor", GROUP_SUPERVISOR)
        cls.user_center_head = user("t_center_head", GROUP_SUPERVISOR)
        cls.user_office = user("t_office", GROUP_OFFICE)
        cls.user_hr = user("t_hr", GROUP_HR)
        cls.user_admin = user("t_bank_admin", GROUP_ADMIN)
        cls.user_plain = user("t_plain", "base.group_user,base.group_partner_manager")

        Unit = cls.env["bank.org.unit"]
        cls.branch = Unit.create({"name": "T Branch", "code": "TB", "level": "branch", "has_wealth_room": True})
        cls.sub_branch = Unit.create(
            {
                "name": "T Sub-branch",
                "code": "TB-S",
                "level": "sub_branch",
                "parent_id": cls.branch.id,
                "has_wealth_room": True,
                "supervisor_user_id": cls.user_supervisor.id,
            }
        )
        cls.outlet_1 = Unit.create(
            {
                "name": "T Outlet 1",
                "code": "TB-S-1",
                "level": "outlet",
                "parent_id": cls.sub_branch.id,
                "has_wealth_room": True,
                "head_user_id": cls.user_head_1.id,
            }
        )
        cls.outlet_2 = Unit.create(
            {
                "name": "T Outlet 2",
                "code": "TB-S-2",
                "level": "outlet",
                "parent_id": cls.sub_branch.id,
                "has_wealth_room": False,
                "head_user_id": cls.user_head_2.id,
            }
        )
        cls.center = Unit.create(
            {
                "name": "T Wealth Centre",
                "code": "TB-WC",
                "level": "center",
                "parent_id": cls.branch.id,
                "has_wealth_room": True,
                "center_head_user_id": cls.user_center_head.id,
            }
        )

        Rm = cls.env["bank.rm"]
        cls.rm_a = Rm.create({"user_id": cls.user_rm_a.id, "grade_id": cls.grade_rm.id, "unit_id": cls.outlet_1.id})
        cls.rm_b = Rm.create(
            {"user_id": cls.user_rm_b.id, "grade_id": cls.grade_lobby.id, "unit_id": cls.outlet_2.id}
        )
        cls.rm_c = Rm.create(
            {"user_id": cls.user_rm_c.id, "grade_id": cls.grade_senior.id, "unit_id": cls.center.id}
        )

        Partner = cls.env["res.partner"]
        cls.customer_a = Partner.create(
            {
                "name": "Customer A",
                "is_bank_customer": True,
                "bank_id_number": ID_A,
                "bank_rm_id": cls.rm_a.id,
                "bank_backup_rm_id": cls.rm_b.id,
            }
        )
        cls.customer_b = Partner.create(
            {"name": "Customer B", "is_bank_customer": True, "bank_id_number": ID_B, "bank_rm_id": cls.rm_b.id}
        )
        cls.customer_c = Partner.create({"name": "Customer C", "is_bank_customer": True, "bank_rm_id": cls.rm_c.id})
        cls.contact = Partner.create({"name": "Plain contact"})

    @contextmanager
    def clock_at(self, now):
        """Within the block, the clock reads ``now`` (a naive UTC datetime)."""
        with frozen_clock(self.env.cr, now):
            yield

    def only_our_customers(self, keep=None):
        """Take every bank customer but ours (``keep``, default those of this class) out of the
        bank (by SQL: the guard refuses it to users), so that what runs over every customer (the
        demo ones included) counts only the test's own. The test's transaction is rolled back."""
        keep = keep if keep is not None else self.customer_a | self.customer_b | self.customer_c
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET is_bank_customer = FALSE WHERE is_bank_customer AND id NOT IN %s",
            [tuple(keep.ids) or (0,)],
        )
        self.env.invalidate_all()

    @contextmanager
    def assertRefused(self, exception, regex):
        """Expect ``exception`` with a message matching ``regex``, inside a savepoint that is
        rolled back, so that the test can then check that nothing was written."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), regex)

    def cached_ids(self, records):
        """The ids of ``records`` that have any field value in the ORM cache (the memory a job
        over a million customers must not fill)."""
        return {
            record_id
            for field, values in self.env.transaction.field_data.items() if field.model_name == records._name
            for record_id in values if record_id in records.ids
        }

    @contextmanager
    def cron_batches_commit(self):
        """Stands for a real cron run, whose batches commit (``ir.cron._commit_progress``): each
        commit becomes a savepoint, so that ``crash_cron_midway`` keeps what was committed."""

        def commit(cron, processed=0, remaining=None, deactivate=False):
            self.env.flush_all()
            self.env.cr.execute("SAVEPOINT cron_progress")
            return float("inf")

        with patch.object(type(self.env["ir.cron"]), "_commit_progress", commit):
            yield

    def crash_cron_midway(self, model_name, method, run):
        """Run ``run()`` (inside ``cron_batches_commit``) with ``method`` of ``model_name`` raising
        on its second call, a crash after the first batch; drop what was not committed, as the
        database would, and return the records of both calls: the committed batch and the
        crashed one.

        (Not assertRaises: it rolls back to a savepoint of its own, taken before the commits.)"""
        model = type(self.env[model_name])
        original = getattr(model, method)
        calls = []

        def crash_on_second_call(records, *args, **kwargs):
            calls.append(records)
            if len(calls) == 2:
                raise RuntimeError("power cut")
            return original(records, *args, **kwargs)

        crashed = False
        try:
            with patch.object(model, method, crash_on_second_call):
                run()
        except RuntimeError:
            crashed = True
        self.assertTrue(crashed, "the cron did not reach a second batch")
        self.env.cr.execute("ROLLBACK TO SAVEPOINT cron_progress")
        self.env.invalidate_all(flush=False)
        return calls[0], calls[1]


class JsonRpcMixin:
    """For HttpCase classes: call the ORM over JSON-RPC as a test user, as the web client and
    outside programs do (the probes of tests/test_rpc_probes.py and the role tests)."""

    def call(self, login, model, method, args, kwargs=None):
        """Log in as ``login`` (test users' password is their login) and call ``model.method``;
        return (result, error message)."""
        if getattr(getattr(self, "session", None), "login", None) != login:
            self.authenticate(login, login)
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "model": model, "method": method, "args": args, "kwargs": kwargs or {},
            }}),
            headers={"Content-Type": "application/json"},
        )
        payload = response.json()
        if "error" in payload:
            return None, payload["error"]["data"]["message"]
        return payload["result"], None


# Evaluated in every new document of a tour's browser before the page's own scripts: ``Date``
# reads the real clock shifted by ``shift`` ms (new Date(), Date.now(), Date()), so that it runs
# and timers keep working; with arguments it is the browser's own Date.
BROWSER_CLOCK_JS = """(() => {
    const RealDate = Date;
    const now = () => RealDate.now() + %(shift)d;
    const ShiftedDate = new Proxy(RealDate, {
        construct: (target, args, newTarget) => Reflect.construct(target, args.length ? args : [now()], newTarget),
        apply: () => new RealDate(now()).toString(),
        get: (target, key, receiver) => (key === "now" ? now : Reflect.get(target, key, receiver)),
    });
    RealDate.prototype.constructor = ShiftedDate;
    globalThis.Date = ShiftedDate;
})();
"""

# Run before the test's own code (a tour's start): the browser must show the server's day in its
# time zone, at the server's time (give or take the page's loading).
BROWSER_CLOCK_CHECK_JS = """(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const day = window.luxon ? luxon.DateTime.now().toISODate() : new Date().toLocaleDateString("sv-SE");
    const late = Date.now() - %(server_ms)d;
    if (zone !== %(tz)s || day !== %(day)s || late < -1000 || late > 600000) {
        throw new Error(`The browser's clock reads ${day} in ${zone} (${new Date().toISOString()}), `
            + `not the test's ${%(day)s} in ${%(tz)s} (${new Date(%(server_ms)d).toISOString()})`);
    }
})();
"""


class ClockedChromeBrowser(odoo_test_common.ChromeBrowser):
    """Odoo's headless Chromium with the time zone and the shifted ``Date`` of its test
    (``browser_clock`` of TourClockMixin), set before the test opens its first page."""

    def __init__(self, test_case, *args, **kwargs):
        super().__init__(test_case, *args, **kwargs)
        shift_ms, tz = test_case.browser_clock
        try:
            self._websocket_request("Emulation.setTimezoneOverride", params={"timezoneId": tz})
            self._websocket_request("Page.addScriptToEvaluateOnNewDocument",
                                    params={"source": BROWSER_CLOCK_JS % {"shift": shift_ms}})
        except Exception:
            self.stop()
            raise


class TourClockMixin:
    """For HttpCase classes whose tours need a date: the server and the browser read one clock.

    ``reference_now`` (a naive UTC datetime) starts Python's clock there for the whole class,
    fixtures included (freezegun, running from there: the HTTP requests the browser makes run in
    threads of this process and read it too; the waits of Odoo's browser helpers time out) and
    sets the cursor's ``now()``, as BankCase does (a BankCase has frozen it already); ``cls.today``
    is the bank's day then. Every browser the class opens (``browser_js``, ``start_tour``) gets,
    over the DevTools protocol and before its first page, the time zone ``browser_tz`` (the bank's
    and the tour users') and a ``Date`` reading the server's clock: the real one shifted by the
    same offset, in every new document. The test's code first checks the browser's day, zone and
    time against the server's, so that a tour fails if the browser's clock is not the test's.
    See docs/testing.md."""

    reference_now = None
    browser_tz = "Asia/Shanghai"
    browser_clock = None  # (shift in ms, time zone) of the browser being opened

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.reference_now and not issubclass(cls, BankCase):
            cls.startClassPatcher(frozen_clock(cls.cr, cls.reference_now, tick=True))
        cls.today = cls.env.company._bank_today()

    def browser_js(self, url_path, code, *args, **kwargs):
        server_now = time.time()  # the test's clock, frozen or not
        # (freezegun's real clock read through its module: freezegun patches functions imported elsewhere)
        self.browser_clock = (round((server_now - freezegun_api.real_time()) * 1000), self.browser_tz)
        day = datetime.datetime.fromtimestamp(server_now, pytz.timezone(self.browser_tz)).date()
        check = BROWSER_CLOCK_CHECK_JS % {
            "server_ms": round(server_now * 1000), "tz": json.dumps(self.browser_tz), "day": json.dumps(str(day)),
        }
        with patch.object(odoo_test_common, "ChromeBrowser", ClockedChromeBrowser):
            return super().browser_js(url_path, check + code, *args, **kwargs)
